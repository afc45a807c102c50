// Where to look for a face in the next frame of the same capture: the square crop the mesh model
// runs on, placed on the face's mesh in an earlier frame (as MediaPipe's face-mesh graph and Human's
// box cache do between video frames). Pure geometry: the caller keeps it, the engine stays stateless.

import type { DetectedFace, FaceHint } from './port.ts';

/**
 * Bounds of a face's box side over its mesh's larger extent. Human's box is BlazeFace's enlarged
 * 1.4× and squared: 1.30–1.43× the mesh (5th–95th percentile, median 1.38; 199 frames of the
 * bench:liveness clips d3, d9, d12, d19 at 10 frames/s), 1.72× on face-api's sample6 face. Outside
 * these bounds the box was cut by the image's edge, not framed by the detector.
 */
const BOX_OVER_MESH = { min: 1.25, max: 1.8 };

/**
 * Head tilt (degrees of roll) beyond which a face is detected rather than tracked. Our Human
 * configuration does not rotate the mesh's crop, and on a tilted face the mesh depends on where
 * the crop sits: face-api's sample1 face at ~22° moved 10–14 % of its height between the detector's
 * crop and the tracked one, upright faces ≤ 1 %.
 */
const MAX_ROLL = 15;

/**
 * The crop around `face` for tracking it into a later frame; null when its mesh did not run or the
 * head is tilted (then the frame is detected).
 */
export function trackHint(face: DetectedFace): FaceHint | null {
  if (face.landmarks.length === 0 || !(Math.abs(face.pose.roll) <= MAX_ROLL)) return null;
  const { cx, cy, extent } = meshSpan(face.landmarks);
  // The detector's framing of this face, kept while it is tracked: tracked and detected frames of
  // one face then report boxes of the same size (the move_closer challenge compares them).
  const ratio = Math.min(BOX_OVER_MESH.max, Math.max(BOX_OVER_MESH.min, Math.max(face.box.width, face.box.height) / extent));
  return { cx, cy, size: ratio * extent, boxOverMesh: ratio, confidence: face.confidence };
}

/** Centre and larger side of the bounding box of mesh points (image px). */
export function meshSpan(points: ReadonlyArray<readonly [number, number, number?]>): { cx: number; cy: number; extent: number } {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x);
    y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  return { cx: (x0 + x1) / 2, cy: (y0 + y1) / 2, extent: Math.max(x1 - x0, y1 - y0) };
}
