import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { makeUser } from '../test/helpers/dashboard-client.ts';
import { fakeCamera, fakeMicrophone } from '../test/helpers/fake-media.ts';
import { reexecInNetns } from '../test/helpers/netns.ts';
import { startServer } from '../test/helpers/server.ts';

// Live-call load ramp: N concurrent calls (user page + agent page each, Chromium with fake camera
// and microphone), recording on, in a private network namespace. Per level: connect time of the
// calls added, then over SAMPLE_S seconds the server process's CPU (process.cpuUsage: the vkyc
// server, werift peers and recorders; Chromium runs in its own processes) and RSS, and the frame
// rate the agents' browsers decode. `npm run bench:calls -- 1 2 4` (levels; default 1 2 4 6).
// The browsers share the 2 cores with the server: the per-call server cost is the figure to
// extrapolate from, the top level shows where this one machine (server + 2N pages) saturates.

const status = reexecInNetns(import.meta.filename);
if (status !== null) process.exit(status);

const SAMPLE_S = 10;
const levels = process.argv.slice(2).map(Number).filter((n) => n > 0);
const ramp = levels.length ? levels : [1, 2, 4, 6];

async function main() {
  const server = await startServer({ workers: false, env: { CALL_HOST_ADDRESSES: '127.0.0.1', LOG_LEVEL: 'error' } });
  server.runtime.attachCalls(server.httpServer);
  const { deps } = server.runtime;
  const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
  const agent = await makeUser(deps, { login: 'bench-agent', projectId, roles: ['agent'] });
  const args = (cam: string, mic: string) => ['--headless=new', '--no-sandbox', '--disable-gpu', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${cam}`, `--use-file-for-fake-audio-capture=${mic}`, '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'];
  const cam = await fakeCamera();
  const mic = await fakeMicrophone();
  const browsers: Browser[] = [await chromium.launch({ executablePath: '/usr/bin/chromium', args: args(cam, mic) }), await chromium.launch({ executablePath: '/usr/bin/chromium', args: args(cam, mic) })];
  const agentCtx = await browsers[1]!.newContext();
  await agentCtx.request.post(`${server.baseUrl}/dashboard/api/login`, { data: { login: agent.login, password: agent.password }, headers: { origin: server.baseUrl } });
  const userCtx = await browsers[0]!.newContext();
  const calls: Array<{ id: string; agent: Page; user: Page }> = [];
  const rows: string[] = [];
  const idle = process.memoryUsage().rss;
  for (const n of ramp) {
    const connect: number[] = [];
    while (calls.length < n) {
      const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'live_agent' } }) });
      const s = (await res.json()) as { id: string; capture_url: string };
      const user = await userCtx.newPage();
      await user.goto(`${server.baseUrl}/capture/call/${new URL(s.capture_url).pathname.split('/').pop()}`);
      const a = await agentCtx.newPage();
      const t = Date.now();
      await a.goto(`${server.baseUrl}/dashboard/call?session=${s.id}`, { timeout: 120_000 });
      await a.waitForFunction(() => (document.getElementById('remote') as HTMLVideoElement).videoWidth > 0, undefined, { timeout: 60_000 });
      connect.push(Date.now() - t);
      calls.push({ id: s.id, agent: a, user });
    }
    await new Promise((r) => setTimeout(r, 3000));
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((r) => setTimeout(r, SAMPLE_S * 1000));
    const c1 = process.cpuUsage(c0);
    const cpuPct = ((c1.user + c1.system) / 1000 / (performance.now() - w0)) * 100;
    const fps = calls.map((c) => server.runtime.calls.quality(c.id)?.agent.last?.in_fps ?? 0);
    const rss = process.memoryUsage().rss;
    const row = `| ${n} | ${Math.round(connect.reduce((a, b) => a + b, 0) / connect.length)} ms | ${cpuPct.toFixed(0)} % | ${(cpuPct / n).toFixed(1)} % | ${Math.round(rss / 2 ** 20)} MiB | ${Math.round((rss - idle) / 2 ** 20 / n)} MiB | ${Math.min(...fps).toFixed(0)}–${Math.max(...fps).toFixed(0)} |`;
    rows.push(row);
    process.stdout.write(`${row}\n`);
  }
  process.stdout.write(`\n| calls | connect (to first frame) | server CPU (of one core) | per call | server RSS | per call | agent fps min–max |\n|---|---|---|---|---|---|---|\n${rows.join('\n')}\n`);
  const t = Date.now();
  await Promise.all(calls.map((c) => server.runtime.calls.end(c.id, 'bench_done')));
  process.stdout.write(`ended and stored ${calls.length} calls' recordings in ${Date.now() - t} ms\n`);
  for (const b of browsers) await b.close();
  await server.stop();
}

await mkdir(path.resolve(import.meta.dirname, '../test-artifacts'), { recursive: true });
await main();
