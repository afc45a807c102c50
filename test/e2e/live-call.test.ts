import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { readBlob } from '../../src/storage/blob-port.ts';
import { makeUser } from '../helpers/dashboard-client.ts';
import { MEDIA_DIR, fakeMicrophone } from '../helpers/fake-media.ts';
import { reexecInNetns } from '../helpers/netns.ts';
import { startServer } from '../helpers/server.ts';

// Outside a private network namespace this file only re-runs itself inside one (helpers/netns.ts);
// the imports above register no test, so the outer process reports only the inner one's results.
const status = reexecInNetns(import.meta.filename);
if (status !== null) process.exit(status);

// A live call in two real Chromium pages: the user (capture token) and the agent (a dashboard
// account signed in with its password), each with a fake camera of one flat colour, relayed and
// recorded by the server's werift peers. Asserts: both connect; each page shows the other's
// colour; a reload of the user's page rejoins the same call; both recordings are stored, decode,
// last as long as the call (±1 s) and hold the right colour and an audio track. Screens go to
// test-artifacts/screens/call-*.png.

const root = path.resolve(import.meta.dirname, '../..');
const SCREENS = path.join(root, 'test-artifacts/screens');
/** Fake camera colours (RGB) far apart in every channel: a page showing the wrong side fails. */
const USER_RGB = [40, 190, 70] as const;
const AGENT_RGB = [50, 80, 200] as const;
const hex = (c: readonly number[]) => c.map((v) => v.toString(16).padStart(2, '0')).join('');

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('latin1')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} ${code}: ${err.slice(-500)}`))));
  });
}

/** A Y4M camera of one colour with a small moving square (VP8 gets motion, the colour stays dominant). */
async function colourCamera(rgb: readonly number[]): Promise<string> {
  const file = path.join(MEDIA_DIR, `call-cam-${hex(rgb)}.y4m`);
  await mkdir(MEDIA_DIR, { recursive: true });
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${hex(rgb)}:s=640x480:r=15:d=4`, '-vf', "drawbox=x='mod(t*80,560)':y=200:w=40:h=40:c=white:t=fill", '-pix_fmt', 'yuv420p', file]);
  return file;
}

function launch(camera: string, mic: string): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${camera}`, `--use-file-for-fake-audio-capture=${mic}`,
      '--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'],
  });
}

/** Mean RGB of the remote <video>'s current frame (centre 80 %, away from the moving square's row). */
const remoteColour = (page: Page) => page.evaluate(() => {
  const v = document.getElementById('remote') as HTMLVideoElement;
  if (!v.videoWidth) return null;
  const c = document.createElement('canvas');
  c.width = 64;
  c.height = 48;
  const g = c.getContext('2d')!;
  g.drawImage(v, 0, 0, 64, 48);
  const d = g.getImageData(0, 0, 64, 16).data; // the top third: the square moves lower down
  const sum = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) sum[k]! += d[i + k]!;
  return sum.map((s) => Math.round(s / (d.length / 4)));
});

const near = (got: number[] | null, want: readonly number[], tol = 40) => got !== null && got.every((v, i) => Math.abs(v - want[i]!) <= tol);

async function waitColour(page: Page, want: readonly number[], ms = 15_000): Promise<number[] | null> {
  const end = Date.now() + ms;
  let got: number[] | null = null;
  while (Date.now() < end) {
    got = await remoteColour(page);
    if (near(got, want)) return got;
    await new Promise((r) => setTimeout(r, 200));
  }
  return got;
}

/** Duration, stream kinds and the mean colour of a frame at `at` s of a stored recording. */
async function inspect(file: string, at: number) {
  const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:format_tags:stream=codec_type,codec_name', '-of', 'json', file])) as { format: { duration: string; tags?: Record<string, string> }; streams: Array<{ codec_type: string; codec_name: string }> };
  const raw = await run('ffmpeg', ['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1', '-vf', 'crop=iw:ih/3:0:0,scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return { duration: Number(probe.format.duration), tags: probe.format.tags ?? {}, streams: probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(), rgb: [...Buffer.from(raw, 'latin1').subarray(0, 3)] };
}

type Server = Awaited<ReturnType<typeof startServer>>;

describe('live call through the server (werift relay + recording) in two Chromium pages', { timeout: 240_000 }, () => {
  let server: Server;
  let userBrowser: Browser;
  let agentBrowser: Browser;
  let work: string;
  before(async () => {
    await mkdir(SCREENS, { recursive: true });
    work = await mkdtemp(path.join(tmpdir(), 'vkyc-call-'));
    server = await startServer({ workers: false, env: { CALL_HOST_ADDRESSES: '127.0.0.1', CALL_GRACE_SECONDS: '30' } });
    server.runtime.attachCalls(server.httpServer);
    const mic = await fakeMicrophone();
    userBrowser = await launch(await colourCamera(USER_RGB), mic);
    agentBrowser = await launch(await colourCamera(AGENT_RGB), mic);
  });
  after(async () => {
    await userBrowser?.close();
    await agentBrowser?.close();
    await server?.stop();
    // werift leaves the UDP sockets of closed peers open (3 sockets bound on 0.0.0.0 after every
    // peer and the server closed), which would keep this file's process, and so the test run,
    // alive forever. Every result is reported by now: leave shortly after.
    setTimeout(() => process.exit(), 1500).unref();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('connects, relays both ways, survives a reload, records both sides', async () => {
    const { deps } = server.runtime;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'live_agent' } }) });
    assert.equal(res.status, 201);
    const session = (await res.json()) as { id: string; capture_url: string };
    const token = new URL(session.capture_url).pathname.split('/').pop()!;

    // The agent: a real dashboard account with the agent role, signed in with its password.
    const agent = await makeUser(deps, { login: 'agnes', projectId, roles: ['agent'] });
    const agentCtx = await agentBrowser.newContext({ viewport: { width: 1000, height: 900 } });
    const signIn = await agentCtx.request.post(`${server.baseUrl}/dashboard/api/login`, { data: { login: agent.login, password: agent.password }, headers: { origin: server.baseUrl } });
    assert.equal(signIn.status(), 200);
    const agentPage = await agentCtx.newPage();
    const userCtx = await userBrowser.newContext({ viewport: { width: 800, height: 900 } });
    const userPage = await userCtx.newPage();
    const problems: string[] = [];
    for (const p of [agentPage, userPage]) {
      p.on('pageerror', (e) => problems.push(String(e)));
      p.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text()); });
    }

    const t0 = Date.now();
    await userPage.goto(`${server.baseUrl}/capture/call/${token}`);
    await userPage.waitForSelector('#state.ok, #peer:has-text("Waiting for the agent")');
    await userPage.screenshot({ path: path.join(SCREENS, 'call-01-user-waiting.png') });
    const tAgent = Date.now();
    await agentPage.goto(`${server.baseUrl}/dashboard/call?session=${session.id}`);
    await agentPage.waitForSelector('#peer:has-text("User connected")', { timeout: 20_000 });
    await userPage.waitForSelector('#peer:has-text("The agent is with you")', { timeout: 20_000 });
    const connectMs = Date.now() - tAgent;

    // Each page shows the other side's camera: frames crossed the server both ways.
    const seenByAgent = await waitColour(agentPage, USER_RGB);
    assert.ok(near(seenByAgent, USER_RGB), `the agent sees the user's camera (got ${seenByAgent}; quality ${JSON.stringify(server.runtime.calls.quality(session.id))})`);
    const seenByUser = await waitColour(userPage, AGENT_RGB);
    assert.ok(near(seenByUser, AGENT_RGB), `the user sees the agent's camera (got ${seenByUser})`);
    const firstFrameMs = Date.now() - tAgent;
    await new Promise((r) => setTimeout(r, 4000));
    await agentPage.screenshot({ path: path.join(SCREENS, 'call-02-agent-in-call.png') });
    await userPage.screenshot({ path: path.join(SCREENS, 'call-03-user-in-call.png') });
    assert.ok(server.runtime.calls.isLive(session.id));

    // The user reloads: a new socket and peer join the same call within the grace period.
    const tReload = Date.now();
    await userPage.reload();
    await userPage.waitForSelector('#peer:has-text("The agent is with you")', { timeout: 20_000 });
    await agentPage.waitForSelector('#peer:has-text("User connected")', { timeout: 20_000 });
    assert.ok(near(await waitColour(agentPage, USER_RGB), USER_RGB), 'after the reload the agent sees the user again');
    assert.ok(near(await waitColour(userPage, AGENT_RGB), AGENT_RGB), 'after the reload the user sees the agent again');
    const rejoinMs = Date.now() - tReload;
    const frameTime = () => agentPage.evaluate(() => (document.getElementById('remote') as HTMLVideoElement).currentTime);
    const before = await frameTime();
    await new Promise((r) => setTimeout(r, 4000));
    assert.ok((await frameTime()) > before + 2, 'the agent\'s video keeps playing after the rejoin');
    const live = server.runtime.calls.quality(session.id);
    assert.ok(live, 'quality of a live call');
    assert.ok(live.user.samples > 0 && live.agent.samples > 0, 'both browsers report stats');
    assert.ok(live.user.server.video.packets > 100, 'the server counted the user\'s video packets');

    await agentPage.click('#hangup');
    await agentPage.waitForSelector('#state:has-text("Call ended")');
    await userPage.waitForSelector('#state:has-text("The call has ended")');
    let ended = server.runtime.calls.result(session.id);
    for (let i = 0; !ended && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ended = server.runtime.calls.result(session.id);
    }
    assert.ok(ended, 'the call ended with a result');
    const result = ended;
    assert.equal(result.endReason, 'agent_hung_up');
    assert.equal(problems.length, 0, problems.join('\n'));

    // Recordings: the agent's in one segment, the user's in two (before and after the reload).
    const bySide = (side: string) => result.recordings.filter((r) => r.side === side).sort((a, b) => a.segment - b.segment);
    assert.deepEqual(bySide('agent').map((r) => r.segment), [1]);
    assert.deepEqual(bySide('user').map((r) => r.segment), [1, 2], JSON.stringify(result.recordings));
    const report: Record<string, unknown> = { connectMs, firstFrameMs, rejoinMs, callSeconds: result.durationSeconds, t0 };
    for (const r of result.recordings) {
      assert.match(r.key, new RegExp(`^projects/${projectId}/sessions/${session.id}/call_(user|agent)-\\d\\.webm$`));
      const file = path.join(work, `${r.side}-${r.segment}.webm`);
      await writeFile(file, await readBlob(deps.blobs, r.key));
      const info = await inspect(file, Math.max(0.5, r.duration_seconds / 2));
      report[`${r.side}-${r.segment}`] = { seconds: info.duration, rgb: info.rgb };
      assert.deepEqual(info.streams, ['audio:opus', 'video:vp8'], `${r.key} has audio and video`);
      assert.ok(Math.abs(info.duration - r.duration_seconds) < 0.01);
      assert.ok(near(info.rgb, r.side === 'user' ? USER_RGB : AGENT_RGB, 45), `${r.key} shows the ${r.side}'s camera (got ${info.rgb})`);
      assert.equal(info.tags.VKYC_STARTED_AT ?? info.tags.vkyc_started_at, r.started_at, 'the wall-clock start travels in the file');
    }
    // The agent was there from the first connection to the hang-up; the user's two segments cover
    // the same call minus the reload gap. ±1 s: recording starts with the first media packets.
    const [agentRec] = bySide('agent');
    assert.ok(Math.abs(agentRec!.duration_seconds - result.durationSeconds) <= 1, `agent recording ${agentRec!.duration_seconds} s ≈ call ${result.durationSeconds} s`);
    const userTotal = bySide('user').reduce((s, r) => s + r.duration_seconds, 0);
    assert.ok(userTotal <= result.durationSeconds + 1 && userTotal >= result.durationSeconds - rejoinMs / 1000 - 1, `user recordings ${userTotal} s ≈ call ${result.durationSeconds} s minus the ${rejoinMs} ms reload`);
    process.stderr.write(`# live call: ${JSON.stringify(report)}\n`);
  });
});
