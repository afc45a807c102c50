// Picks the frames to match against the selfie / document photo: one clear, large, sharp, frontal face.

import type { DetectedFace } from '../engines/face/port.ts';
import type { FrameMeasurement } from './analyze-frames.ts';

interface BestFrame { index: number; t: number; face: DetectedFace; rank: number }

/**
 * Frontal weight: cos(yaw)·cos(pitch) clipped at 0; yaw 30° keeps 0.87 of the score, 60° only 0.5.
 * The embedder was trained on mostly frontal dlib chips, so turned heads match worse.
 */
function frontalWeight(face: DetectedFace): number {
  const { yaw, pitch } = face.pose;
  if (Number.isNaN(yaw) || Number.isNaN(pitch)) return 0.8; // pose unknown (no mesh): mild penalty
  return Math.max(0, Math.cos((yaw * Math.PI) / 180) * Math.cos((pitch * Math.PI) / 180));
}

/** Indices of up to k frames with exactly one face, best first, at least `minGapS` seconds apart. */
export function bestFrames(frames: FrameMeasurement[], k = 3, minGapS = 0.5): BestFrame[] {
  const candidates = frames
    .map((m, index) => ({ m, index }))
    .filter(({ m }) => m.faces.length === 1)
    .map(({ m, index }) => {
      const face = m.faces[0]!;
      const eyes = Number.isNaN(face.eyeOpenLeft) ? 1 : Math.min(1, (face.eyeOpenLeft + face.eyeOpenRight) / 1.2);
      return { index, t: m.t, face, rank: face.quality.score * frontalWeight(face) * (0.5 + 0.5 * eyes) };
    })
    .sort((a, b) => b.rank - a.rank);
  const picked: BestFrame[] = [];
  for (const c of candidates) {
    if (picked.length >= k) break;
    if (picked.every((p) => Math.abs(p.t - c.t) >= minGapS)) picked.push(c);
  }
  return picked;
}
