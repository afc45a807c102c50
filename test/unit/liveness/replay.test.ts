import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RgbImage } from '../../../src/engines/face/port.ts';
import { frameSignature } from '../../../src/liveness/frame-signature.ts';
import {
  checkDuplicates, checkFaceSwap, checkStill, checkTimestamps,
} from '../../../src/liveness/replay.ts';
import { checkVirtualCamera } from '../../../src/liveness/camera-label.ts';
import { checkClientData } from '../../../src/liveness/client-data.ts';
import { face } from './helpers.ts';

/** A synthetic 320×240 "face" scene: an ellipse whose mouth opening and position vary, plus noise. */
function scene(seed: number, opts: { mouth?: number; dx?: number; noise?: number } = {}): RgbImage {
  const w = 320, h = 240, data = new Uint8Array(w * h * 3);
  let s = seed * 2654435761 >>> 0;
  const rnd = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const cx = 160 + (opts.dx ?? 0), cy = 120;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const inFace = ((x - cx) / 60) ** 2 + ((y - cy) / 80) ** 2 < 1;
    const eye = (Math.abs(x - (cx - 22)) < 8 || Math.abs(x - (cx + 22)) < 8) && Math.abs(y - (cy - 20)) < 4;
    const mouth = Math.abs(x - cx) < 20 && Math.abs(y - (cy + 35)) < 2 + (opts.mouth ?? 0) * 12;
    let v = inFace ? (eye || mouth ? 40 : 190) : 60 + ((x * 7 + y * 3) % 50);
    v += ((rnd() - 0.5) * 2) * (opts.noise ?? 6);
    const p = (y * w + x) * 3;
    data[p] = data[p + 1] = data[p + 2] = Math.max(0, Math.min(255, v));
  }
  return { width: w, height: h, data };
}
const box = (dx = 0) => ({ x: 100 + dx, y: 40, width: 120, height: 160 });

test('timestamps: increasing, inside the token window, camera-like rate', () => {
  const T = 1_700_000_000;
  const win = { issuedAt: T, expiresAt: T + 60, receivedAt: T + 10 };
  assert.equal(checkTimestamps([T + 1, T + 1.4, T + 2], win).flagged, false);
  assert.equal(checkTimestamps([(T + 1) * 1000, (T + 1.4) * 1000, (T + 2) * 1000], win).flagged, false, 'milliseconds are accepted');
  assert.deepEqual(checkTimestamps([T + 2, T + 1], win).evidence.problems, ['not_increasing']);
  assert.deepEqual(checkTimestamps([T + 1, T + 1.001], win).evidence.problems, ['frame_rate_implausible']);
  assert.ok((checkTimestamps([T - 100, T - 99], win).evidence.problems as string[]).includes('before_token_issued'));
  assert.ok((checkTimestamps([T + 5, T + 100], win).evidence.problems as string[]).includes('after_token_expiry'));
});

test('a real sequence (moving mouth, noise) raises no image flag', () => {
  const sigs = Array.from({ length: 8 }, (_, i) => frameSignature(scene(i, { mouth: (i % 4) / 3, dx: i * 2 }), box(i * 2)));
  const [dup, loop] = checkDuplicates(sigs);
  assert.equal(dup!.flagged, false);
  assert.equal(loop!.flagged, false);
  assert.equal(checkStill(sigs).flagged, false, JSON.stringify(checkStill(sigs).evidence));
});

test('the same frame sent twice (a camera slower than the client) is not flagged; an earlier frame sent again is looped_frames', () => {
  const frames = Array.from({ length: 6 }, (_, i) => scene(i, { mouth: i / 5, dx: i * 3 }));
  const sigs = frames.map((f, i) => frameSignature(f, box(i * 3)));
  const twice = [...sigs.slice(0, 3), sigs[2]!, ...sigs.slice(3)];
  assert.deepEqual(checkDuplicates(twice).map((c) => [c.reason, c.flagged]), [['replay_suspected', false], ['looped_frames', false], ['frozen_stream', false]]);
  const looped = [...sigs, sigs[1]!, sigs[2]!];
  const [, loop] = checkDuplicates(looped);
  assert.equal(loop!.flagged, true);
  assert.deepEqual((loop!.evidence.repeatedPairs as number[][])[0], [1, 6]);
});

test('a still picture with fresh sensor noise in every frame is still_image', () => {
  const sigs = Array.from({ length: 8 }, (_, i) => frameSignature(scene(100 + i, { mouth: 0.2 }), box()));
  const r = checkStill(sigs);
  assert.equal(r.flagged, true, JSON.stringify(r.evidence));
});

test('still_image: with embeddings, a live spread outweighs one still-looking pixel signal; a photo\'s tight spread flags', () => {
  // The options make the dHash look still and the crop correlation live (as in d13's 2.5 s capture).
  const sigs = Array.from({ length: 6 }, (_, i) => frameSignature(scene(200 + i, { mouth: 0.2 + (i % 2) * 0.02, dx: i }), box(i)));
  const emb = (v: number) => Float32Array.from({ length: 128 }, (_, k) => (k === 0 ? v : 0.05));
  const live = checkStill(sigs, { stillMaxHamming: 64, stillMinCorrelation: 0.9999 }, [emb(0), emb(0.15), emb(0.3)]);
  assert.equal(live.flagged, false, JSON.stringify(live.evidence));
  const photo = checkStill(sigs, { stillMaxHamming: 64, stillMinCorrelation: 0.9999 }, [emb(0), emb(0.05), emb(0.1)]);
  assert.equal(photo.flagged, true, JSON.stringify(photo.evidence));
  assert.equal(checkStill(sigs, { stillMaxHamming: 64, stillMinCorrelation: 0.9999 }).flagged, true, 'without embeddings the hash alone still flags');
});

test('face swap: one embedding far from the rest', () => {
  const emb = (v: number) => Float32Array.from({ length: 128 }, (_, i) => (i === 0 ? v : 0.05));
  assert.equal(checkFaceSwap([emb(0), emb(0.1), emb(0.2), null]).flagged, false);
  const r = checkFaceSwap([emb(0), emb(0.1), emb(0.9)]);
  assert.equal(r.flagged, true);
  assert.deepEqual(r.evidence.pair, [0, 2]);
});

test('virtual camera labels are flagged (not blocking); real cameras are not', () => {
  assert.equal(checkVirtualCamera(['FaceTime HD Camera', 'Integrated Webcam (0c45:6a06)']).flagged, false);
  const r = checkVirtualCamera(['OBS Virtual Camera']);
  assert.equal(r.flagged, true);
  assert.equal(r.blocking, false);
  assert.equal(checkVirtualCamera(['ManyCam Virtual Webcam']).flagged, true);
});

test('client head pose that contradicts the server, and landmarks elsewhere, are client_data_mismatch', () => {
  const yaws = [0, 12, 25, 10, -3, -20];
  const server = yaws.map((yaw) => face({ yaw }));
  const agree = server.map((s, i) => ({ headPose: { yaw: -(yaws[i]! * Math.PI) / 180, pitch: 0 }, server: s, width: 640, height: 480 }));
  assert.equal(checkClientData(agree).flagged, false, 'mirrored radians still agree');
  const canned = server.map((s) => ({ headPose: { yaw: 0, pitch: 0 }, server: s, width: 640, height: 480 }));
  assert.equal(checkClientData(canned).flagged, true);
  const b = face().box;
  const pts = (ox: number) => Array.from({ length: 20 }, (_, k) => [ox + (k % 5) * (b.width / 4), b.y + Math.floor(k / 5) * (b.height / 3)]);
  const here = server.map((s) => ({ landmarks: pts(b.x), server: s, width: 640, height: 480 }));
  assert.equal(checkClientData(here).flagged, false);
  const elsewhere = server.map((s) => ({ landmarks: { positions: pts(b.x + 400).map(([x, y]) => ({ x: x! / 1000, y: y! / 1000 })) }, server: s, width: 640, height: 480 }));
  assert.equal(checkClientData(elsewhere).flagged, true);
});
