import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { sweepStuckSessions } from '../../src/sessions/sweep-stuck.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import { MediaError } from '../../src/engines/media/ffmpeg.ts';
import type { Stage } from '../../src/verification/pipeline.ts';
import { STAGE_RESULTS } from '../../src/verification/results/index.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// Sessions never stay `processing` forever: a verification that fails for good, and a session
// nothing works on any more, both end as needs_review/processing_failed with their webhook event.

async function processingSession(rt: TestRuntime): Promise<string> {
  const created = await createSession(rt.deps, rt.projectId, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 3600 });
  const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
  await uploadImage(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id), 'selfie', (async function* () { yield img; })());
  await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id));
  assert.equal((await loadSession(rt.deps.db, rt.projectId, created.id)).status, 'processing');
  return created.id;
}

async function completedEvents(rt: TestRuntime, sessionId: string) {
  const rows = await rt.deps.db.selectFrom('webhook_events').selectAll().where('type', '=', 'video.completed').execute();
  return rows.map((r) => JSON.parse(r.payload).data).filter((d) => d.session_id === sessionId);
}

// What a failing decode really says: ffmpeg's stderr with the scratch path.
const leaky = (rt: TestRuntime) => `${rt.dataDir}/tmp/sess-p1-abc/artifact-video: Invalid data found when processing input [h264 @ 0x55d0c0] no frame!`;

test('a verification that throws on every attempt ends the session needs_review/processing_failed, with the webhook, and no path or ffmpeg text shown', async () => {
  let runs = 0;
  let rt!: TestRuntime;
  const stages = (): Stage[] => [{ name: 'decode', result: STAGE_RESULTS.decode, run: async () => { runs++; throw new MediaError('media_unreadable', leaky(rt)); } }];
  rt = await makeRuntime({ build: { stages } });
  try {
    const id = await processingSession(rt);
    const w = rt.startWorkers({ pollMs: 5 });
    // Each retry waits for its backoff on the test clock; move time instead of sleeping.
    for (let i = 0; i < 8 && (await loadSession(rt.deps.db, rt.projectId, id)).status === 'processing'; i++) {
      await w.drain(10_000);
      rt.clock.advance(3600);
    }
    await w.stop();
    assert.equal(runs, 5, 'every attempt ran, then the runner gave up');
    const s = await loadSession(rt.deps.db, rt.projectId, id);
    assert.equal(s.status, 'completed');
    assert.equal(s.result, 'needs_review');
    assert.deepEqual(s.decision?.reasons.map((r) => r.code), ['processing_failed']);
    const events = await completedEvents(rt, id);
    assert.equal(events.length, 1);
    assert.equal(events[0].result, 'needs_review');
    assert.deepEqual(events[0].reasons, ['processing_failed']);

    const res = await rt.req('GET', `/v1/sessions/${id}`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes(rt.dataDir), 'no filesystem path');
    assert.ok(!/tmp\/|Invalid data|h264|0x55d0c0|no frame/.test(text), 'no ffmpeg text');
    const stage = JSON.parse(text).verification.stages.find((x: { stage: string }) => x.stage === 'decode');
    assert.equal(stage.status, 'failed');
    assert.equal(stage.error_code, 'media_unreadable');
    assert.equal(stage.error, 'the media could not be decoded');
  } finally {
    await rt.cleanup();
  }
});

test('a session left processing with no live job is swept once past PROCESSING_TIMEOUT_SECONDS', async () => {
  const rt = await makeRuntime({ env: { PROCESSING_TIMEOUT_SECONDS: '600' } });
  try {
    const lost = await processingSession(rt);
    const running = await processingSession(rt);
    // The first session's job is gone (lost, or removed by hand); the second's is still queued.
    const job = await rt.deps.queue.findByDedupeKey(`verify:${lost}`);
    assert.equal(await rt.deps.queue.remove(job!.id), true);

    rt.clock.advance(599);
    assert.equal(await sweepStuckSessions(rt.deps), 0, 'within the bound nothing is touched');
    rt.clock.advance(2);
    assert.equal(await sweepStuckSessions(rt.deps), 1);
    const s = await loadSession(rt.deps.db, rt.projectId, lost);
    assert.equal(s.status, 'completed');
    assert.equal(s.result, 'needs_review');
    assert.equal(s.decision?.reasons[0]?.code, 'processing_failed');
    assert.equal((await completedEvents(rt, lost)).length, 1);
    assert.equal((await loadSession(rt.deps.db, rt.projectId, running)).status, 'processing', 'a session with a live job waits');

    // A job that keeps coming back (its worker dies every time) does not hold its session forever.
    rt.clock.advance(3 * 600);
    assert.equal(await sweepStuckSessions(rt.deps), 1);
    assert.equal((await loadSession(rt.deps.db, rt.projectId, running)).result, 'needs_review');
    assert.equal(await sweepStuckSessions(rt.deps), 0, 'an ended session is not ended twice');
    assert.equal((await completedEvents(rt, running)).length, 1);
  } finally {
    await rt.cleanup();
  }
});
