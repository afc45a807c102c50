// npm run bench:reliability — the reliability and security suite. Starts real `vkyc serve` child
// processes on loopback and measures: bad inputs on every route family (status, code, RSS growth),
// token and media-URL tampering, SSRF spellings at webhook registration (and whether a signed POST
// reached a loopback receiver), kill -9 during verification, a webhook receiver outage, tenant
// isolation. A measurement: failing cases are figures and the exit code stays 0; only a broken
// harness exits non-zero. See docs/reliability.md.
//
//   --pg               PostgreSQL (test machine's, own schema per run) instead of SQLite
//   --json FILE        write every figure as JSON
//   --sessions N       sessions in the kill -9 section (default 30: on an idle machine 12 finished before the 10th kill)
//   --kills N          SIGKILLs (default 10)
//   --only a,b         sections: bad-inputs, tampering, ssrf, limits, kill, outage, isolation
import { parseArgs } from 'node:util';
import { idCard, personA1, personA3 } from '../test/helpers/face-media.ts';
import { makeBadMedia } from './reliability/bad-media.ts';
import { runBadInputs } from './reliability/bad-inputs.ts';
import { runCrash, sleep } from './reliability/crash.ts';
import { capture, createSession, makeFixtures } from './reliability/fixtures.ts';
import { api, defaultHeaders } from './reliability/http.ts';
import { runIsolation } from './reliability/isolation.ts';
import { CAPTURE_LIMIT, runLimits } from './reliability/limits.ts';
import { runOutage } from './reliability/outage.ts';
import { startReceiver } from './reliability/receiver.ts';
import { Report } from './reliability/report.ts';
import { cleanupAll, makeServer, tempDir, type TestServer } from './reliability/server.ts';
import { registerSpellings, ssrfDeliveries } from './reliability/ssrf.ts';
import { runTampering } from './reliability/tampering.ts';

const { values: args } = parseArgs({
  options: { pg: { type: 'boolean', default: false }, json: { type: 'string' }, sessions: { type: 'string', default: '30' }, kills: { type: 'string', default: '10' }, only: { type: 'string' } },
});
const only = args.only ? new Set(args.only.split(',')) : null;
const want = (s: string) => !only || only.has(s);
const report = new Report();
const SECTION_NAMES = { 'bad-inputs': 'bad inputs', tampering: 'tampering', ssrf: 'ssrf', limits: 'limits and headers', kill: 'kill -9', outage: 'webhook outage', isolation: 'tenant isolation' } as const;

/** Runs one section; an exception becomes the section's error figure and the suite goes on. */
async function section(key: keyof typeof SECTION_NAMES, srv: TestServer, fn: () => Promise<void>) {
  if (!want(key)) return;
  const name = SECTION_NAMES[key];
  const t0 = Date.now();
  // A client address of its own per section (198.18.0.0/15, the benchmarking range of RFC 2544).
  defaultHeaders['x-forwarded-for'] = `198.18.0.${Object.keys(SECTION_NAMES).indexOf(key) + 1}`;
  process.stderr.write(`[reliability] ${name}…\n`);
  try {
    await fn();
  } catch (e) {
    report.figures(name, {}, `${e instanceof Error ? e.message : String(e)}`.slice(0, 500));
    process.stderr.write(`[reliability] ${name} broke: ${e instanceof Error ? e.stack : String(e)}\nserver log tail:\n${srv.tail().slice(-1500)}\n`);
    if (!srv.pid()) await srv.start().catch(() => undefined);
  }
  process.stderr.write(`[reliability] ${name} done in ${Math.round((Date.now() - t0) / 1000)} s\n`);
}

/** Loads the face and OCR models once, so the bad-input RSS figures measure requests, not model loads. */
async function warmUp(srv: TestServer) {
  const face = (await personA3()).toString('base64');
  const doc = (await idCard(await personA1())).toString('base64');
  await api(srv.base, srv.keys.A!, 'POST', '/v1/faces/detect', { image: face }, 240_000);
  await api(srv.base, srv.keys.A!, 'POST', '/v1/faces/compare', { a: face, b: face }, 240_000);
  await api(srv.base, srv.keys.A!, 'POST', '/v1/documents/recognize', { image: doc }, 240_000);
}

async function waitDecided(srv: TestServer, key: string, id: string, budgetMs: number) {
  const t0 = Date.now();
  while (Date.now() - t0 < budgetMs) {
    const r = await api(srv.base, key, 'GET', `/v1/sessions/${id}`).catch(() => null);
    if (r?.json?.status && r.json.status !== 'processing') return r.json.status as string;
    await sleep(1000);
  }
  return 'processing';
}

let broken: unknown = null;
const recv = await startReceiver();
const stopOnSignal = () => void cleanupAll().finally(() => process.exit(130));
process.once('SIGINT', stopOnSignal);
process.once('SIGTERM', stopOnSignal);
try {
  const media = await makeBadMedia(await tempDir('vkyc-rel-media-'));
  if (want('bad-inputs') || want('tampering') || want('ssrf') || want('limits')) {
    // Server A: no workers (nothing processes while inputs are measured), SSRF guard on, a 20 MB
    // video limit so an over-limit stream stays quick, a capture limit a few dozen requests reach,
    // X-Forwarded-For from loopback believed (each section is its own client; see `section`).
    const a = await makeServer({ name: 'a', pg: args.pg, tenants: ['A', 'B', 'C'], env: { WORKERS: '0', WEBHOOK_ALLOW_PRIVATE: 'false', MAX_VIDEO_BYTES: String(20 * 1024 * 1024), CAPTURE_RATE_LIMIT: String(CAPTURE_LIMIT), TRUST_PROXY: '127.0.0.1' } });
    await a.start();
    const fx = await makeFixtures(a, media);
    await section('bad-inputs', a, async () => {
      await warmUp(a);
      await runBadInputs(a, fx, report);
    });
    await section('tampering', a, () => runTampering(a, fx, report));
    await section('ssrf', a, async () => {
      await api(a.base, fx.keyA, 'DELETE', `/v1/webhooks/${fx.webhookId}`); // its public address is never contacted
      const reg = await registerSpellings(a.base, a.keys.C!, recv.port, report);
      // Real events for tenant C: a decision (workers on from now), then a human review.
      const s = await createSession(a.base, a.keys.C!, { steps: ['selfie'] });
      await capture(a.base, s.token, 'PUT', '/selfie', media.goodJpeg, { 'content-type': 'image/jpeg' });
      await capture(a.base, s.token, 'POST', '/complete');
      await a.stop();
      // Workers on; no trusted proxy from now on: the limits section checks forwarded headers are ignored.
      await a.start({ WORKERS: '1', TRUST_PROXY: '' });
      const status = await waitDecided(a, a.keys.C!, s.id, 180_000);
      if (status === 'completed') await api(a.base, a.keys.C!, 'POST', `/v1/sessions/${s.id}/review`, { result: 'declined', reviewer: 'reliability-suite' });
      await sleep(8000); // first delivery attempts are immediate
      ssrfDeliveries(recv, report, reg);
    });
    // Last on server A: a limit on wrong API keys may lock this client out for a while.
    await section('limits', a, async () => {
      // A fresh process (empty rate-limit windows) that believes no proxy.
      await a.stop();
      await a.start({ TRUST_PROXY: '' });
      await runLimits(a, report);
    });
    await a.stop();
  }
  if (want('kill') || want('outage') || want('isolation')) {
    // Server B: webhooks to the loopback receiver allowed, one worker, real models.
    const b = await makeServer({ name: 'b', pg: args.pg, tenants: ['A', 'B'], env: { WEBHOOK_ALLOW_PRIVATE: 'true' } });
    await b.start();
    let decided: string[] = [];
    let anySession = '';
    await section('kill', b, async () => {
      const r = await runCrash(b, recv, report, { sessions: Number(args.sessions), kills: Number(args.kills), minGapMs: 1000, maxGapMs: 5000, killBudgetMs: 150_000, settleBudgetMs: 150_000 }, media.patchedMp4);
      decided = r.decided;
      anySession = r.sessions[0]?.id ?? '';
    });
    await section('outage', b, () => runOutage(b, recv, report, decided));
    await section('isolation', b, async () => {
      const id = decided[0] ?? anySession ?? (await createSession(b.base, b.keys.A!, { steps: ['selfie'] }, { external_id: 'iso' })).id;
      await runIsolation(b, report, id || (await createSession(b.base, b.keys.A!, { steps: ['selfie'] }, { external_id: 'iso' })).id);
    });
    await b.stop();
  }
} catch (e) {
  broken = e;
} finally {
  await recv.close();
  await cleanupAll();
}

for (const s of Object.values(SECTION_NAMES)) if (report.cases.some((c) => c.section === s) || report.sections.some((x) => x.section === s)) report.printSection(s);
report.printSummary();
if (args.json) await report.writeJson(args.json, { database: args.pg ? 'postgres' : 'sqlite', node: process.version, at: new Date().toISOString() });
if (broken) {
  process.stderr.write(`reliability harness broke: ${broken instanceof Error ? broken.stack : String(broken)}\n`);
  process.exit(1);
}
process.exit(0);
