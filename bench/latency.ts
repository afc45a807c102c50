// npm run bench:latency — what a client waits for on the model endpoints, through the real API of a
// `vkyc serve` child process (models loaded at start, as in production), one request at a time:
//   - POST /v1/faces/compare (two photos of person A) — issue 20 target p50 ≤ 120 ms idle;
//   - POST /v1/liveness/verify with 8 frames (640×480 JPEGs) — target p50 ≤ 250 ms idle;
// then the resident memory (VmRSS) of each process kind with its models loaded: `vkyc serve`
// (API + workers), `vkyc serve --no-workers` (API only, no models) and `vkyc worker` with 1 and 2
// face worker threads (the difference is one thread's models). The server's CPU time per request
// (/proc/<pid>/stat) is printed next to the wall time: on a loaded machine it is the figure to compare.
//
//   npm run bench:latency [-- --n 40] [-- --no-rss] [-- --liveness-only]
//
// Media are generated from face-api's sample photos (no ../shared/data needed). Liveness verify is
// rate limited to 30 a minute per address, so its sample stays below that.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { personA1, personA3 } from '../test/helpers/face-media.ts';
import { loadConfig } from '../src/config/config.ts';
import { loadAverage } from './cpu-clock.ts';
import { percentile } from './faces-metrics.ts';

const arg = (name: string): string | undefined => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const N = Number(arg('--n')) || 40;
const LIVENESS_N = Math.min(N, 25);
/** The server's face worker threads: FACE_WORKERS as the server reads it (default one per core, at most 4). */
const FACE_WORKERS = loadConfig(process.env).FACE_WORKERS;

const freePort = () => new Promise<number>((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => r(p));
  });
});

/** VmRSS (MB) and CPU ms (utime + stime, all threads) of a process from /proc. */
function procStats(pid: number): { rssMb: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { rssMb: rss, cpuMs: (Number(f[11]) + Number(f[12])) * 10 };
}

/** CPU ms of every thread of a process (/proc/<pid>/task), by thread id. */
function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    out.set(Number(tid), (Number(f[11]) + Number(f[12])) * 10);
  }
  return out;
}

/**
 * Where a request's server CPU went: the main thread (HTTP, JSON, base64, frame fingerprints, the
 * checks), the face worker threads (Node names every thread "node", so they are taken to be the
 * `workers` busiest other threads) and the rest (libuv's pool decoding JPEGs with sharp, V8's GC).
 */
function threadSplit(pid: number, before: Map<number, number>, n: number, workers: number): string {
  const after = threadCpu(pid);
  const used = [...after].map(([tid, ms]) => [tid, (ms - (before.get(tid) ?? 0)) / n] as const);
  const main = used.find(([tid]) => tid === pid)?.[1] ?? 0;
  const others = used.filter(([tid]) => tid !== pid).map(([, ms]) => ms).sort((a, b) => b - a);
  const faces = others.slice(0, workers);
  const rest = others.slice(workers).reduce((a, b) => a + b, 0);
  return `main ${main.toFixed(0)}, face workers ${faces.map((ms) => ms.toFixed(0)).join(' + ')}, other threads ${rest.toFixed(0)} ms/request`;
}

interface Proc { child: ChildProcess; base: string; stop(): Promise<void> }

/** Starts `vkyc <args>` on a fresh port and waits until /readyz says its models are loaded. */
async function start(env: NodeJS.ProcessEnv, args: string[]): Promise<Proc> {
  const port = await freePort();
  const metrics = await freePort();
  const child = spawn(process.execPath, ['bin/vkyc.mjs', ...args], { env: { ...env, PORT: String(port), METRICS_PORT: String(metrics) }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  const ready = `http://127.0.0.1:${metrics}/readyz`;
  const until = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`vkyc ${args.join(' ')} exited:\n${stderr}`);
    const ok = await fetch(ready).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > until) throw new Error(`vkyc ${args.join(' ')} not ready after 300 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    child, base: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Sequential requests: p50/p90 wall and the server's mean CPU per request. */
async function measure(name: string, pid: number, n: number, one: () => Promise<Response>): Promise<void> {
  for (let i = 0; i < 2; i++) await (await one()).arrayBuffer(); // first calls set up kernels (see warmUp)
  const lat: number[] = [];
  const cpu0 = procStats(pid).cpuMs;
  const threads0 = threadCpu(pid);
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const r = await one();
    const body = await r.text();
    if (!r.ok) throw new Error(`${name}: ${r.status} ${body.slice(0, 300)}`);
    lat.push(performance.now() - t);
  }
  const cpu = (procStats(pid).cpuMs - cpu0) / n;
  console.log(`${name.padEnd(34)} p50 ${percentile(lat, 50).toFixed(0).padStart(4)} ms   p90 ${percentile(lat, 90).toFixed(0).padStart(4)} ms   server CPU ${cpu.toFixed(0)} ms/request   (n=${n}, load ${loadAverage()})`);
  console.log(`${''.padEnd(34)} ${threadSplit(pid, threads0, n, FACE_WORKERS)}`);
}

/** 8 distinct 640×480 frames of person A (slightly shifted crops), base64 JPEG. */
async function frames8(): Promise<string[]> {
  const src = await sharp(await personA3()).resize(800, 600, { fit: 'cover' }).toBuffer();
  return Promise.all(Array.from({ length: 8 }, async (_, i) => Buffer.from(await sharp(src).extract({ left: 10 * i, top: 5 * i, width: 720, height: 540 }).resize(640, 480).jpeg({ quality: 85 }).toBuffer()).toString('base64')));
}

async function latency(env: NodeJS.ProcessEnv, key: string): Promise<void> {
  const p = await start(env, ['serve']);
  try {
    const pid = p.child.pid!;
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const a = Buffer.from(await personA1()).toString('base64'), b = Buffer.from(await personA3()).toString('base64');
    if (!process.argv.includes('--liveness-only')) await measure('POST /v1/faces/compare', pid, N, () => fetch(`${p.base}/v1/faces/compare`, { method: 'POST', headers, body: JSON.stringify({ a, b }) }));
    const imgs = await frames8();
    const s = await (await fetch(`${p.base}/v1/sessions`, { method: 'POST', headers, body: JSON.stringify({ profile: { steps: ['selfie'] } }) })).json() as { id: string };
    await measure('POST /v1/liveness/verify (8 frames)', pid, LIVENESS_N, async () => {
      const st = await (await fetch(`${p.base}/v1/liveness/start`, { method: 'POST', headers, body: JSON.stringify({ session_id: s.id, challenges: ['turn_left', 'blink'] }) })).json() as { challengeToken: string };
      const t0 = Date.now() / 1000;
      const body = JSON.stringify({ challengeToken: st.challengeToken, frames: imgs.map((image, i) => ({ challengeIndex: i < 4 ? 0 : 1, image, timestamp: t0 + i * 0.25 })) });
      return fetch(`${p.base}/v1/liveness/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    });
    console.log(`  (liveness: each sample includes its /v1/liveness/start call, a signed token: ~1 ms)`);
    console.log(`RSS vkyc serve (API + workers, models loaded, after the requests): ${procStats(pid).rssMb.toFixed(0)} MB`);
  } finally {
    await p.stop();
  }
}

async function rss(env: NodeJS.ProcessEnv): Promise<void> {
  const kinds: Array<[string, string[], NodeJS.ProcessEnv]> = [
    ['vkyc serve --no-workers (API only)', ['serve', '--no-workers'], {}],
    ['vkyc worker, FACE_WORKERS=1', ['worker'], { FACE_WORKERS: '1' }],
    ['vkyc worker, FACE_WORKERS=2', ['worker'], { FACE_WORKERS: '2' }],
    ['vkyc worker, FACE_WORKERS=0 (in process)', ['worker'], { FACE_WORKERS: '0' }],
  ];
  for (const [name, args, extra] of kinds) {
    const p = await start({ ...env, ...extra }, args);
    try {
      await new Promise((r) => setTimeout(r, 1000));
      console.log(`RSS ${name.padEnd(42)} ${procStats(p.child.pid!).rssMb.toFixed(0)} MB (models loaded at start; idle)`);
    } finally {
      await p.stop();
    }
  }
}

const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-bench-latency-'));
try {
  const env = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  const keyOut = spawnSync(process.execPath, ['bin/vkyc.mjs', 'keys', 'create', '--project', 'bench', '--test'], { env, encoding: 'utf8' });
  const key = keyOut.stdout.trim();
  if (!key.startsWith('vk_test_')) throw new Error(`could not create a key: ${keyOut.stderr}`);
  console.log(`bench:latency — vkyc serve in a child process (2 cores), load at start ${loadAverage()}`);
  await latency(env, key);
  if (!process.argv.includes('--no-rss')) await rss(env);
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
