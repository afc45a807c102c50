// Other crops of one detected face: its landmarks moved by a small similarity transform (scale,
// shift, in-plane rotation), so the aligned chip the embedder sees is cut a little differently.
// Averaging the descriptors of several such chips ("multi-crop", what dlib calls jittering) evens
// out where the alignment points of a small, blurred face landed by chance.

import type { DetectedFace } from '../src/engines/face/port.ts';
import { fivePoints } from '../src/engines/face/landmarks.ts';

export interface Jitter {
  name: string;
  /** Landmark spread factor around their centre: > 1 makes the face smaller in the chip. */
  scale: number;
  /** Shift in units of the distance between the eyes (image x, y). */
  dx: number;
  dy: number;
  /** In-plane rotation of the landmarks, degrees. */
  degrees: number;
}

const J = (name: string, scale = 1, dx = 0, dy = 0, degrees = 0): Jitter => ({ name, scale, dx, dy, degrees });

/** The crops bench/faces-recipes.ts compares (identity first). */
export const JITTERS: readonly Jitter[] = [
  J('id'),
  J('scale0.93', 0.93), J('scale1.07', 1.07),
  J('shiftL', 1, -0.05), J('shiftR', 1, 0.05), J('shiftU', 1, 0, -0.05), J('shiftD', 1, 0, 0.05),
  J('rot-5', 1, 0, 0, -5), J('rot+5', 1, 0, 0, 5),
];

/** The face with its landmarks moved by `j` (box, scores and the rest unchanged). */
export function jitterFace(face: DetectedFace, j: Jitter): DetectedFace {
  if (j.scale === 1 && j.dx === 0 && j.dy === 0 && j.degrees === 0) return face;
  const five = fivePoints(face.landmarks);
  const cx = five.reduce((s, p) => s + p[0], 0) / five.length;
  const cy = five.reduce((s, p) => s + p[1], 0) / five.length;
  const iod = Math.hypot(five[1]![0] - five[0]![0], five[1]![1] - five[0]![1]);
  const rad = (j.degrees * Math.PI) / 180;
  const c = Math.cos(rad) * j.scale, s = Math.sin(rad) * j.scale;
  const landmarks = face.landmarks.map(([x, y]) => {
    const u = x - cx, v = y - cy;
    return [cx + c * u - s * v + j.dx * iod, cy + s * u + c * v + j.dy * iod] as [number, number];
  });
  return { ...face, landmarks };
}
