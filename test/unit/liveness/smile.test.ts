import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CHALLENGE_THRESHOLDS as TH, smileStrength } from '../../../src/domain/liveness-challenges.ts';
import { mouthShape, type Pt } from '../../../src/engines/face/landmarks.ts';
import { verifyReportedChallenges } from '../../../src/liveness/verify-reported.ts';
import { face, rng } from './helpers.ts';

// The smile challenge (issue 13, d19): the mouth's shape from the mesh as a second signal beside
// the expression model's "happy", each against its own threshold, relative to the user's neutral.

/**
 * A 478-point mesh with only the points mouthShape reads placed (MediaPipe indices): eye corners
 * 33/133 and 362/263, mouth corners 61/291, upper lip outer top 0 and inner edge 13. Face frame:
 * eye centres 60 px apart at y = 100, upper lip's centre at y = 167.
 */
function mesh(corners: { halfWidth: number; y: number }, transform: (p: [number, number]) => [number, number] = (p) => p): Pt[] {
  const m: Array<[number, number]> = Array.from({ length: 478 }, () => [130, 130]);
  const set = (i: number, x: number, y: number) => { m[i] = [x, y]; };
  set(33, 90, 100); set(133, 110, 100); set(362, 150, 100); set(263, 170, 100);
  set(61, 130 - corners.halfWidth, corners.y); set(291, 130 + corners.halfWidth, corners.y);
  set(0, 130, 165); set(13, 130, 169);
  return m.map(transform);
}
const NEUTRAL = { halfWidth: 25, y: 170 };
const SMILE = { halfWidth: 30, y: 164 };

test('mouthShape: width and corner lift in inter-ocular distances', () => {
  const n = mouthShape(mesh(NEUTRAL));
  assert.ok(Math.abs(n.width - 50 / 60) < 1e-9, `width ${n.width}`);
  assert.ok(Math.abs(n.lift - (167 - 170) / 60) < 1e-9, `lift ${n.lift}`);
  const s = mouthShape(mesh(SMILE));
  assert.ok(Math.abs(s.width - 1) < 1e-9);
  assert.ok(Math.abs(s.lift - 3 / 60) < 1e-9);
});

test('mouthShape does not change with the face\'s size, position or in-plane tilt', () => {
  const a = (20 * Math.PI) / 180;
  // Tilted 20°, twice as large, moved: a user leaning the head or nearer the camera.
  const tilt = ([x, y]: [number, number]): [number, number] => [400 + 2 * (Math.cos(a) * x - Math.sin(a) * y), 50 + 2 * (Math.sin(a) * x + Math.cos(a) * y)];
  for (const c of [NEUTRAL, SMILE]) {
    const plain = mouthShape(mesh(c));
    const moved = mouthShape(mesh(c, tilt));
    assert.ok(Math.abs(plain.width - moved.width) < 1e-9 && Math.abs(plain.lift - moved.lift) < 1e-9, JSON.stringify({ plain, moved }));
  }
  assert.deepEqual(mouthShape(mesh(NEUTRAL, () => [5, 5])), { width: Number.NaN, lift: Number.NaN }, 'a degenerate mesh is unknown, not a number');
});

test('smileStrength: either signal passes on its own threshold', () => {
  const neutral = { smile: 0.05, mouthWidth: 1 };
  const s = (o: Partial<typeof neutral>) => smileStrength({ ...neutral, ...o }, neutral, TH);
  assert.equal(s({}), 0);
  assert.ok(s({ mouthWidth: 1 + 1.01 * TH.smileWidthGain }) >= 1, 'a subtle smile the expression model under-rates (d19)');
  assert.ok(s({ mouthWidth: 1 + 0.9 * TH.smileWidthGain }) < 1);
  assert.ok(s({ smile: 0.06 + TH.smileDelta }) >= 1, 'a broad smile the expression model sees');
  assert.ok(s({ smile: 0.04 + TH.smileDelta, mouthWidth: 1 + 0.9 * TH.smileWidthGain }) < 1, 'two signals just short do not add up');
  // The emotion model did not run: the width alone decides; no mesh at all: unknown.
  assert.ok(s({ smile: Number.NaN, mouthWidth: 1 + 1.01 * TH.smileWidthGain }) >= 1);
  assert.ok(Number.isNaN(smileStrength({ smile: Number.NaN, mouthWidth: Number.NaN }, neutral, TH)));
});

/** A 10 fps recording of `seconds`; `at(t)` gives the face's happy / mouth width. */
function recording(seconds: number, at: (t: number, noise: () => number) => { smile: number; width: number }, seed = 1) {
  const noise = rng(seed);
  return Array.from({ length: Math.round(seconds * 10) }, (_, i) => ({ t: i / 10, face: face(at(i / 10, () => noise() - 0.5)) }));
}
const claimed = (seen: number) => ({ searchFrom: 0, events: [{ index: 0, shown_at: 0, seen_at: seen }] });
const smileAsked = [{ type: 'smile' as const, at_seconds: 0 }];

test("a subtle smile the expression model under-rates passes on the mouth's width; a still photo does not", () => {
  // Like d19 (bench:smile): "happy" never above 0.3, the mouth 21 % wider at 5.3–5.8 s.
  const subtle = recording(8.4, (t, n) => {
    const on = t >= 5.3 && t <= 5.8;
    return { smile: (on ? 0.3 : 0.05) + 0.02 * n(), width: (on ? 1.21 : 1) * (1 + 0.01 * n()) };
  });
  const v = verifyReportedChallenges(smileAsked, subtle, claimed(5.4));
  assert.equal(v.passed, true, JSON.stringify(v.results[0]));
  // The same with the width held: "happy" 0.3 alone is not a smile.
  const flat = subtle.map((f) => ({ ...f, face: { ...f.face, mouthWidth: 1 } }));
  assert.equal(verifyReportedChallenges(smileAsked, flat, claimed(5.4)).passed, false);
  // A photo: noise moves "happy" by up to 0.4 (bench:smile: still photos ≤ 0.34) and the mesh's
  // width by ≤ 5 % (photos ≤ 0.051).
  const photo = recording(6, (_t, n) => ({ smile: 0.3 + 0.8 * n(), width: 1 + 0.1 * n() }), 7);
  const r = verifyReportedChallenges(smileAsked, photo, claimed(2)).results[0]!;
  assert.equal(r.passed, false, JSON.stringify(r));
});

test('an open mouth or speaking is not a smile', () => {
  // Mouth opened wide at 3–4 s: the corners draw in (bench:smile: open_mouth widened it ≤ 10.7 %).
  const open = recording(6, (t) => ({ smile: 0.05, width: t >= 3 && t <= 4 ? 0.9 : 1 }));
  assert.equal(verifyReportedChallenges(smileAsked, open, claimed(3.2)).passed, false);
  // Speaking: the width moves by up to 10 % with every syllable.
  const talk = recording(6, (t) => ({ smile: 0.05, width: 1 + 0.1 * Math.abs(Math.sin(9 * t)) }));
  assert.equal(verifyReportedChallenges(smileAsked, talk, claimed(3.2)).passed, false);
});
