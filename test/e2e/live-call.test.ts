import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchWithFakeMedia } from '../helpers/chromium.ts';
import { readBlob } from '../../src/storage/blob-port.ts';
import { makeUser } from '../helpers/dashboard-client.ts';
import { MEDIA_DIR, fakeMicrophone } from '../helpers/fake-media.ts';
import { reexecInNetns } from '../helpers/netns.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { startServer } from '../helpers/server.ts';
import { HOLDER, PAPER_RGB, uploads, userCamera } from './live-call-media.ts';

// Outside a private network namespace this file only re-runs itself inside one (helpers/netns.ts);
// the imports above register no test, so the outer process reports only the inner one's results.
const status = reexecInNetns(import.meta.filename);
if (status !== null) process.exit(status);

// Live agent mode end to end in two real Chromium pages and the server (docs/live-calls-api.md):
// the user uploaded a passport and a selfie, then waits in the queue (/capture/call/<token>) with
// their location shared; the agent (a dashboard account with the agent role) goes available in the
// console (/dashboard/call), is offered the user and accepts; the call is relayed and recorded by
// the server's werift peers. The user's fake camera shows person A's face, then the passport page.
// Asserts: the call connects; the agent's page shows the user's frames and the server's live face
// match on them; a still of the passport is read and its MRZ matches the uploaded document field by
// field; the user's reload rejoins the same call; the decision ends the call, both recordings decode
// with the expected duration and content, and `video.reviewed` reaches the webhook, signed.
// Screens: test-artifacts/screens/call-*.png and /tmp/vkyc-shots/calls/.

const root = path.resolve(import.meta.dirname, '../..');
const SCREENS = [path.join(root, 'test-artifacts/screens'), '/tmp/vkyc-shots/calls'];
const AGENT_RGB = [50, 80, 200] as const;
/** Where the user's browser says it is (Berlin): the agent's workspace must show it. */
const USER_PLACE = { latitude: 52.52, longitude: 13.405 };
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

/** The agent's camera: one flat colour with a small moving square (VP8 gets motion, the colour stays dominant). */
async function colourCamera(rgb: readonly number[]): Promise<string> {
  const file = path.join(MEDIA_DIR, `call-cam-${hex(rgb)}.y4m`);
  await mkdir(MEDIA_DIR, { recursive: true });
  await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=0x${hex(rgb)}:s=640x480:r=15:d=4`, '-vf', "drawbox=x='mod(t*80,560)':y=200:w=40:h=40:c=white:t=fill", '-pix_fmt', 'yuv420p', file]);
  return file;
}

function launch(camera: string, mic: string): Promise<Browser> {
  return launchWithFakeMedia({ video: camera, audio: mic }, { extra: ['--allow-loopback-in-peer-connection', '--autoplay-policy=no-user-gesture-required'] });
}

/** Mean RGB of the remote <video>'s current frame (the top third: the agent camera's square moves lower down). */
const remoteColour = (page: Page) => page.evaluate(() => {
  const v = document.getElementById('remote') as HTMLVideoElement;
  if (!v.videoWidth) return null;
  const c = document.createElement('canvas');
  c.width = 64;
  c.height = 48;
  const g = c.getContext('2d')!;
  g.drawImage(v, 0, 0, 64, 48);
  const d = g.getImageData(0, 0, 64, 16).data;
  const sum = [0, 0, 0];
  for (let i = 0; i < d.length; i += 4) for (let k = 0; k < 3; k++) sum[k]! += d[i + k]!;
  return sum.map((s) => Math.round(s / (d.length / 4)));
});

// An empty sample (no frame decoded at that time, e.g. at a segment's very end) is near nothing:
// `[].every` is true, which once read as "the user's recording shows the agent".
const near = (got: number[] | null, want: readonly number[], tol = 40) => got !== null && got.length === want.length && got.every((v, i) => Math.abs(v - want[i]!) <= tol);

async function waitColour(page: Page, want: readonly number[], ms = 20_000): Promise<number[] | null> {
  const end = Date.now() + ms;
  let got: number[] | null = null;
  while (Date.now() < end) {
    got = await remoteColour(page);
    if (near(got, want)) return got;
    await new Promise((r) => setTimeout(r, 150));
  }
  return got;
}

async function shoot(page: Page, name: string) {
  for (const dir of SCREENS) await mkdir(dir, { recursive: true });
  const first = path.join(SCREENS[0]!, name);
  await page.screenshot({ path: first, fullPage: true });
  await copyFile(first, path.join(SCREENS[1]!, name));
}

/**
 * First and last video timestamps of a recording (s). The container's duration is the longest
 * stream's: on a loaded machine the audio runs on past the last video frame, and a seek there
 * decodes no picture at all, which says nothing about whose camera the segment shows.
 */
async function videoSpan(file: string): Promise<{ first: number; last: number }> {
  const pts = (await run('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file]))
    .split('\n').map(Number).filter((x) => Number.isFinite(x) && x >= 0);
  return { first: Math.min(...pts), last: Math.max(...pts) };
}

/** Duration, stream kinds, start tag and the mean colour of the top third of the frame at `at` s of a recording. */
async function inspect(file: string, at: number) {
  const probe = JSON.parse(await run('ffprobe', ['-v', 'error', '-show_entries', 'format=duration:format_tags:stream=codec_type,codec_name', '-of', 'json', file])) as { format: { duration: string; tags?: Record<string, string> }; streams: Array<{ codec_type: string; codec_name: string }> };
  const raw = await run('ffmpeg', ['-v', 'error', '-ss', String(at), '-i', file, '-frames:v', '1', '-vf', 'crop=iw:ih/3:0:0,scale=1:1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-']);
  return { duration: Number(probe.format.duration), tags: probe.format.tags ?? {}, streams: probe.streams.map((s) => `${s.codec_type}:${s.codec_name}`).sort(), rgb: [...Buffer.from(raw, 'latin1').subarray(0, 3)] };
}

type Server = Awaited<ReturnType<typeof startServer>>;

describe('live agent mode: queue, console, workspace and a recorded call in two Chromium pages', { timeout: 420_000 }, () => {
  let server: Server;
  let userBrowser: Browser;
  let agentBrowser: Browser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret: string | undefined;
  let work: string;
  before(async () => {
    work = await mkdtemp(path.join(tmpdir(), 'vkyc-call-'));
    receiver = await startReceiver({ secret: () => secret });
    server = await startServer({ workers: false, env: { CALL_HOST_ADDRESSES: '127.0.0.1', CALL_GRACE_SECONDS: '30' } });
    server.runtime.attachCalls(server.httpServer);
    const mic = await fakeMicrophone();
    userBrowser = await launch(await userCamera(), mic);
    agentBrowser = await launch(await colourCamera(AGENT_RGB), mic);
  });
  after(async () => {
    // A cleanup step that hangs after a failure (a call that never ends) must not hold the test run:
    // every result is reported by now.
    setTimeout(() => process.exit(), 60_000).unref();
    await userBrowser?.close();
    await agentBrowser?.close();
    await server?.stop();
    await receiver?.close();
    // werift leaves the UDP sockets of closed peers open (3 sockets bound on 0.0.0.0 after every
    // peer and the server closed), which would keep this file's process, and so the test run,
    // alive forever. Every result is reported by now: leave shortly after.
    setTimeout(() => process.exit(), 1500).unref();
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('queue → offer → call with face match, still + MRZ, reload, decision, recordings, webhook', async (t) => {
  const pages: Page[] = [];
  // On a failure, both pages as they were: the first thing to look at.
  t.after(async () => {
    if (!failed) return;
    for (const [i, p] of pages.entries()) await shoot(p, `call-fail-${i ? 'user' : 'agent'}.png`).catch(() => undefined);
    process.stderr.write(`# page console:\n${consoleLog.join('\n')}\n`);
  });
  let failed = true;
  const consoleLog: string[] = [];
    const { deps } = server.runtime;
    const api = (method: string, p: string, body?: unknown) => fetch(`${server.baseUrl}${p}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    secret = ((await (await api('POST', '/v1/webhooks', { url: receiver.url })).json()) as { secret: string }).secret;
    const projectId = (await deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;

    // The earlier steps, as the capture page does them: passport, selfie, complete → awaiting_agent.
    const res = await api('POST', '/v1/sessions', { profile: { steps: ['document', 'selfie', 'video'], video_mode: 'live_agent' } });
    assert.equal(res.status, 201);
    const session = (await res.json()) as { id: string; capture_url: string };
    const token = new URL(session.capture_url).pathname.split('/').pop()!;
    const cap = (method: string, p: string, body?: Buffer) => fetch(`${server.baseUrl}/v1/capture${p}`, { method, headers: { authorization: `Bearer ${token}` }, body: body ? new Uint8Array(body) : undefined });
    const media = await uploads();
    assert.equal((await cap('PUT', '/document/front', media.document)).status, 200);
    assert.equal((await cap('PUT', '/selfie', media.selfie)).status, 200);
    const completed = await cap('POST', '/complete');
    assert.equal(completed.status, 200, await completed.clone().text());

    const agent = await makeUser(deps, { login: 'agnes', projectId, roles: ['agent'] });
    const agentCtx = await agentBrowser.newContext({ viewport: { width: 1440, height: 1000 } });
    const signIn = await agentCtx.request.post(`${server.baseUrl}/dashboard/api/login`, { data: { login: agent.login, password: agent.password }, headers: { origin: server.baseUrl } });
    assert.equal(signIn.status(), 200);
    const agentPage = await agentCtx.newPage();
    // Camera and microphone are granted with the location: a context granted only geolocation makes
    // Chromium hide its host addresses behind mDNS names (.local), which the server's peer cannot
    // resolve in the namespace, and the user's peer never connects.
    const userCtx = await userBrowser.newContext({ viewport: { width: 420, height: 860 }, geolocation: USER_PLACE, permissions: ['geolocation', 'camera', 'microphone'], locale: 'en-GB' });
    const userPage = await userCtx.newPage();
    pages.push(agentPage, userPage);
    const problems: string[] = [];
    for (const p of [agentPage, userPage]) {
      p.on('pageerror', (e) => problems.push(String(e)));
      p.on('console', (m) => {
        consoleLog.push(`${p === agentPage ? 'agent' : 'user'} ${m.type()}: ${m.text()}`);
        if (/Content Security Policy|Refused to/i.test(m.text())) problems.push(m.text());
      });
    }

    // The user waits: first in the queue, no agent yet; they consent to share their location.
    await userPage.goto(`${server.baseUrl}/capture/call/${token}`);
    await userPage.waitForSelector('#waiting:not([hidden]) #position:has-text("You are next")', { timeout: 30_000 });
    await userPage.click('#geo-yes');
    await userPage.waitForSelector('#geo-state:has-text("Location shared")', { timeout: 15_000 });
    await shoot(userPage, 'call-01-user-waiting.png');

    // The agent's console lists the user; going available makes the system offer the call to them.
    await agentPage.goto(`${server.baseUrl}/dashboard/call`);
    await agentPage.waitForSelector(`#queue tr[data-session="${session.id}"]`, { timeout: 20_000 });
    await shoot(agentPage, 'call-02-agent-console.png');
    const tOffer = Date.now();
    await agentPage.check('input[name=availability][value=available]');
    await agentPage.waitForSelector('#offer:not([hidden])', { timeout: 20_000 });
    const offerMs = Date.now() - tOffer;
    await agentPage.click('#offer-accept');
    await agentPage.waitForSelector('#workspace:not([hidden]) #peer:has-text("User connected")', { timeout: 30_000 });
    await userPage.waitForSelector('#in-call:not([hidden])', { timeout: 20_000 });
    const connectMs = Date.now() - tOffer;

    // Frames cross the server both ways: the user sees the agent's colour; the agent sees the user's
    // face (the server's face match on frames sampled from the agent's <video>) and then the passport.
    assert.ok(near(await waitColour(userPage, AGENT_RGB), AGENT_RGB), 'the user sees the agent\'s camera');
    await agentPage.waitForSelector('#loc-user:has-text("52.52")', { timeout: 15_000 });
    await agentPage.waitForSelector('#questions li[data-question]');
    await agentPage.check('#questions li[data-question]:first-child input[data-answer=correct]');

    // Capture a still while the passport page fills the user's camera: its MRZ is read and compared.
    // The click happens in the page the moment the passport fills the frame: from the test process,
    // the round trips between seeing it and clicking could miss the document phase on a loaded machine.
    await agentPage.selectOption('#still-label', 'front');
    const clickedOnPaper = await agentPage.evaluate(async (paper) => {
      const v = document.getElementById('remote') as HTMLVideoElement;
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 48;
      const g = c.getContext('2d')!;
      for (const end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 80))) {
        if (!v.videoWidth) continue;
        g.drawImage(v, 0, 0, 64, 48);
        const d = g.getImageData(0, 0, 64, 48).data;
        let paperish = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i]! - paper[0]!) < 30 && Math.abs(d[i + 1]! - paper[1]!) < 30 && Math.abs(d[i + 2]! - paper[2]!) < 30) paperish++;
        if (paperish > (d.length / 4) * 0.6) {
          (document.getElementById('capture-still') as HTMLButtonElement).click();
          return true;
        }
      }
      return false;
    }, [...PAPER_RGB]);
    assert.ok(clickedOnPaper, 'the agent sees the passport page');
    const tStill = Date.now();
    await agentPage.waitForSelector('#stills figure.still', { timeout: 90_000 });
    const stillMs = Date.now() - tStill;
    await agentPage.waitForSelector('#workspace tr[data-field="document_number"]', { timeout: 5000 }).catch(() => undefined);
    const still = await agentPage.$eval('#stills figure.still', (f) => f.textContent ?? '');
    assert.match(still, /MRZ read; check digits valid/, still);
    const rows = await agentPage.$$eval('#stills table.compare tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-field'), tr.children[2]?.textContent, tr.children[3]?.textContent]));
    const byField = Object.fromEntries(rows.map(([f, v, m]) => [f, { v, m }]));
    assert.equal(byField.document_number?.v, HOLDER.number, JSON.stringify(rows));
    assert.equal(byField.surname?.v, HOLDER.surname);
    for (const f of ['document_number', 'surname', 'given_names', 'birth_date', 'expiry_date']) assert.match(byField[f]?.m ?? '', /same/, `${f} matches the first document`);
    await agentPage.fill('#notes', 'Passport shown front; face matches; location Berlin.');
    await agentPage.click('#save-notes');
    await agentPage.waitForSelector('#notes-state:has-text("Saved")');
    await shoot(agentPage, 'call-03-agent-workspace.png');
    await shoot(userPage, 'call-04-user-in-call.png');

    // The user reloads: a new socket and peer join the same call within the grace period.
    const tReload = Date.now();
    await userPage.reload();
    await userPage.waitForSelector('#in-call:not([hidden])', { timeout: 30_000 });
    await agentPage.waitForSelector('#peer:has-text("User connected")', { timeout: 30_000 });
    assert.ok(near(await waitColour(userPage, AGENT_RGB), AGENT_RGB), 'after the reload the user sees the agent again');
    const rejoinMs = Date.now() - tReload;
    const frameTime = () => agentPage.evaluate(() => (document.getElementById('remote') as HTMLVideoElement).currentTime);
    const t1 = await frameTime();
    await new Promise((r) => setTimeout(r, 3000));
    assert.ok((await frameTime()) > t1 + 1.5, 'the agent\'s video keeps playing after the rejoin');
    assert.ok(server.runtime.calls.isLive(session.id), 'still the same call');

    // The server's live face match on the frames the agent's page sampled (person A vs their selfie).
    // The route is planned in docs/live-calls-api.md §4 but may not be on this server yet: then the
    // page says so, and this part is reported as not run (a diagnostic), never as passed.
    const csrf = ((await signIn.json()) as { csrf_token: string }).csrf_token;
    const probe = await agentCtx.request.post(`${server.baseUrl}/dashboard/api/calls/${session.id}/frames`, { data: { image: 'data:image/jpeg;base64,AAAA' }, headers: { origin: server.baseUrl, 'x-csrf-token': csrf } });
    if (probe.status() === 404 && !/session_not_found/.test(await probe.text())) {
      await agentPage.waitForSelector('#score-selfie:has-text("not available on this server")', { timeout: 20_000 });
      t.diagnostic('live face match: POST /dashboard/api/calls/{id}/frames is not on this server; its assertions did not run');
    } else {
      // Samples land on the face phase and on the passport phase of the camera: wait for one of the
      // face phase, scored a match against the selfie by the server.
      await agentPage.waitForSelector('#hints li.good:has-text("Face present")', { timeout: 60_000 });
      await agentPage.waitForSelector('#score-selfie.good', { timeout: 60_000 });
      const selfieScore = await agentPage.textContent('#score-selfie');
      assert.match(selfieScore ?? '', /^\d+ \(match; threshold \d+\)$/, `live face match vs the selfie: ${selfieScore}`);
    }

    // The decision ends the call for both and decides the session.
    await agentPage.check('input[name=decision][value=approved]');
    await agentPage.click('#decision button[type=submit]');
    await agentPage.waitForSelector('#decision-state:has-text("Decision recorded")', { timeout: 30_000 });
    await userPage.waitForSelector('#ended:not([hidden])', { timeout: 20_000 });
    await agentPage.waitForSelector('#after-call:not([hidden])', { timeout: 20_000 });
    assert.equal(problems.length, 0, problems.join('\n'));

    // Recordings are artifacts of the session: every segment decodes, has audio + video, the right
    // picture, and the agent's lasts as long as the call.
    const video = (await (await api('GET', `/v1/sessions/${session.id}/video`)).json()) as { agent_id: string | null; agent_notes: string | null; duration_seconds: number | null; recorded_at: string | null };
    assert.equal(video.agent_id, agent.id);
    assert.match(video.agent_notes ?? '', /Passport shown front/);
    assert.ok(video.recorded_at, 'recorded_at');
    const callSeconds = video.duration_seconds ?? 0;
    // How long depends on the machine (a still, a reload and a decision: 9 s idle, 30 s loaded); the
    // recordings below are checked against it.
    assert.ok(callSeconds >= 3, `duration_seconds ${callSeconds}`);
    const recs = await deps.db.selectFrom('artifacts').select(['kind', 'blob_key']).where('session_id', '=', session.id).where('kind', 'like', 'call_%').execute();
    const kinds = recs.map((r) => r.kind).sort();
    assert.ok(kinds.includes('call_agent-1') && kinds.includes('call_user-1') && kinds.includes('call_user-2'), kinds.join());
    assert.ok(kinds.includes('call_still-1'), kinds.join());
    const report: Record<string, unknown> = { offerMs, connectMs, stillMs, rejoinMs, callSeconds, recordedAt: video.recorded_at };
    let sawDocument = false;
    const agentSegs: Array<{ start: number; seconds: number }> = [];
    for (const r of recs.filter((x) => /^call_(user|agent)-/.test(x.kind))) {
      const file = path.join(work, `${r.kind}.webm`);
      await writeFile(file, await readBlob(deps.blobs, r.blob_key));
      const probe = await inspect(file, 0.5);
      // Audio and video, and (servers with the timed stamp track) a WebVTT track of wall-clock cues.
      assert.ok(probe.streams.includes('audio:opus') && probe.streams.includes('video:vp8'), `${r.kind} has audio and video: ${probe.streams}`);
      assert.ok(probe.streams.every((x) => ['audio:opus', 'video:vp8', 'subtitle:webvtt'].includes(x)), `${r.kind} streams ${probe.streams}`);
      if (probe.streams.includes('subtitle:webvtt')) assert.match(await run('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:s:0', '-f', 'webvtt', '-']), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/, `${r.kind} stamps`);
      assert.ok(probe.tags.VKYC_STARTED_AT ?? probe.tags.vkyc_started_at, `${r.kind} carries its wall-clock start`);
      const span = await videoSpan(file);
      const samples = [];
      for (let at = span.first + 0.5; at < span.last; at += 3) samples.push((await inspect(file, at)).rgb);
      assert.ok(samples.length > 0, `${r.kind} has video frames: ${JSON.stringify({ span, duration: probe.duration })}`);
      report[r.kind] = { seconds: probe.duration, started: probe.tags.VKYC_STARTED_AT ?? probe.tags.vkyc_started_at, samples: samples.length };
      if (r.kind.startsWith('call_agent')) {
        agentSegs.push({ start: Date.parse(probe.tags.VKYC_STARTED_AT ?? probe.tags.vkyc_started_at ?? ''), seconds: probe.duration });
        const agentCamera = samples.filter((c) => near(c, AGENT_RGB, 45)).length >= samples.length * 0.8;
        if (!agentCamera) await copyFile(file, path.join(SCREENS[0]!, `call-fail-${r.kind}.webm`));
        assert.ok(agentCamera, `${r.kind} shows the agent's camera: ${JSON.stringify({ span, duration: probe.duration, samples })} (kept in test-artifacts/screens)`);
      } else {
        if (samples.some((c) => near(c, AGENT_RGB, 45))) await copyFile(file, path.join(SCREENS[0]!, `call-fail-${r.kind}.webm`));
        assert.ok(!samples.some((c) => near(c, AGENT_RGB, 45)), `${r.kind} never shows the agent's camera: ${JSON.stringify(samples)} (kept in test-artifacts/screens)`);
        sawDocument ||= samples.some((c) => near(c, PAPER_RGB, 30));
      }
    }
    assert.ok(sawDocument, 'the user\'s recording shows the passport page');
    // The agent was there from the first connection to the decision: their first segment starts with
    // the call (recorded_at: both sides connected) and their last one ends with it (±4 s: recording
    // starts with the first packets; the duration is whole seconds). On this loaded machine ICE
    // sometimes fails and the page rejoins: then the segments follow one another without overlap,
    // the gaps being the reconnects.
    const segs = agentSegs.sort((a, b) => a.start - b.start);
    const callStart = Date.parse(video.recorded_at ?? '');
    const callEnd = callStart + callSeconds * 1000;
    const off = (ms: number) => Math.abs(ms) / 1000;
    assert.ok(off(segs[0]!.start - callStart) <= 4, `the agent's recording starts with the call (${new Date(segs[0]!.start).toISOString()} vs ${video.recorded_at})`);
    const last = segs[segs.length - 1]!;
    assert.ok(off(last.start + last.seconds * 1000 - callEnd) <= 4, `the agent's recording ends with the call (segments ${JSON.stringify(segs)}, call ${callSeconds} s)`);
    for (let i = 1; i < segs.length; i++) assert.ok(segs[i]!.start >= segs[i - 1]!.start + segs[i - 1]!.seconds * 1000 - 1000, `agent segments do not overlap: ${JSON.stringify(segs)}`);

    // Webhooks go out through the outbox workers: `video.reviewed`, signed with the endpoint's secret.
    server.startWorkers();
    const reviewed = () => receiver.received.find((r) => JSON.parse(r.body).event === 'video.reviewed');
    for (let i = 0; i < 600 && !reviewed(); i++) await new Promise((r) => setTimeout(r, 200));
    const hook = reviewed();
    assert.ok(hook, `video.reviewed delivered (got ${receiver.received.map((r) => JSON.parse(r.body).event).join() || 'nothing'})`);
    assert.equal(hook.verified, true, 'the webhook signature verifies');
    const body = JSON.parse(hook.body) as { data: Record<string, unknown> };
    assert.equal(body.data.session_id ?? body.data.id, session.id);
    process.stderr.write(`# live call: ${JSON.stringify(report)}\n`);
    failed = false;
  });
});
