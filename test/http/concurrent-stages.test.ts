import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import type { Stage } from '../../src/verification/pipeline.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { makeRuntime } from '../helpers/runtime.ts';

// A `concurrent` stage (speech in the real pipeline) starts once its inputs are done and runs
// beside the stages listed after it; a stage that reads it waits for it.

const any = z.object({ at: z.array(z.string()) }).passthrough();

test('a concurrent stage runs beside the next stages, and its readers wait for its result', async () => {
  const log: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((r) => { release = r; });
  const stage = (s: Partial<Stage> & { name: string; run: Stage['run'] }): Stage => ({ result: any, ...s }) as Stage;
  // `side` sits before `third` in the list, reads `first`, and only ends once `third` has run.
  const stages = (): Stage[] => [
    stage({ name: 'first', run: async () => (log.push('first'), { at: [...log] }) }),
    stage({ name: 'side', concurrent: true, inputs: ['first'] as never, run: async () => {
      log.push('side:start');
      await released;
      log.push('side:end');
      return { at: [...log] };
    } }),
    stage({ name: 'third', run: async () => {
      // Runs while `side` is still waiting, which a sequential run could not do.
      await new Promise((r) => setTimeout(r, 20));
      log.push('third');
      release();
      return { at: [...log] };
    } }),
    stage({ name: 'reader', inputs: ['side'] as never, run: async (ctx) => {
      const side = (ctx.input as (n: string) => { at: string[] })('side');
      log.push('reader');
      return { at: side.at };
    } }),
  ];
  const rt = await makeRuntime({ build: { stages } });
  try {
    const created = await createSession(rt.deps, rt.projectId, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 3600 });
    const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
    await uploadImage(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id), 'selfie', (async function* () { yield img; })());
    await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id));
    const w = rt.startWorkers({ pollMs: 5 });
    await w.drain(30_000);
    await w.stop();
    assert.deepEqual(log, ['first', 'side:start', 'third', 'side:end', 'reader']);
    const view = await (await rt.req('GET', `/v1/sessions/${created.id}`)).json() as { verification: { stages: Array<{ stage: string; status: string; result: { at: string[] } }> } };
    const byName = Object.fromEntries(view.verification.stages.map((s) => [s.stage, s]));
    assert.equal(byName.side?.status, 'completed');
    assert.deepEqual(byName.reader?.result.at, ['first', 'side:start', 'third', 'side:end'], 'the reader saw the finished result of the concurrent stage');
  } finally {
    await rt.cleanup();
  }
});
