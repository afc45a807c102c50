// Pure parts of the face stack: score calibration, alignment maths, quality measures, metrics.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DISTANCE_AT_THRESHOLD, FACE_CHANGED_SCORE, MATCH_THRESHOLD, euclidean, isMatch, scoreFromDistance } from '../../../src/domain/face-match.ts';
import { alignedChip, chipTargets, fitSimilarity, mirrorImage, warpSimilarity } from '../../../src/engines/face/align.ts';
import { faceQuality } from '../../../src/engines/face/quality.ts';
import type { DetectedFace, RgbImage } from '../../../src/engines/face/port.ts';
import { fivePoints } from '../../../src/engines/face/landmarks.ts';
import { jitterFace, JITTERS } from '../../../bench/face-jitter.ts';

describe('face-match calibration', () => {
  it('puts the threshold at a round score and is monotonic in distance', () => {
    assert.equal(MATCH_THRESHOLD, 50);
    assert.equal(scoreFromDistance(DISTANCE_AT_THRESHOLD), 50);
    let prev = Infinity;
    for (let d = 0; d <= 1.6; d += 0.01) {
      const s = scoreFromDistance(d);
      assert.ok(s <= prev && s >= 0 && s <= 100);
      prev = s;
    }
    assert.ok(isMatch(scoreFromDistance(0.4)) && !isMatch(scoreFromDistance(0.87)));
    assert.ok(scoreFromDistance(0.72) < FACE_CHANGED_SCORE && scoreFromDistance(0.68) > FACE_CHANGED_SCORE);
    assert.equal(scoreFromDistance(Number.NaN), 0);
  });

  it('computes euclidean distance and refuses mismatched sizes', () => {
    assert.equal(euclidean(Float32Array.from([0, 3]), Float32Array.from([4, 0])), 5);
    assert.throws(() => euclidean(new Float32Array(2), new Float32Array(3)));
  });
});

describe('alignment', () => {
  it('recovers a known similarity transform', () => {
    const dst = chipTargets();
    // src = dst rotated by 30°, scaled by 2, shifted: the fit must map it back exactly.
    const c = Math.cos(Math.PI / 6) * 2, s = Math.sin(Math.PI / 6) * 2;
    const src = dst.map(([x, y]) => [c * x - s * y + 40, s * x + c * y - 7] as [number, number]);
    const t = fitSimilarity(src, dst);
    for (let i = 0; i < src.length; i++) {
      const [x, y] = src[i]!;
      assert.ok(Math.abs(t.a * x - t.b * y + t.tx - dst[i]![0]) < 1e-9);
      assert.ok(Math.abs(t.b * x + t.a * y + t.ty - dst[i]![1]) < 1e-9);
    }
  });

  it('produces a 150×150 chip that copies pixels under an identity mapping', () => {
    const img: RgbImage = { width: 150, height: 150, data: new Uint8Array(150 * 150 * 3).map((_, i) => (i * 7) % 251) };
    const chip = alignedChip(img, chipTargets());
    assert.equal(chip.width, 150);
    assert.deepEqual(chip.data.subarray(3000, 3030), img.data.subarray(3000, 3030));
  });

  it('warps onto another template and size (ArcFace-style 112-px chip): points twice as far apart land at half scale', () => {
    const img: RgbImage = { width: 224, height: 224, data: new Uint8Array(224 * 224 * 3).map((_, i) => (i * 7) % 251) };
    const targets: Array<[number, number]> = [[38, 52], [74, 52], [56, 72], [42, 92], [70, 92]];
    const chip = warpSimilarity(img, targets.map(([x, y]) => [2 * x, 2 * y] as [number, number]), targets, 112);
    assert.equal(chip.width, 112);
    assert.equal(chip.data.length, 112 * 112 * 3);
    // Chip pixel (u, v) samples the source at (2u + 0.5, 2v + 0.5): the mean of a 2×2 block, rounded.
    const at = (x: number, y: number, c: number) => img.data[(y * 224 + x) * 3 + c]!;
    const mean = (at(80, 60, 0) + at(81, 60, 0) + at(80, 61, 0) + at(81, 61, 0)) / 4;
    assert.ok(Math.abs(chip.data[(30 * 112 + 40) * 3]! - mean) <= 1);
  });

  it('mirrors a chip left to right, and twice gives it back', () => {
    const img: RgbImage = { width: 3, height: 2, data: Uint8Array.from({ length: 18 }, (_, i) => i) };
    const m = mirrorImage(img);
    assert.deepEqual([...m.data.subarray(0, 9)], [6, 7, 8, 3, 4, 5, 0, 1, 2]);
    assert.deepEqual(mirrorImage(m).data, img.data);
  });
});

describe('multi-crop jitter', () => {
  // A 478-point mesh whose five alignment points sit on a level face: eyes 40 px apart at y 100.
  const mesh: Array<[number, number]> = Array.from({ length: 478 }, () => [100, 120]);
  for (const [i, p] of [[33, [70, 100]], [133, [90, 100]], [362, [110, 100]], [263, [130, 100]], [1, [100, 130]], [61, [85, 150]], [291, [115, 150]]] as const) mesh[i] = [p[0], p[1]];
  const face = { landmarks: mesh } as unknown as DetectedFace;
  const jitter = (name: string) => fivePoints(jitterFace(face, JITTERS.find((j) => j.name === name)!).landmarks);

  it('leaves the face as is for the identity crop and shifts by a share of the eye distance', () => {
    assert.equal(jitterFace(face, JITTERS[0]!), face);
    const before = fivePoints(mesh), up = jitter('shiftU');
    for (let i = 0; i < 5; i++) {
      assert.ok(Math.abs(up[i]![0] - before[i]![0]) < 1e-9);
      assert.ok(Math.abs(up[i]![1] - (before[i]![1] - 0.05 * 40)) < 1e-9); // 5 % of 40 px, upwards
    }
  });

  it('rotates and scales around the five points without changing their shape', () => {
    const before = fivePoints(mesh), rot = jitter('rot+5'), big = jitter('scale1.07');
    const d = (p: Array<[number, number]>, i: number, j: number) => Math.hypot(p[i]![0] - p[j]![0], p[i]![1] - p[j]![1]);
    assert.ok(Math.abs(d(rot, 0, 4) - d(before, 0, 4)) < 1e-9);
    assert.ok(Math.abs(d(big, 0, 4) - 1.07 * d(before, 0, 4)) < 1e-9);
    assert.ok(Math.abs(Math.atan2(rot[1]![1] - rot[0]![1], rot[1]![0] - rot[0]![0]) * 180 / Math.PI - 5) < 1e-9);
  });
});

describe('quality', () => {
  const size = 200;
  const checker = (v: (x: number, y: number) => number): RgbImage => {
    const data = new Uint8Array(size * size * 3);
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data.fill(v(x, y), (y * size + x) * 3, (y * size + x) * 3 + 3);
    return { width: size, height: size, data };
  };
  it('rates a sharp pattern sharper than a flat one, and reports size and brightness', () => {
    const box = { x: 50, y: 50, width: 100, height: 100 };
    const sharp = faceQuality(checker((x, y) => ((x >> 2) + (y >> 2)) % 2 ? 200 : 60), box, 0);
    const flat = faceQuality(checker(() => 128), box, 0);
    assert.ok(sharp.sharpness > 0.9 && flat.sharpness < 0.01);
    assert.equal(sharp.faceSize, 0.5);
    assert.ok(Math.abs(flat.brightness - 128 / 255) < 0.01);
    assert.ok(sharp.score > flat.score);
    assert.equal(faceQuality(checker(() => 128), box, Number.NaN).occlusion, Number.NaN);
  });
});
