import { readFile } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { makeUser } from '../test/helpers/dashboard-client.ts';
import { fakeCamera, fakeMicrophone, fakeSelfieJpeg } from '../test/helpers/fake-media.ts';
import { reexecInNetns } from '../test/helpers/netns.ts';
import { startServer } from '../test/helpers/server.ts';

// Live-call load ramp with the real pages: N concurrent calls, each a user page in the queue
// (/capture/call/<token>) and an agent console that took them (`POST /dashboard/api/agents/next`,
// then /dashboard/call?session=…: the workspace samples a frame every 2 s for the live face match),
// recording on, in a private network namespace. Per level: connect time of the calls added (agent
// page opened → first user frame decoded there), then over SAMPLE_S seconds the server process's
// CPU (process.cpuUsage: HTTP, signalling, werift peers and recorders, face match on the sampled
// frames; Chromium runs in its own processes) and RSS, and the frame rate the agents decode.
// `npm run bench:calls -- 1 2 4` (levels; default 1 2 4 6). The browsers share the 2 cores with
// the server: the per-call server cost is the figure to extrapolate from; the top level shows where
// this one machine (server + 2N pages) saturates. Writes the table to stdout.

const status = reexecInNetns(import.meta.filename);
if (status !== null) process.exit(status);

const SAMPLE_S = 10;
const levels = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ramp = levels.length ? levels : [1, 2, 4, 6];

type Server = Awaited<ReturnType<typeof startServer>>;

/** A live-agent session whose selfie is in: `complete` puts it in `awaiting_agent`, ready for the queue. */
async function queuedSession(server: Server, selfie: Buffer): Promise<{ id: string; token: string }> {
  const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'live_agent' } }) });
  const s = (await res.json()) as { id: string; capture_url: string };
  const token = new URL(s.capture_url).pathname.split('/').pop()!;
  const cap = (method: string, p: string, body?: Buffer) => fetch(`${server.baseUrl}/v1/capture${p}`, { method, headers: { authorization: `Bearer ${token}` }, body: body ? new Uint8Array(body) : undefined });
  if ((await cap('PUT', '/selfie', selfie)).status !== 200) throw new Error('selfie upload refused');
  const done = await cap('POST', '/complete');
  if (done.status !== 200) throw new Error(`complete: ${done.status} ${await done.text()}`);
  return { id: s.id, token };
}

/** One agent per call (one call at a time per agent): a signed-in context that takes the head of the queue. */
async function agentTakes(server: Server, browser: Browser, projectId: string, n: number): Promise<{ ctx: BrowserContext; sessionId: string }> {
  const agent = await makeUser(server.runtime.deps, { login: `bench-agent-${n}`, projectId, roles: ['agent'] });
  const ctx = await browser.newContext();
  const origin = { origin: server.baseUrl };
  const signIn = await ctx.request.post(`${server.baseUrl}/dashboard/api/login`, { data: { login: agent.login, password: agent.password }, headers: origin });
  const { csrf_token } = (await signIn.json()) as { csrf_token: string };
  const next = await ctx.request.post(`${server.baseUrl}/dashboard/api/agents/next`, { data: {}, headers: { ...origin, 'x-csrf-token': csrf_token } });
  if (next.status() !== 200) throw new Error(`next: ${next.status()} ${await next.text()}`);
  return { ctx, sessionId: ((await next.json()) as { session_id: string }).session_id };
}

async function main() {
  const server = await startServer({ workers: false, env: { CALL_HOST_ADDRESSES: '127.0.0.1', LOG_LEVEL: 'error' } });
  server.runtime.attachCalls(server.httpServer);
  const { deps } = server.runtime;
  const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
  const args = (cam: string, mic: string) => ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${cam}`, `--use-file-for-fake-audio-capture=${mic}`, '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'];
  const cam = await fakeCamera();
  const mic = await fakeMicrophone();
  const selfie = await readFile(await fakeSelfieJpeg());
  const browsers: Browser[] = [await chromium.launch({ executablePath: '/usr/bin/chromium', args: args(cam, mic) }), await chromium.launch({ executablePath: '/usr/bin/chromium', args: args(cam, mic) })];
  const userCtx = await browsers[0]!.newContext();
  const calls: Array<{ id: string; agent: Page; user: Page }> = [];
  const rows: string[] = [];
  // The first session's capture steps load the face models (selfie checks) into this process: the
  // baseline is taken after them, so "per call" is what calls add, not what the capture API loads.
  const pending = [await queuedSession(server, selfie)];
  // Password hashing at sign-in (scrypt) also grows RSS once and keeps it: one sign-in before the baseline.
  const warm = await makeUser(deps, { login: 'bench-warm-up', projectId, roles: ['agent'] });
  const warmCtx = await browsers[1]!.newContext();
  await warmCtx.request.post(`${server.baseUrl}/dashboard/api/login`, { data: { login: warm.login, password: warm.password }, headers: { origin: server.baseUrl } });
  await warmCtx.close();
  const idle = process.memoryUsage().rss;
  for (const n of ramp) {
    const connect: number[] = [];
    while (calls.length < n) {
      const s = pending.pop() ?? (await queuedSession(server, selfie));
      const user = await userCtx.newPage();
      await user.goto(`${server.baseUrl}/capture/call/${s.token}`);
      await user.waitForSelector('#position:has-text("You are")', { timeout: 60_000 });
      const { ctx, sessionId } = await agentTakes(server, browsers[1]!, projectId, calls.length + 1);
      const a = await ctx.newPage();
      const t = Date.now();
      await a.goto(`${server.baseUrl}/dashboard/call?session=${sessionId}`, { timeout: 120_000 });
      await a.waitForFunction(() => (document.getElementById('remote') as HTMLVideoElement).videoWidth > 0, undefined, { timeout: 60_000 });
      connect.push(Date.now() - t);
      calls.push({ id: sessionId, agent: a, user });
    }
    await new Promise((r) => setTimeout(r, 3000));
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
    const c1 = process.cpuUsage(c0);
    const cpuPct = ((c1.user + c1.system) / 1000 / (performance.now() - w0)) * 100;
    const fps = calls.map((c) => server.runtime.calls.quality(c.id)?.agent.last?.in_fps ?? 0);
    const rss = process.memoryUsage().rss;
    const row = `| ${n} | ${Math.round(connect.reduce((x, y) => x + y, 0) / connect.length)} ms | ${cpuPct.toFixed(0)} % | ${(cpuPct / n).toFixed(1)} % | ${Math.round(rss / 2 ** 20)} MiB | ${Math.round((rss - idle) / 2 ** 20 / n)} MiB | ${Math.min(...fps).toFixed(0)}–${Math.max(...fps).toFixed(0)} |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  }
  process.stdout.write(`\nbaseline RSS (server after one capture, no call): ${Math.round(idle / 2 ** 20)} MiB\n| calls | connect (agent page → first user frame) | server CPU (of one core) | per call | server RSS | per call | agent fps min–max |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  const t = Date.now();
  await Promise.all(calls.map((c) => server.runtime.calls.end(c.id, 'server_stopping')));
  process.stdout.write(`ended and stored ${calls.length} calls' recordings in ${Date.now() - t} ms\n`);
  for (const b of browsers) await b.close();
  await server.stop();
  // werift keeps closed peers' UDP sockets open (see test/e2e/live-call.test.ts): leave explicitly.
  process.exit(0);
}

await main();
