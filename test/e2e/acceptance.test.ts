import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clipPath, GENUINE } from '../../bench/acceptance-clips.ts';
import { genuineSubmission, pageEvents, WEBCAM_LABEL, type Submission } from '../../bench/acceptance-attacks.ts';
import { frameJpeg, frozenTail, screenReplay, SCREENS, stillPhoto } from '../../bench/acceptance-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// Acceptance, both sides of the promise, through the real pipeline (real ffmpeg, face models,
// SQLite): a real person's clip (../shared/data/video, eye-labelled in bench/acceptance-clips.ts)
// captured as the page does it is APPROVED; its twin, a still photo of the same person from the same
// clip, with the same session options and the same selfie, is DECLINED; so are the same take filmed
// off a monitor (screen replay) and the take followed by a frozen tail. The real data set is
// required: without it this test fails (it never skips).

const DATA = resolve(import.meta.dirname, '../../../shared/data');
/** d12: a man who smiles, turns left, turns right and opens his mouth (calibration split). */
const CLIP = GENUINE.find((c) => c.name === 'd12')!;

describe('acceptance: genuine capture approved; its still-photo, screen-replay and frozen-tail twins declined', { timeout: 900_000 }, () => {
  let rt: TestRuntime;
  let tmp: string;
  before(async () => {
    if (!existsSync(clipPath(DATA, CLIP.name))) {
      throw new Error(`acceptance test needs the real data set: ${clipPath(DATA, CLIP.name)} is missing (check out ../shared/data next to the repository; CI has it)`);
    }
    rt = await makeRuntime();
    tmp = await mkdtemp(join(tmpdir(), 'vkyc-acceptance-test-'));
  });
  after(async () => {
    await rt?.cleanup();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** The page's calls, in order: session view, selfie, client-info, video, complete with the events it saw. */
  async function capture(sub: Submission) {
    const profile = { steps: ['selfie', 'video'], video_max_duration: 20, phrase: 'none', challenges: sub.challenges, challenge_order: 'fixed' };
    const s = await (await rt.req('POST', '/v1/sessions', { profile })).json();
    const token = new URL(s.capture_url).pathname.split('/').pop();
    const cap = (method: string, path: string, body: Uint8Array | string, type: string) =>
      rt.app.request(`/v1/capture${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': type }, body: body as BodyInit });
    const view = await (await rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${token}` } })).json();
    assert.deepEqual(view.challenges.map((c: { type: string }) => c.type), sub.challenges);
    assert.equal((await cap('PUT', '/selfie', new Uint8Array(await readFile(sub.selfie)), 'image/jpeg')).status, 200);
    assert.equal((await cap('POST', '/client-info', JSON.stringify({ camera_label: sub.cameraLabel }), 'application/json')).status, 200);
    assert.equal((await cap('PUT', '/video', new Uint8Array(await readFile(sub.video)), 'video/webm')).status, 200);
    const done = await cap('POST', '/complete', JSON.stringify({ phrase_window: null, challenge_events: sub.events }), 'application/json');
    assert.equal(done.status, 200, await done.clone().text());
    const w = rt.startWorkers({ pollMs: 20 });
    await w.drain(600_000);
    await w.stop();
    const full = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    return { result: full.result as string, codes: (full.reasons as Array<{ code: string }>).map((r) => r.code), full };
  }

  test('genuine: the clip as the page records it → approved', async () => {
    const sub = genuineSubmission(CLIP, tmp, DATA);
    assert.equal(sub.cameraLabel, WEBCAM_LABEL);
    const { result, codes, full } = await capture(sub);
    assert.equal(result, 'approved', `${codes.join()} ${JSON.stringify(full.verification?.stages?.find((s: { stage: string }) => s.stage === 'liveness')?.result?.findings)}`);
  });

  test('twin: a still photo of the same person, same session and selfie → declined', async () => {
    const g = genuineSubmission(CLIP, tmp, DATA);
    const photo = frameJpeg(clipPath(DATA, CLIP.name), 0.2, join(tmp, 'photo.jpg'));
    // The page never sees a challenge on a photo: every prompt times out (seen_at null).
    const sub = { ...g, video: stillPhoto(photo, g.seconds, join(tmp, 'still.webm')), events: pageEvents(CLIP.challenges.map((c) => ({ type: c.type, seen_at: null }))) };
    const { result, codes } = await capture(sub);
    assert.equal(result, 'declined', codes.join());
  });

  /** The liveness stage's flagged checks, for the assertion messages and the reason asserted. */
  const flaggedChecks = (full: { verification?: { stages?: Array<{ stage: string; result?: { checks?: Array<{ reason: string; flagged: boolean }> } }> } }) =>
    full.verification?.stages?.find((s) => s.stage === 'liveness')?.result?.checks?.filter((c) => c.flagged).map((c) => c.reason) ?? [];

  test('screen replay: the same genuine take filmed off a monitor, the page saw every challenge → declined as screen_replay', async () => {
    const g = genuineSubmission(CLIP, tmp, DATA);
    const sub = { ...g, video: screenReplay(clipPath(DATA, CLIP.name), g.seconds, join(tmp, 'screen.webm'), SCREENS.monitor) };
    const { result, codes, full } = await capture(sub);
    assert.equal(result, 'declined', codes.join());
    assert.ok(flaggedChecks(full).includes('screen_replay'), JSON.stringify(flaggedChecks(full)));
  });

  test('frozen tail: the genuine take followed by 4 s of its last frame → declined as frozen_stream', async () => {
    const g = genuineSubmission(CLIP, tmp, DATA);
    const sub = { ...g, video: frozenTail(clipPath(DATA, CLIP.name), g.seconds, 4, false, join(tmp, 'tail.webm')), seconds: g.seconds + 4 };
    const { result, codes, full } = await capture(sub);
    assert.equal(result, 'declined', codes.join());
    assert.ok(flaggedChecks(full).includes('frozen_stream'), JSON.stringify(flaggedChecks(full)));
  });
});
