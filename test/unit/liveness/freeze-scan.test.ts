import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanForFreeze } from '../../../src/liveness/freeze-scan.ts';
import { THUMB_FPS, THUMB_HEIGHT, THUMB_WIDTH } from '../../../src/liveness/loop-scan.ts';
import { rng } from './helpers.ts';

// Synthetic grey thumbnails at 30 fps: a bright disc (a "face") on a gradient with sensor noise.
// Deterministic noise (a small LCG) so the test cannot flake.
function frame(cx: number, cy: number, noise: () => number, amp: number): Uint8Array {
  const t = new Uint8Array(THUMB_WIDTH * THUMB_HEIGHT);
  for (let y = 0; y < THUMB_HEIGHT; y++) for (let x = 0; x < THUMB_WIDTH; x++) {
    // Anti-aliased edge (as an area-averaged thumbnail is): a sub-pixel move changes the grey levels.
    const inside = Math.max(0, Math.min(1, 10.5 - Math.hypot(x - cx, y - cy)));
    const v = 40 + x + (160 - x) * inside + (noise() - 0.5) * amp;
    t[y * THUMB_WIDTH + x] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return t;
}

const noise = rng(7);
/** Sensor noise left in a 64×48 area-averaged thumbnail (each cell averages ~100 pixels). */
const AMP = 1;
/** A person moving, frame i of a 30 fps capture. */
const moving = (i: number) => frame(30 + 12 * Math.sin(i / 20), 24 + 6 * Math.sin(i / 13 + 1), noise, AMP);
/** Someone holding as still as they can: a sway of half a thumbnail pixel (5 px of the frame), breathing. */
const holdingStill = (i: number) => frame(30 + 0.5 * Math.sin(i / 25), 24 + 0.4 * Math.sin(i / 40), noise, AMP);
const seconds = (s: number) => Math.round(s * THUMB_FPS);
/** Container packets at `fps` over [from, to) seconds. */
const packets = (from: number, to: number, fps = 30) => Array.from({ length: Math.round((to - from) * fps) }, (_, i) => from + i / fps);

test('a genuine take followed by 4 s of its last frame repeated is frozen', () => {
  const take = Array.from({ length: seconds(5) }, (_, i) => moving(i));
  const last = take.at(-1)!;
  const r = scanForFreeze([...take, ...Array.from({ length: seconds(4) }, () => last)], packets(0, 9));
  assert.equal(r.flagged, true, JSON.stringify(r.evidence));
  assert.equal(r.reason, 'frozen_stream');
  assert.equal(r.blocking, true);
});

test('a frozen tail with fresh noise on every frame is still frozen (it never drifts from its first frame)', () => {
  const take = Array.from({ length: seconds(5) }, (_, i) => moving(i));
  const tail = Array.from({ length: seconds(4) }, () => frame(30 + 12 * Math.sin((seconds(5) - 1) / 20), 24 + 6 * Math.sin((seconds(5) - 1) / 13 + 1), noise, AMP));
  const r = scanForFreeze([...take, ...tail], packets(0, 9));
  assert.equal(r.flagged, true, JSON.stringify(r.evidence));
});

test('a live capture, a person holding still, and an 8 fps camera repeating its frames are not frozen', () => {
  const live = Array.from({ length: seconds(8) }, (_, i) => moving(i));
  assert.equal(scanForFreeze(live, packets(0, 8)).flagged, false);
  const still = Array.from({ length: seconds(6) }, (_, i) => holdingStill(i));
  const r = scanForFreeze(still, packets(0, 6));
  assert.equal(r.flagged, false, JSON.stringify(r.evidence));
  // 8 fps in a 30 fps recording: each image shown for ~4 frames.
  const slow = Array.from({ length: seconds(8) }, (_, i) => moving(Math.floor(i / 3.75) * 3.75));
  assert.equal(scanForFreeze(slow, packets(0, 8, 8)).flagged, false);
});

test('a delivery gap (no container frames) repeats the last image but is a stall, not a freeze', () => {
  const take = Array.from({ length: seconds(3) }, (_, i) => moving(i));
  const last = take.at(-1)!;
  const after = Array.from({ length: seconds(2) }, (_, i) => moving(seconds(3) + i));
  const video = [...take, ...Array.from({ length: seconds(4) }, () => last), ...after];
  // The camera delivered nothing from 3 s to 7 s.
  assert.equal(scanForFreeze(video, [...packets(0, 3), ...packets(7, 9)]).flagged, false);
  assert.equal(scanForFreeze(video, packets(0, 9)).flagged, true);
});
