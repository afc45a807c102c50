import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RgbImage } from '../../../src/engines/face/port.ts';
import { frameSignature } from '../../../src/liveness/frame-signature.ts';
import { assessRecording, type RecordedFrame } from '../../../src/liveness/recording.ts';
import { face } from './helpers.ts';

/** Grey frame whose content depends on `k` (so frames differ unless k repeats), plus fixed pattern. */
function image(k: number): RgbImage {
  const w = 160, h = 120, data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) {
    const x = i % w, y = Math.floor(i / w);
    const v = (Math.sin(x / (5 + (k % 7)) + k) * 60 + Math.cos(y / (4 + (k % 5)) - k) * 60 + 128) | 0;
    data[3 * i] = data[3 * i + 1] = data[3 * i + 2] = v;
  }
  return { width: w, height: h, data };
}
const emb = (k: number) => Float32Array.from({ length: 128 }, (_, i) => (i === k % 128 ? 0.3 : 0.05));

/** 5 fps, 6 s: turn_right prompted at 1 s (done 1.4–2.2 s), open_mouth at 3 s (done 3.4–4.2 s). */
function recording(content: (i: number) => number): RecordedFrame[] {
  return Array.from({ length: 30 }, (_, i) => {
    const t = i / 5;
    const f = face({ yaw: t > 1.3 && t < 2.3 ? -20 : 0, mouth: t > 3.3 && t < 4.3 ? 0.6 : 0.05 });
    return { t, face: f, faces: 1, embedding: emb(i), signature: frameSignature(image(content(i)), f.box) };
  });
}
const schedule = [{ type: 'turn_right' as const, at_seconds: 1 }, { type: 'open_mouth' as const, at_seconds: 3 }];

test('a genuine recording passes; a repeated single frame (camera repeat) raises nothing', () => {
  const ok = assessRecording({ schedule, frames: recording((i) => i) });
  assert.equal(ok.passed, true, JSON.stringify(ok.reasons));
  const repeated = assessRecording({ schedule, frames: recording((i) => (i === 11 ? 10 : i)) });
  assert.equal(repeated.passed, true, JSON.stringify(repeated.reasons));
  assert.deepEqual(repeated.reasons, []);
});

test('one image held for 3 s while the container delivers 30 fps is a frozen stream and blocks', () => {
  const frozen = assessRecording({ schedule, frames: recording((i) => (i >= 10 && i <= 25 ? 10 : i)), containerTimes: Array.from({ length: 180 }, (_, k) => k / 30) });
  assert.equal(frozen.passed, false);
  assert.ok(frozen.blocking.includes('frozen_stream'), JSON.stringify(frozen.reasons));
  // The same hold over a gap in the container (the browser delivered nothing) is a stall: review only.
  const gap = Array.from({ length: 180 }, (_, k) => k / 30).filter((t) => t <= 2 || t >= 5);
  const stalled = assessRecording({ schedule, frames: recording((i) => (i >= 10 && i <= 25 ? 10 : i)), containerTimes: gap });
  assert.ok(!stalled.blocking.includes('frozen_stream'), JSON.stringify(stalled.blocking));
  assert.ok(stalled.reasons.includes('replay_suspected') && !stalled.blocking.includes('replay_suspected'), JSON.stringify(stalled.reasons));
});

test('frames replaying an earlier second of the video are looped_frames and block', () => {
  const looped = assessRecording({ schedule, frames: recording((i) => (i >= 20 && i < 25 ? i - 15 : i)) });
  assert.equal(looped.passed, false);
  assert.ok(looped.blocking.includes('looped_frames'), JSON.stringify(looped.reasons));
});

test('no audio → no AV verdict; wrong schedule → challenge_failed', () => {
  const r = assessRecording({ schedule: [{ type: 'open_mouth', at_seconds: 1 }, { type: 'turn_right', at_seconds: 3 }], frames: recording((i) => i) });
  assert.equal(r.avSync, null);
  assert.ok(r.blocking.includes('challenge_failed'));
});
