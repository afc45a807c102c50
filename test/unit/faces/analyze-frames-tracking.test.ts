// Which frames analyzeFrames tracks and which it detects: only where the caller allows it, from the
// faces of the frame TRACK_LAG before, never across a gap, never on anti-spoof frames. A scripted
// engine records each call's options (no models).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFrames, TRACK_LAG, type FrameInput } from '../../../src/faces/analyze-frames.ts';
import type { DetectedFace, DetectOptions, FaceEngine, RgbImage } from '../../../src/engines/face/port.ts';

const image: RgbImage = { width: 4, height: 4, data: new Uint8Array(48) };

/** One face per frame whose mesh spans 100 px from (10·frame, 0); none on the frames in `empty`. */
function scripted(empty: ReadonlySet<number> = new Set()) {
  const calls: Array<{ k: number; opts: DetectOptions }> = [];
  const engine = {
    parallelism: 2,
    async detect(img: RgbImage & { k?: number }, opts: DetectOptions = {}) {
      const k = img.k!;
      calls.push({ k, opts });
      await new Promise((r) => setTimeout(r, (k * 7) % 5)); // finish out of order
      if (empty.has(k)) return [];
      const face = { box: { x: 10 * k - 15, y: -15, width: 130, height: 130 }, confidence: 0.9, landmarks: [[10 * k, 0], [10 * k + 100, 100]], pose: { yaw: 0, pitch: 0, roll: 0 } };
      return [{ ...face, ...(opts.track ? { tracked: true } : {}) } as unknown as DetectedFace];
    },
  } as unknown as FaceEngine;
  return { engine, calls };
}

const frames = (n: number, fps: number): FrameInput[] => Array.from({ length: n }, (_, k) => ({ t: k / fps, image: { ...image, k } as RgbImage }));
const trackedCalls = (calls: Array<{ k: number; opts: DetectOptions }>) => calls.filter((c) => c.opts.track).map((c) => c.k).sort((x, y) => x - y);

describe('analyzeFrames: tracking between frames', () => {
  it('detects every frame unless the caller allows tracking', async () => {
    const { engine, calls } = scripted();
    const m = await analyzeFrames(engine, frames(12, 10));
    assert.deepEqual(trackedCalls(calls), []);
    assert.ok(m.every((x) => !x.tracked));
  });

  it('tracks from the frame TRACK_LAG before, and detects on the cadence the caller keeps', async () => {
    const { engine, calls } = scripted();
    const base = (t: number) => Math.round(t * 10) % 10 === 0; // 1 frame/s
    const m = await analyzeFrames(engine, frames(22, 10), { trackAt: (t) => !base(t) });
    const expected = Array.from({ length: 22 }, (_, k) => k).filter((k) => k >= TRACK_LAG && k % 10 !== 0);
    assert.deepEqual(trackedCalls(calls), expected);
    for (const c of calls.filter((x) => x.opts.track)) {
      // The hint is the face of frame k − TRACK_LAG: centred on its mesh, framed as its box (1.3 × the mesh).
      const hint = c.opts.track![0]!;
      assert.deepEqual({ cx: hint.cx, cy: hint.cy, confidence: hint.confidence }, { cx: 10 * (c.k - TRACK_LAG) + 50, cy: 50, confidence: 0.9 });
      assert.ok(Math.abs(hint.size - 130) < 1e-9 && Math.abs(hint.boxOverMesh - 1.3) < 1e-9);
    }
    assert.deepEqual(m.flatMap((x, k) => (x.tracked ? [k] : [])), expected);
  });

  it('detects where the frames are far apart, on anti-spoof frames, without a mesh, and after a frame without a face', async () => {
    const sparse = scripted();
    await analyzeFrames(sparse.engine, frames(8, 2.5), { trackAt: () => true });
    assert.deepEqual(trackedCalls(sparse.calls), []);

    const rest = scripted(new Set([5]));
    await analyzeFrames(rest.engine, frames(12, 10), { trackAt: () => true, antispoofAt: (_, k) => k === 4, meshAt: (_, k) => k !== 9 });
    // 4: anti-spoof; 7: frame 5 had no face; 9: no mesh; 11: frame 9 had no mesh to track from.
    assert.deepEqual(trackedCalls(rest.calls), [2, 3, 5, 6, 8, 10]);
  });
});
