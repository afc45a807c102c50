import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MATCH_THRESHOLD, VIDEO_SELFIE_APPROVE_SCORE, VIDEO_SELFIE_DECLINE_SCORE } from '../../../src/domain/face-match.ts';
import { checkFaceSwap, FACE_SWAP_SPLIT_GAP, identitySplitGap } from '../../../src/liveness/replay.ts';
import { baselineOf, measure, verifyChallenges } from '../../../src/liveness/verify-challenges.ts';
import { claimedMoments, verifyReportedChallenges } from '../../../src/liveness/verify-reported.ts';
import { pairThresholds } from '../../../src/verification/stages/face-match.ts';
import { face } from './helpers.ts';

// Issue 13 acceptance fixes: the face-swap split statistic, the mouth's resting neutral, the
// pre-move neutral of a short single-challenge capture, dense frames around reported moments and
// the video ↔ selfie approve band.

/** A 128-d unit-ish vector: `id` picks the identity direction, `drift` moves along a pose axis. */
function emb(id: number, drift: number): Float32Array {
  return Float32Array.from({ length: 128 }, (_, i) => (i === id ? 0.3 : 0) + (i === 100 ? drift : 0) + 0.02);
}

test('identity split gap: a face drifting with pose is not a swap, two identities spliced at one moment are', () => {
  // One person: the pose axis wanders 0 → 0.35 and back (max pair distance 0.35 < 0.6).
  const live = [0, 0.1, 0.25, 0.35, 0.2, 0.05].map((d) => emb(1, d));
  const g = identitySplitGap(live)!;
  assert.ok(g.gap < FACE_SWAP_SPLIT_GAP, `live gap ${g.gap}`);
  assert.equal(checkFaceSwap(live, 0.6, FACE_SWAP_SPLIT_GAP).flagged, false);
  // Person 1 for three samples, then person 2 (identity directions 0.42 apart: under the 0.6 pair limit).
  const swap = [0, 0.05, 0.1, 0, 0.05, 0.1].map((d, i) => emb(i < 3 ? 1 : 2, d));
  const s = identitySplitGap(swap)!;
  assert.equal(s.at, 3);
  assert.ok(s.gap > FACE_SWAP_SPLIT_GAP, `swap gap ${s.gap}`);
  assert.equal(checkFaceSwap(swap, 0.6).flagged, false, 'the pair limit alone misses this look-alike');
  const flagged = checkFaceSwap(swap, 0.6, FACE_SWAP_SPLIT_GAP);
  assert.equal(flagged.flagged, true);
  assert.equal(flagged.evidence.splitAfterSample, 3);
  // Fewer than 4 embeddings: no split of ≥ 2 + 2 samples exists.
  assert.equal(identitySplitGap(swap.slice(0, 3)), null);
});

test("a talker's mouth neutral is its resting opening: open_mouth is measured against the closed mouth", () => {
  // Speaking outside the window: half the frames half open (0.3), the rest closed (0.05).
  const talking = Array.from({ length: 20 }, (_, k) => measure(face({ mouth: k % 2 ? 0.3 : 0.05 })));
  assert.ok(Math.abs(baselineOf(talking)!.mouthOpen - 0.05) < 1e-9);
  // The challenge window: mouth opened to 0.45 (0.4 above rest, 0.15 above the old median 0.175+).
  const frames = [
    ...talking.map((_, k) => ({ challengeIndex: 0, t: k / 10, face: face({ yaw: 20 * Math.min(1, k / 5) }) })),
    ...Array.from({ length: 20 }, (_, k) => ({ challengeIndex: 1, t: 2 + k / 10, face: face({ mouth: k % 2 ? 0.3 : 0.05 }) })),
    ...Array.from({ length: 6 }, (_, k) => ({ challengeIndex: 2, t: 4 + k / 10, face: face({ mouth: k >= 2 ? 0.45 : 0.1 }) })),
  ];
  const v = verifyChallenges(['turn_left', 'smile', 'open_mouth'], frames);
  assert.equal(v.results[2]!.passed, true, JSON.stringify(v.results[2]));
  // A still photo with the mouth a little open stays at its own opening: nothing to measure.
  const photo = Array.from({ length: 30 }, (_, k) => ({ challengeIndex: k < 15 ? 0 : 1, t: k / 10, face: face({ mouth: 0.2 }) }));
  assert.equal(verifyChallenges(['turn_left', 'open_mouth'], photo).results[1]!.passed, false);
});

test('a short single-challenge capture: the frames before the page saw the move are the neutral', () => {
  // 2.25 s recording: neutral 0–0.5 s, smiling from 0.5 s to the end; the page saw it at 0.75 s, so
  // the claimed window [0, 2.25] is the whole video and its own median would be the smile itself.
  const rec = Array.from({ length: 23 }, (_, i) => ({ t: i / 10, face: i / 10 >= 0.5 ? face({ smile: 0.95, width: 1.5 }) : face() }));
  const search = { searchFrom: 0, events: [{ index: 0, shown_at: 0, seen_at: 0.75 }] };
  const v = verifyReportedChallenges([{ type: 'smile', at_seconds: 0 }], rec, search);
  assert.equal(v.passed, true, JSON.stringify(v.results));
  assert.ok(v.results[0]!.baseline!.smile < 0.1);
  // The same claim on a video that smiles throughout (nothing before the move) still fails.
  const always = rec.map((f) => ({ ...f, face: face({ smile: 0.95, width: 1.5 }) }));
  assert.equal(verifyReportedChallenges([{ type: 'smile', at_seconds: 0 }], always, search).passed, false);
});

test('every reported seen_at gets a dense stretch [seen − 0.5, seen + 1]; timed-out prompts none', () => {
  assert.deepEqual(claimedMoments({ searchFrom: 0, events: [{ index: 0, shown_at: 1, seen_at: 1.7 }, { index: 1, shown_at: 2, seen_at: null }, { index: 2, shown_at: 3, seen_at: 0.2 }] }), [
    { from: 1.2, to: 2.7 }, { from: 0, to: 1.2 },
  ]);
});

test('video ↔ selfie has an approve band above the decline threshold; document pairs a review band below', () => {
  assert.deepEqual(pairThresholds('video', 'selfie'), { threshold: VIDEO_SELFIE_APPROVE_SCORE, declineBelow: VIDEO_SELFIE_DECLINE_SCORE });
  assert.ok(VIDEO_SELFIE_APPROVE_SCORE > VIDEO_SELFIE_DECLINE_SCORE && VIDEO_SELFIE_DECLINE_SCORE > MATCH_THRESHOLD);
  assert.deepEqual(pairThresholds('video', 'document'), { threshold: MATCH_THRESHOLD, declineBelow: 35 });
  assert.deepEqual(pairThresholds('selfie', 'document'), { threshold: MATCH_THRESHOLD, declineBelow: 35 });
});
