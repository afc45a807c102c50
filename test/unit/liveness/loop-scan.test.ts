import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanForLoop, THUMB_HEIGHT, THUMB_WIDTH } from '../../../src/liveness/loop-scan.ts';
import { rng } from './helpers.ts';

// Synthetic grey thumbnails: a bright disc (a "face") moving over a gradient, with sensor noise.
// Deterministic noise (a small LCG) so the test cannot flake.
function frame(cx: number, cy: number, noise: () => number, amp: number): Uint8Array {
  const t = new Uint8Array(THUMB_WIDTH * THUMB_HEIGHT);
  for (let y = 0; y < THUMB_HEIGHT; y++) for (let x = 0; x < THUMB_WIDTH; x++) {
    const inDisc = (x - cx) ** 2 + (y - cy) ** 2 < 100;
    const v = (inDisc ? 200 : 40 + x) + (noise() - 0.5) * amp;
    t[y * THUMB_WIDTH + x] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return t;
}

/** A path that never returns to where it was: a person moving, 30 frames a second. */
const live = (n: number, seed = 1) => {
  const noise = rng(seed);
  return Array.from({ length: n }, (_, i) => frame(20 + 25 * Math.sin(i / 23), 24 + 10 * Math.sin(i / 17 + 1), noise, 6));
};

test('a live, moving capture is not a loop', () => {
  const r = scanForLoop(live(240));
  assert.equal(r.flagged, false, JSON.stringify(r.evidence));
});

test('a moving stretch replayed later is a loop, whatever the phase of the replay', () => {
  const take = live(100, 2);
  const noise = rng(3);
  // The replay: the same take re-captured with fresh (small) noise, starting mid-way through a frame period.
  const replay = take.map((t) => t.map((v) => Math.max(0, Math.min(255, v + Math.round((noise() - 0.5) * 0.8)))));
  const r = scanForLoop([...take, ...replay]);
  assert.equal(r.flagged, true);
  assert.equal(r.blocking, true);
  assert.ok((r.evidence.repeated_at as number) - (r.evidence.original_at as number) >= 1, JSON.stringify(r.evidence));
});

test('a person holding still (noise only) is not a loop: the stretch must move', () => {
  const noise = rng(4);
  const still = Array.from({ length: 200 }, () => frame(30, 24, noise, 3));
  assert.equal(scanForLoop(still).flagged, false);
});

test('a camera repeating frames (8 fps into 30 fps) is not a loop', () => {
  const slow = live(60, 5).flatMap((f) => [f, f, f, f]);
  assert.equal(scanForLoop(slow).flagged, false);
});
