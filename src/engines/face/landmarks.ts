// Pure geometry on the 468/478-point MediaPipe face mesh Human returns (indices from MediaPipe's
// canonical face model: https://github.com/google/mediapipe face_mesh canonical_face_model_uv_visualization).
// "Right eye" is the person's right eye, which appears on the image's left in an unmirrored photo.

export type Pt = readonly [number, number, number?];

/** Eye contour indices in EAR order p1..p6 (corner, top, top, corner, bottom, bottom). */
const RIGHT_EYE = [33, 160, 158, 133, 153, 144] as const;
const LEFT_EYE = [362, 385, 387, 263, 373, 380] as const;
const MOUTH_INNER_TOP = 13;
/** Outer edge of the upper lip at its centre (philtrum end). */
const UPPER_LIP_TOP = 0;
const MOUTH_INNER_BOTTOM = 14;
const MOUTH_LEFT_CORNER = 291; // person's left
const MOUTH_RIGHT_CORNER = 61;
const NOSE_TIP = 1;

/**
 * Eye aspect ratio bounds (Soukupová & Čech 2016, "Real-Time Eye Blink Detection using Facial
 * Landmarks": open eyes ~0.25–0.30, closed < ~0.10). Not yet calibrated on our own blink videos.
 */
const EAR_CLOSED = 0.1;
const EAR_OPEN = 0.27;
/** Inner-lip gap over mouth width: ~0 closed, ≥ 0.6 for a wide-open "say aah" mouth. */
const MAR_WIDE_OPEN = 0.6;

function pt(mesh: readonly Pt[], i: number): Pt {
  const p = mesh[i];
  if (!p) throw new Error(`mesh point ${i} missing (mesh has ${mesh.length} points)`);
  return p;
}
function dist(a: Pt, b: Pt): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1]);
}
function mid(a: Pt, b: Pt): [number, number] {
  return [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
}
const clamp01 = (v: number): number => Math.min(1, Math.max(0, v));

function eyeAspectRatio(mesh: readonly Pt[], eye: 'left' | 'right'): number {
  const [p1, p2, p3, p4, p5, p6] = (eye === 'left' ? LEFT_EYE : RIGHT_EYE).map((i) => pt(mesh, i)) as [Pt, Pt, Pt, Pt, Pt, Pt];
  const width = dist(p1, p4);
  return width > 0 ? (dist(p2, p6) + dist(p3, p5)) / (2 * width) : 0;
}

/** 0 (closed) – 1 (open), from the eye aspect ratio. */
export function eyeOpenness(mesh: readonly Pt[], eye: 'left' | 'right'): number {
  return clamp01((eyeAspectRatio(mesh, eye) - EAR_CLOSED) / (EAR_OPEN - EAR_CLOSED));
}

/** Inner-lip opening relative to mouth width, mapped to 0–1. */
export function mouthOpenness(mesh: readonly Pt[]): number {
  const width = dist(pt(mesh, MOUTH_LEFT_CORNER), pt(mesh, MOUTH_RIGHT_CORNER));
  if (width <= 0) return 0;
  return clamp01(dist(pt(mesh, MOUTH_INNER_TOP), pt(mesh, MOUTH_INNER_BOTTOM)) / width / MAR_WIDE_OPEN);
}

/**
 * The mouth's shape in the face's own frame (roll removed), in inter-ocular distances (eye centre
 * to eye centre), so it does not change with the face's size, position or in-plane tilt:
 * - `width`: corner to corner. A smile pulls the corners out (zygomaticus major).
 * - `lift`: how far the corners sit above the upper lip's centre (the mean of its outer top and
 *   inner edge). A smile pulls the corners up; opening the mouth raises the upper lip instead
 *   (lift falls), speaking hardly moves either.
 * Both are judged against the same person's neutral (verify-challenges.ts), never absolutely:
 * mouths differ far more between people than a smile changes one.
 */
export function mouthShape(mesh: readonly Pt[]): { width: number; lift: number } {
  const { right, left } = eyeCenters(mesh);
  const iod = Math.hypot(left[0] - right[0], left[1] - right[1]);
  if (!(iod > 0)) return { width: Number.NaN, lift: Number.NaN };
  // Unit vectors along the eye line (x) and perpendicular to it, pointing down the face (y).
  const ux = (left[0] - right[0]) / iod, uy = (left[1] - right[1]) / iod;
  const down = (p: readonly [number, number] | Pt) => -uy * p[0] + ux * p[1];
  const rc = pt(mesh, MOUTH_RIGHT_CORNER), lc = pt(mesh, MOUTH_LEFT_CORNER);
  const lip = mid(pt(mesh, UPPER_LIP_TOP), pt(mesh, MOUTH_INNER_TOP));
  return {
    width: dist(rc, lc) / iod,
    lift: (down(lip) - (down(rc) + down(lc)) / 2) / iod,
  };
}

function eyeCenters(mesh: readonly Pt[]): { right: [number, number]; left: [number, number] } {
  return { right: mid(pt(mesh, 33), pt(mesh, 133)), left: mid(pt(mesh, 362), pt(mesh, 263)) };
}

/** Degrees; positive = head tilted clockwise in the image (y grows downwards). */
export function rollFromMesh(mesh: readonly Pt[]): number {
  const { right, left } = eyeCenters(mesh);
  return (Math.atan2(left[1] - right[1], left[0] - right[0]) * 180) / Math.PI;
}

/** The five points dlib-style alignment uses: eye centres, nose tip, mouth corners (image px). */
export function fivePoints(mesh: readonly Pt[]): Array<[number, number]> {
  const { right, left } = eyeCenters(mesh);
  const nose = pt(mesh, NOSE_TIP);
  const mr = pt(mesh, MOUTH_RIGHT_CORNER);
  const ml = pt(mesh, MOUTH_LEFT_CORNER);
  return [right, left, [nose[0], nose[1]], [mr[0], mr[1]], [ml[0], ml[1]]];
}
