// Which frames of a liveness check get an identity embedding: the most frontal one (reference for
// the passport/selfie match), each challenge's furthest-turned frame (where a swap pays off), and
// at least three in all (the still-photo spread needs three).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { embeddedFrames } from '../../../src/liveness/verify.ts';
import { face } from './helpers.ts';

test('frontal frame plus the peak of every challenge', () => {
  const frames = [
    { challengeIndex: 0, face: face({ yaw: 3 }) },
    { challengeIndex: 0, face: face({ yaw: 25 }) }, // turn_left peak
    { challengeIndex: 0, face: face({ yaw: 12 }) },
    { challengeIndex: 1, face: face({ yaw: 1 }) }, // most frontal
    { challengeIndex: 1, face: face({ pitch: -18 }) }, // look_down peak
    { challengeIndex: 1, face: null },
  ];
  assert.deepEqual(embeddedFrames(frames), [1, 3, 4]);
});

test('one challenge, frontal throughout: first and last frames fill up to three', () => {
  const frames = Array.from({ length: 8 }, (_, i) => ({ challengeIndex: 0, face: i === 0 ? null : face({ yaw: i === 4 ? 0 : 1, smile: 0.5 }) }));
  const picked = embeddedFrames(frames);
  assert.equal(picked.length, 3);
  assert.ok(picked.includes(4) && picked.includes(1) && picked.includes(7), picked.join());
});

test('no face anywhere: nothing to embed', () => {
  assert.deepEqual(embeddedFrames([{ challengeIndex: 0, face: null }, { challengeIndex: 1, face: null }]), []);
});
