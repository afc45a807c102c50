// The multi-node run (docs/scale-out.md, "Multi-node run"): PostgreSQL (own schema) + Redis (own
// key prefix) + an S3 server (s3rver), 2 API node processes (`vkyc serve`, no workers) behind a
// round-robin proxy, W worker processes (`vkyc worker`). N self-record sessions with generated face
// media go through the capture API via the proxy (the video as a resumable upload in 3 chunks, so
// consecutive chunks land on different nodes). Worker processes are SIGKILLed mid-run and restarted.
// Then every session must be decided exactly once (decision audit rows, video.completed events)
// and every decision webhook delivered (distinct webhook-id per session at the receiver).
//
// Used by bench/multinode.ts (figures) and test/e2e/multi-node-run.test.ts (assertions).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { personA3, videoOfA } from '../../test/helpers/face-media.ts';
import { PG_URL } from '../../test/helpers/runtime.ts';
import { createBucket, startS3Server } from '../../test/helpers/s3-server.ts';
import { startReceiver } from '../reliability/receiver.ts';
import { cleanupAll, freePort, tempDir } from '../reliability/server.ts';
import { startRoundRobinProxy } from './proxy.ts';

export interface MultinodeOptions {
  sessions: number;
  /** Worker processes (each WORKERS=1 verification slot, FACE_WORKERS=1). */
  workers: number;
  /** SIGKILLs of a worker process during the run, each followed by a restart. */
  kills: number;
  /** Bound for the whole run after the processes are up. */
  budgetMs: number;
  /** Clients submitting sessions at once (default 3). */
  clients?: number;
  /** QUEUE for every process; unset: what REDIS_URL selects (BullMQ where the adapter is wired). */
  queue?: 'sql' | 'bullmq';
  redisUrl?: string;
  log?: (s: string) => void;
}

export interface MultinodeResult {
  sessions: number;
  workers: number;
  killsDone: number;
  /** Which queue the processes used: the SQL table, or (with REDIS_URL and the BullMQ adapter) Redis. */
  queue: 'sql' | 'bullmq';
  /** First session created → last decision webhook received. */
  elapsedMs: number;
  sessionsPerMinute: number;
  statuses: Record<string, number>;
  /** Sessions with exactly one decision audit row / one video.completed event / one delivered webhook id. */
  decidedOnce: number;
  eventOnce: number;
  deliveredOnce: number;
  /** Sessions with no decision (or no delivered webhook) when the budget ran out. */
  undecided: string[];
  undelivered: string[];
  /** Sessions with more than one decision, event or distinct delivered id. */
  duplicated: string[];
  /** Deliveries of an id already received (at-least-once redelivery after a kill; receivers dedupe by webhook-id). */
  redeliveries: number;
  /** When (s after the start) each kill and each redelivery happened, with the first delivery's time: to tell kill-caused repeats from others. */
  killsAtS: number[];
  redeliveriesAtS: Array<{ firstS: number; againS: number }>;
  /** verify-session job runs (SQL queue: attempts summed; a killed run is retried). */
  verifyRuns: number | null;
  /** Requests each API node served, and resumable uploads whose chunks reached both nodes. */
  servedPerNode: number[];
  uploadsOnBothNodes: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const START_TIMEOUT_MS = 120_000;

interface Proc { name: string; child: ChildProcess | null; tail: string; start(): void; kill9(): Promise<void>; stop(): Promise<void> }

function proc(name: string, args: string[], env: Record<string, string>): Proc {
  const p: Proc = {
    name, child: null, tail: '',
    start() {
      const c = spawn(process.execPath, ['bin/vkyc.mjs', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      // Always drain stderr: a full pipe blocks the child.
      c.stderr!.on('data', (d: Buffer) => (p.tail = (p.tail + d.toString()).slice(-8000)));
      p.child = c;
    },
    async kill9() {
      const c = p.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    },
    async stop() {
      const c = p.child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await gone;
      clearTimeout(t);
    },
  };
  return p;
}

async function waitHealthy(base: string, p: Proc) {
  const until = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < until) {
    if (p.child?.exitCode !== null && p.child?.exitCode !== undefined) throw new Error(`${p.name} exited at start:\n${p.tail}`);
    if (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)) return;
    await sleep(250);
  }
  throw new Error(`${p.name} did not answer /healthz:\n${p.tail}`);
}

export async function runMultinode(o: MultinodeOptions): Promise<MultinodeResult> {
  const log = o.log ?? ((s: string) => process.stderr.write(`[multinode] ${s}\n`));
  const redisUrl = o.redisUrl ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const tag = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const schema = `mn_${tag}`;
  const prefix = `vkyc-mn-${tag}:`;
  const bucket = `vkyc-mn-${tag.replace(/_/g, '-')}`;
  const cleanups: Array<() => Promise<unknown>> = [];
  const pgq = async (q: string, params: unknown[] = []) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(`set search_path to ${schema}`);
      return (await c.query(q, params)).rows;
    } finally {
      await c.end();
    }
  };
  const procs: Proc[] = [];
  cleanups.push(() => cleanupAll()); // the temp dirs
  try {
    const s3 = await startS3Server();
    cleanups.push(() => s3.stop());
    await createBucket(s3, bucket);
    await pgq(`create schema ${schema}`);
    cleanups.push(() => pgq(`drop schema if exists ${schema} cascade`));
    cleanups.push(async () => {
      const r = new Redis(redisUrl);
      const keys = await r.keys(`${prefix}*`);
      for (let i = 0; i < keys.length; i += 500) await r.del(...keys.slice(i, i + 500));
      await r.quit();
    });
    const recv = await startReceiver();
    cleanups.push(() => recv.close());

    const apiPorts = [await freePort(), await freePort()];
    // The proxy's URL is every node's PUBLIC_URL: capture links and media URLs name the balancer.
    const proxy = await startRoundRobinProxy(apiPorts.map((p) => `http://127.0.0.1:${p}`));
    cleanups.push(() => proxy.close());
    const common: Record<string, string> = {
      ...(process.env as Record<string, string>),
      DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      REDIS_URL: redisUrl, REDIS_PREFIX: prefix,
      BLOB_URL: `s3://${bucket}/media`, S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      VKYC_SECRET: randomBytes(32).toString('hex'), PUBLIC_URL: proxy.url, WEBHOOK_ALLOW_PRIVATE: 'true', LOG_LEVEL: 'warn',
      TRUST_PROXY: '127.0.0.1',
      ...(o.queue ? { QUEUE: o.queue } : {}),
    };
    // The key command opens the database first: it runs the migrations before any node starts.
    const k = spawnSync(process.execPath, ['bin/vkyc.mjs', 'keys', 'create', '--project', 'multinode', '--test'], { env: { ...common, DATA_DIR: await tempDir('vkyc-mn-cli-') }, encoding: 'utf8', timeout: 120_000 });
    const key = k.stdout.trim();
    if (!key.startsWith('vk_test_')) throw new Error(`keys create failed: ${k.stderr}`);

    for (const [i, port] of apiPorts.entries()) {
      // --no-workers is the scale-out spelling; WORKERS=0 does the same on a build without it.
      const p = proc(`api-${i}`, ['serve', '--no-workers'], { ...common, DATA_DIR: await tempDir(`vkyc-mn-api${i}-`), PORT: String(port), HOST: '127.0.0.1', WORKERS: '0' });
      procs.push(p);
      p.start();
    }
    await Promise.all(apiPorts.map((port, i) => waitHealthy(`http://127.0.0.1:${port}`, procs[i]!)));
    const workers: Proc[] = [];
    for (let i = 0; i < o.workers; i++) {
      const w = proc(`worker-${i}`, ['worker'], { ...common, DATA_DIR: await tempDir(`vkyc-mn-w${i}-`), WORKERS: '1', FACE_WORKERS: '1' });
      workers.push(w);
      procs.push(w);
      w.start();
    }
    log(`2 API nodes behind ${proxy.url}, ${o.workers} worker process(es), ${o.sessions} sessions, ${o.kills} kill(s)`);

    const api = async (method: string, path: string, body?: unknown) => {
      for (let attempt = 0; ; attempt++) {
        const r = await fetch(`${proxy.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
        if (r.status !== 502 || attempt > 3) return r;
      }
    };
    const hook = await api('POST', '/v1/webhooks', { url: recv.url('/mn') });
    if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${await hook.text()}`);

    const selfie = await personA3();
    const video = await readFile(await videoOfA(4));
    const ids: string[] = [];
    let uploadsOnBothNodes = 0;
    const t0 = Date.now();
    const deadline = t0 + o.budgetMs;

    let nextSession = 0;
    const submitOne = async () => {
      for (let i = nextSession++; i < o.sessions; i = nextSession++) {
        const r = await api('POST', '/v1/sessions', { profile: { steps: ['selfie', 'video'], phrase: 'none', challenges: [] }, external_id: `mn-${i}` });
        if (r.status !== 201) throw new Error(`session: ${r.status} ${await r.text()}`);
        const s = (await r.json()) as { id: string; capture_url: string };
        const token = new URL(s.capture_url).pathname.split('/').pop()!;
        const cap = (method: string, path: string, body?: Uint8Array | string, headers: Record<string, string> = {}) =>
          fetch(`${proxy.url}/v1/capture${path}`, { method, headers: { authorization: `Bearer ${token}`, ...headers }, body: body as BodyInit | undefined });
        const must = async (what: string, p: Promise<Response>) => {
          const res = await p;
          if (res.status !== 200 && res.status !== 201) throw new Error(`${what}: ${res.status} ${await res.text()}`);
          return res;
        };
        await must('selfie', cap('PUT', '/selfie', new Uint8Array(selfie), { 'content-type': 'image/jpeg' }));
        const up = (await (await must('upload start', cap('POST', '/video/uploads', JSON.stringify({ size: video.length, content_type: 'video/webm' }), { 'content-type': 'application/json' }))).json()) as { upload_id: string };
        const nodes = new Set<string>();
        const cuts = [0, Math.floor(video.length / 3), Math.floor((2 * video.length) / 3), video.length];
        for (let c = 0; c < 3; c++) {
          const res = await must(`chunk ${c}`, cap('PATCH', `/video/uploads/${up.upload_id}`, new Uint8Array(video.subarray(cuts[c], cuts[c + 1])), { 'upload-offset': String(cuts[c]) }));
          nodes.add(res.headers.get('x-upstream') ?? '?');
        }
        if (nodes.size > 1) uploadsOnBothNodes++;
        await must('complete', cap('POST', '/complete'));
        ids.push(s.id);
      }
    };
    // Several clients at once, as real users arrive; each client's requests alternate nodes.
    const submit = () => Promise.all(Array.from({ length: o.clients ?? 3 }, submitOne));

    const decidedCount = async () => Number((await pgq(`select count(*)::int as n from sessions where id = any($1) and status not in ('pending', 'in_progress', 'processing')`, [ids]))[0]?.n ?? 0);
    let killsDone = 0;
    const killsAtS: number[] = [];
    const killer = async () => {
      for (let k2 = 0; k2 < o.kills; k2++) {
        // Kill k lands when a share of the sessions is decided: models are loaded, work is queued.
        const at = Math.max(1, Math.round((o.sessions * (k2 + 1)) / (o.kills + 2)));
        while (Date.now() < deadline && (await decidedCount()) < at) await sleep(500);
        if (Date.now() >= deadline) return;
        const w = workers[k2 % workers.length]!;
        log(`kill -9 ${w.name} (pid ${w.child?.pid}) at ${at} decided`);
        await w.kill9();
        killsDone++;
        killsAtS.push(Math.round((Date.now() - t0) / 1000));
        w.start();
      }
    };

    await Promise.all([submit(), killer()]);
    log(`submitted ${ids.length} sessions in ${Math.round((Date.now() - t0) / 1000)} s`);
    const decisionIds = () => {
      const per = new Map<string, Set<string>>();
      for (const d of recv.deliveries) {
        if (d.type !== 'video.completed' || !d.sessionId) continue;
        if (!per.has(d.sessionId)) per.set(d.sessionId, new Set());
        per.get(d.sessionId)!.add(d.webhookId);
      }
      return per;
    };
    let lastLog = 0;
    while (Date.now() < deadline) {
      const delivered = ids.filter((id) => decisionIds().has(id)).length;
      if (delivered === ids.length) break;
      if (Date.now() - lastLog > 15_000) {
        lastLog = Date.now();
        log(`${await decidedCount()} decided, ${delivered} webhooks delivered of ${ids.length} (${Math.round((Date.now() - t0) / 1000)} s)`);
      }
      await sleep(500);
    }
    const elapsedMs = Date.now() - t0;
    // A little longer for a late duplicate to show up, then count.
    await sleep(2000);

    const per = decisionIds();
    const audit = new Map<string, number>((await pgq(`select session_id, count(*)::int as n from audit_log where session_id = any($1) and action like 'decision.%' group by session_id`, [ids])).map((r) => [r.session_id as string, r.n as number]));
    const events = new Map<string, number>((await pgq(`select session_id, count(*)::int as n from webhook_events where session_id = any($1) and type = 'video.completed' group by session_id`, [ids])).map((r) => [r.session_id as string, r.n as number]));
    const statuses: Record<string, number> = {};
    for (const r of await pgq(`select status, count(*)::int as n from sessions where id = any($1) group by status`, [ids])) statuses[r.status as string] = r.n as number;
    const jobs = await pgq(`select count(*)::int as n, coalesce(sum(attempts), 0)::int as runs from jobs where name = 'verify-session'`);
    const queue: MultinodeResult['queue'] = (jobs[0]?.n ?? 0) > 0 ? 'sql' : 'bullmq';
    const raw = recv.deliveries.filter((d) => d.type === 'video.completed' && d.sessionId && ids.includes(d.sessionId)).length;
    const distinct = [...per.values()].reduce((s, v) => s + v.size, 0);
    const firstAt = new Map<string, number>();
    const redeliveriesAtS: MultinodeResult['redeliveriesAtS'] = [];
    for (const d of recv.deliveries.filter((d) => d.type === 'video.completed' && d.sessionId && ids.includes(d.sessionId))) {
      const first = firstAt.get(d.webhookId);
      if (first === undefined) firstAt.set(d.webhookId, d.at);
      else redeliveriesAtS.push({ firstS: Math.round((first - t0) / 1000), againS: Math.round((d.at - t0) / 1000) });
    }
    return {
      sessions: ids.length,
      workers: o.workers,
      killsDone,
      queue,
      elapsedMs,
      sessionsPerMinute: Math.round((ids.length / (elapsedMs / 60_000)) * 10) / 10,
      statuses,
      decidedOnce: ids.filter((id) => audit.get(id) === 1).length,
      eventOnce: ids.filter((id) => events.get(id) === 1).length,
      deliveredOnce: ids.filter((id) => per.get(id)?.size === 1).length,
      undecided: ids.filter((id) => !audit.get(id)),
      undelivered: ids.filter((id) => !per.has(id)),
      duplicated: ids.filter((id) => (audit.get(id) ?? 0) > 1 || (events.get(id) ?? 0) > 1 || (per.get(id)?.size ?? 0) > 1),
      redeliveries: raw - distinct,
      killsAtS,
      redeliveriesAtS,
      verifyRuns: queue === 'sql' ? (jobs[0]?.runs ?? null) : null,
      servedPerNode: [...proxy.served],
      uploadsOnBothNodes,
    };
  } catch (e) {
    for (const p of procs) if (p.tail) log(`${p.name} log tail:\n${p.tail.slice(-1500)}`);
    throw e;
  } finally {
    await Promise.all(procs.map((p) => p.stop().catch(() => undefined)));
    for (const c of cleanups.reverse()) await c().catch((e: unknown) => log(`cleanup: ${String(e)}`));
  }
}

