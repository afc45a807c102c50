// The face engine spread over worker threads gives the in-process engine's answers, runs calls side
// by side, and a worker that dies fails only its own calls.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFaceEngine } from '../../../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../../../src/engines/face/image.ts';
import { createFaceEnginePool } from '../../../src/engines/face/worker-pool.ts';
import type { FaceEngine, RgbImage } from '../../../src/engines/face/port.ts';
import { PERSON_A_S1, PERSON_A_S3, frame, headCrop } from './helpers.ts';

describe('face engine worker pool', () => {
  const pool = createFaceEnginePool({ size: 2 });
  let local: FaceEngine;
  let a1: RgbImage, a3: RgbImage;
  before(async () => {
    local = createFaceEngine();
    await Promise.all([local.init(), pool.init()]);
    a1 = await frame([{ img: await headCrop(1, PERSON_A_S1, 300), x: 170, y: 90 }]);
    a3 = await decodeImage(await headCrop(3, PERSON_A_S3, 480));
  });
  after(() => pool.close());

  it('answers like the in-process engine', async () => {
    assert.equal(pool.parallelism, 2);
    const [p, l] = await Promise.all([pool.detect(a1), local.detect(a1)]);
    assert.equal(p.length, 1);
    assert.deepEqual(p[0]!.box, l[0]!.box);
    assert.deepEqual(p[0]!.pose, l[0]!.pose);
    const [ep, el] = await Promise.all([pool.embed(a1, p[0]!), local.embed(a1, l[0]!)]);
    assert.ok(ep instanceof Float32Array && ep.length === 128);
    assert.deepEqual([...ep], [...el]);
  });

  it('passes its engine options to the workers: the tfjs descriptor runtime gives onnxruntime\'s embedding to float rounding', async () => {
    const tfjs = createFaceEnginePool({ size: 1, engine: { runtime: 'tfjs' } });
    try {
      const [face] = await local.detect(a1);
      const [viaTfjs, viaOnnx] = await Promise.all([tfjs.embed(a1, face!), local.embed(a1, face!)]);
      const worst = Math.max(...viaTfjs.map((v, i) => Math.abs(v - viaOnnx[i]!)));
      // Not bit-equal (different kernels), within descriptor-onnx.test.ts' tolerance.
      assert.ok(worst > 0 && worst < 2e-6, `largest difference ${worst}`);
    } finally {
      await tfjs.close();
    }
  });

  it('runs concurrent calls on both workers and keeps each answer with its caller', async () => {
    const images = [a1, a3, a1, a3, a1, a3];
    const faces = await Promise.all(images.map((img) => pool.detect(img, { mesh: false })));
    for (const [i, f] of faces.entries()) {
      assert.equal(f.length, 1);
      // a1 is a 640×480 frame, a3 a 480×480 crop: the boxes tell which answer is whose.
      assert.ok(i % 2 === 0 ? f[0]!.box.x > 100 : f[0]!.box.x < 200, `call ${i}: ${JSON.stringify(f[0]!.box)}`);
    }
  });

  it('a worker that dies fails its call with an error, and the next call gets a fresh worker', async () => {
    const crashing = createFaceEnginePool({ size: 1, workerUrl: new URL('./crashing-worker.mjs', import.meta.url) });
    try {
      await crashing.init();
      await assert.rejects(crashing.detect(a1), /exited with code 3/);
      await assert.rejects(crashing.detect(a1), /exited with code 3/);
    } finally {
      await crashing.close();
    }
  });

  it('closes while calls are in flight without aborting the process: the worker leaves between model runs', async () => {
    // Terminating a worker inside an onnxruntime run aborts the whole process ("terminate called
    // after throwing an instance of 'Napi::Error'", worker-pool.ts CLOSE_GRACE_MS): this file would
    // then fail as a whole. Each call is answered, or fails as its worker's exit, never anything else.
    const p = createFaceEnginePool({ size: 1 });
    await p.init();
    const settling = Promise.allSettled(Array.from({ length: 4 }, () => p.detect(a1)));
    await new Promise((r) => setTimeout(r, 20)); // every call posted to the worker, the first one running
    const t0 = performance.now();
    await p.close();
    assert.ok(performance.now() - t0 < 5_000, 'the worker left by itself, not at the grace timeout');
    for (const r of await settling) {
      if (r.status === 'fulfilled') assert.equal(r.value.length, 1);
      else assert.match(String(r.reason), /exited with code 0/);
    }
    await assert.rejects(p.detect(a1), /closed/);
  });

  it('refuses calls once closed', async () => {
    const p = createFaceEnginePool({ size: 1 });
    await p.close();
    await assert.rejects(p.detect(a1), /closed/);
  });
});
