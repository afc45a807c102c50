// The face engine gives the same faces whether Human's models run on onnxruntime or on tfjs WASM:
// boxes, mesh, eye and mouth values, pose, expression and anti-spoof scores, on face-api's photos,
// by full detection and by tracking. Each runtime in its own worker thread, since Human's models are
// shared by every Human instance of a thread (human-loader.ts).

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeImage } from '../../../src/engines/face/image.ts';
import { createFaceEnginePool } from '../../../src/engines/face/worker-pool.ts';
import { trackHint } from '../../../src/engines/face/track-hint.ts';
import type { DetectOptions, DetectedFace, RgbImage } from '../../../src/engines/face/port.ts';
import { PERSON_A_S1, PERSON_B_S6, frame, headCrop, sample } from './helpers.ts';

/**
 * Allowed differences. The models' outputs differ by float rounding only (≤ 3.2e-6 of their range,
 * test/unit/onnx/tfjs-graph.test.ts) and Human rounds what it reports (boxes and mesh points to
 * whole pixels, scores to 0.01): measured on these images, every value below is identical. A value
 * on a rounding edge may still move by one step on another CPU's kernels: one pixel, 0.01, and what
 * one pixel does to openness (a ~40 px eye: 0.025) and to the head angles.
 */
const PX = 1;
const OPENNESS = 0.05;
const DEGREES = 1;
const SCORE = 0.0100001;

const onnx = createFaceEnginePool({ size: 1, engine: { runtime: 'onnx' } });
const tfjs = createFaceEnginePool({ size: 1, engine: { runtime: 'tfjs' } });
let images: Array<{ name: string; img: RgbImage }>;

before(async () => {
  await Promise.all([onnx.init(), tfjs.init()]);
  images = [
    { name: 'sample1 (three faces)', img: await decodeImage(await sample(1)) },
    { name: 'sample6 (several faces)', img: await decodeImage(await sample(6)) },
    { name: 'two heads in a 640×480 frame', img: await frame([{ img: await headCrop(1, PERSON_A_S1, 260), x: 20, y: 100 }, { img: await headCrop(6, PERSON_B_S6, 240), x: 360, y: 120 }]) },
  ];
});
after(() => Promise.all([onnx.close(), tfjs.close()]));

function close(label: string, got: number, want: number, tolerance: number): void {
  if (Number.isNaN(want)) assert.ok(Number.isNaN(got), `${label}: ${got} vs NaN`);
  else assert.ok(Math.abs(got - want) <= tolerance, `${label}: ${got} vs ${want} (tolerance ${tolerance})`);
}

function sameFaces(label: string, got: DetectedFace[], want: DetectedFace[]): void {
  assert.equal(got.length, want.length, `${label}: face count`);
  for (const [i, w] of want.entries()) {
    const g = got[i]!, at = `${label} face ${i}`;
    for (const k of ['x', 'y', 'width', 'height'] as const) close(`${at} box.${k}`, g.box[k], w.box[k], PX);
    close(`${at} confidence`, g.confidence, w.confidence, SCORE);
    assert.equal(g.landmarks.length, w.landmarks.length);
    g.landmarks.forEach((p, j) => {
      close(`${at} landmark ${j} x`, p[0], w.landmarks[j]![0], PX);
      close(`${at} landmark ${j} y`, p[1], w.landmarks[j]![1], PX);
    });
    for (const k of ['eyeOpenLeft', 'eyeOpenRight', 'mouthOpen', 'mouthWidth'] as const) close(`${at} ${k}`, g[k], w[k], OPENNESS);
    for (const k of ['yaw', 'pitch', 'roll'] as const) close(`${at} ${k}`, g.pose[k], w.pose[k], DEGREES);
    close(`${at} smile`, g.smile, w.smile, SCORE);
    close(`${at} antispoof`, g.antispoof ?? Number.NaN, w.antispoof ?? Number.NaN, SCORE);
    close(`${at} liveness`, g.liveness ?? Number.NaN, w.liveness ?? Number.NaN, SCORE);
  }
}

describe('face engine: onnxruntime against tfjs WASM', () => {
  it('detects the same faces with the same mesh, openness, pose, smile and anti-spoof scores', async () => {
    const opts: DetectOptions = { antispoof: true };
    for (const { name, img } of images) {
      const [got, want] = await Promise.all([onnx.detect(img, opts), tfjs.detect(img, opts)]);
      assert.ok(want.length > 0, `${name}: faces found`);
      sameFaces(name, got, want);
    }
  });

  it('tracks the same faces from the same hints', async () => {
    const { name, img } = images[2]!;
    const first = await tfjs.detect(img);
    const track = first.map(trackHint).filter((h) => h !== null);
    assert.ok(track.length > 0, 'a face to track (a tilted head is detected instead)');
    const [got, want] = await Promise.all([onnx.detect(img, { track }), tfjs.detect(img, { track })]);
    assert.ok(want.every((f) => f.tracked), 'the tfjs engine tracked');
    assert.ok(got.every((f) => f.tracked), 'the onnx engine tracked');
    sameFaces(`${name}, tracked`, got, want);
  });
});
