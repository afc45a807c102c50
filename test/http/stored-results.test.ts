import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { iso } from '../../src/domain/time.ts';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import { runStages, type Stage } from '../../src/verification/pipeline.ts';
import { STAGE_RESULTS } from '../../src/verification/results/index.ts';
import { StageResultError } from '../../src/verification/stage-errors.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// Stored stage results are validated when read back: a resumed run, the session view and the
// video result never trust a stage_runs.result that does not match its stage's schema.

async function processingSession(rt: TestRuntime): Promise<string> {
  const created = await createSession(rt.deps, rt.projectId, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 3600 });
  const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
  await uploadImage(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id), 'selfie', (async function* () { yield img; })());
  await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id));
  return created.id;
}

/** A finished stage row as an older or tampered version might have left it. */
async function storeResult(rt: TestRuntime, sessionId: string, stage: string, result: unknown) {
  const now = iso(rt.clock.now());
  await rt.deps.db.insertInto('stage_runs')
    .values({ session_id: sessionId, stage, status: 'completed', attempts: 1, started_at: now, finished_at: now, duration_ms: 5, result: JSON.stringify(result), error: null })
    .execute();
}

test('a stored stage result that fails its schema is refused on resume (stage_result_invalid), ends the session in review, and is not shown', async () => {
  let probeRuns = 0;
  let faceMatchRuns = 0;
  const stages = (): Stage[] => [
    { name: 'probe', result: STAGE_RESULTS.probe, run: async () => ((probeRuns++), { present: false }) },
    { name: 'face_match', result: STAGE_RESULTS.face_match, run: async () => ((faceMatchRuns++), { face_match_score: 95, threshold: 80, pairs: [], findings: [] }) },
  ];
  const rt = await makeRuntime({ build: { stages } });
  try {
    const id = await processingSession(rt);
    // duration as text, and a finding code no version ever had.
    await storeResult(rt, id, 'probe', { present: true, usable: true, duration_seconds: 'twelve', findings: [{ code: 'all_good', message: 'SECRET-NAME' }] });

    const session = await loadSession(rt.deps.db, rt.projectId, id);
    await assert.rejects(runStages(rt.deps, session, stages(), new AbortController().signal), (e: unknown) => {
      assert.ok(e instanceof StageResultError);
      assert.equal(e.code, 'stage_result_invalid');
      assert.equal(e.stage, 'probe');
      assert.match(e.message, /duration_seconds: invalid_type; findings\.0\.code: invalid_value/);
      return true;
    });
    assert.equal(probeRuns, 0, 'the finished stage is not silently re-run');
    assert.equal(faceMatchRuns, 0, 'nothing after it runs on an untrusted result');

    // The job gives up at once (retrying reads the same row) and the session ends in review.
    const w = rt.startWorkers({ pollMs: 5 });
    await w.drain(10_000);
    await w.stop();
    const s = await loadSession(rt.deps.db, rt.projectId, id);
    assert.equal(s.status, 'completed');
    assert.equal(s.result, 'needs_review');
    assert.deepEqual(s.decision?.reasons.map((r) => r.code), ['processing_failed']);
    const [job] = await rt.deps.queue.list({ name: 'verify-session' });
    assert.equal(job?.attempts, 1, 'not retried');
    assert.equal(job?.state, 'failed');
    assert.equal(probeRuns + faceMatchRuns, 0);

    const res = await rt.req('GET', `/v1/sessions/${id}`);
    assert.equal(res.status, 200);
    const text = await res.text();
    assert.ok(!text.includes('SECRET-NAME') && !text.includes('twelve'), 'the refused result is not shown');
    const probe = JSON.parse(text).verification.stages.find((x: { stage: string }) => x.stage === 'probe');
    assert.deepEqual({ result: probe.result, error_code: probe.error_code, status: probe.status }, { result: null, error_code: 'stage_result_invalid', status: 'completed' });
    assert.equal(probe.error, 'a stored analysis result does not have the expected format; a reviewer must decide');
  } finally {
    await rt.cleanup();
  }
});

test('views read only valid stored results: an invalid face_match gives no face_match section and no score', async () => {
  const rt = await makeRuntime({ build: { stages: () => [] } });
  try {
    const id = await processingSession(rt);
    await storeResult(rt, id, 'probe', { present: true, usable: true, duration_seconds: 12.4, findings: [] });
    await storeResult(rt, id, 'face_match', { face_match_score: 97, threshold: 80, pairs: [{ a: 'video', b: 'selfie', score: 97, match: 'yes' }] });
    const view = (await (await rt.req('GET', `/v1/sessions/${id}`)).json()) as { face_match: unknown; verification: { stages: Array<{ stage: string; error_code: string | null; result: unknown }> } };
    assert.equal(view.face_match, null);
    const byStage = Object.fromEntries(view.verification.stages.map((s) => [s.stage, s]));
    assert.equal(byStage.face_match?.error_code, 'stage_result_invalid');
    assert.equal(byStage.probe?.error_code, null);
    assert.deepEqual(byStage.probe?.result, { present: true, usable: true, duration_seconds: 12.4, findings: [] });
    const video = (await (await rt.req('GET', `/v1/sessions/${id}/video`)).json()) as { duration_seconds: number | null; face_match_score: number | null };
    assert.deepEqual({ d: video.duration_seconds, f: video.face_match_score }, { d: 12, f: null });
  } finally {
    await rt.cleanup();
  }
});
