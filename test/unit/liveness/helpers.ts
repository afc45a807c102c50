// Synthetic per-frame measurements for the pure liveness tests (no models involved).
import type { DetectedFace } from '../../../src/engines/face/port.ts';

export function face(p: Partial<{ yaw: number; pitch: number; roll: number; eye: number; mouth: number; smile: number; width: number; size: number }> = {}): DetectedFace {
  const size = p.size ?? 0.4;
  return {
    box: { x: 100, y: 80, width: size * 400, height: size * 480 },
    confidence: 0.9,
    landmarks: [],
    pose: { yaw: p.yaw ?? 0, pitch: p.pitch ?? 0, roll: p.roll ?? 0 },
    eyeOpenLeft: p.eye ?? 1,
    eyeOpenRight: p.eye ?? 1,
    mouthOpen: p.mouth ?? 0.05,
    smile: p.smile ?? 0.05,
    mouthWidth: p.width ?? 1.3,
    quality: { faceSize: size, sharpness: 0.8, brightness: 0.5, occlusion: 0, score: 80 },
    antispoof: null,
    liveness: null,
  };
}

/** Deterministic noise (a small LCG) for synthetic frames, so tests cannot flake. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}
