// The mesh, iris and expression models run on a crop placed by a hint (track-hint.ts) instead of by
// the BlazeFace detector: what Human does between video frames with its box cache, done here so that
// the cache is the caller's (Human keeps it module-wide in each worker, shared by every request).
//
// Each step follows Human 3.3.6's own (src/face/facemesh.ts, facemeshutil.ts, iris.ts, angles.ts,
// gear/emotion.ts) so that a face tracked from the crop a detection would have used gets the same
// numbers: crop and scale to 0–1, the mesh's 468 points mapped back (truncated to whole pixels, as
// Human does), the iris model's eye contours and irises merged in, the emotion model on the
// greyscale crop, and the head angles from the mesh's outline. The detector's rotation correction
// is off in our Human configuration, so no rotation here either.

import type * as tfc from '@tensorflow/tfjs-core';
import type { HumanFace } from './human-loader.ts';
import type { FaceHint } from './port.ts';
import { meshSpan } from './track-hint.ts';

type Tf = typeof tfc;
type Point3 = [number, number, number];
interface Model { inputs: Array<{ shape?: number[] }>; execute(x: tfc.Tensor): tfc.Tensor | tfc.Tensor[] }
export interface TrackModels { tf: Tf; mesh: Model; iris: Model | null; emotion: Model | null; kernels: readonly string[] }

/** Mesh score under which a tracked face counts as lost (see TRACK_MIN_SCORE's measurement in docs/model-card-faces.md). */
export const TRACK_MIN_SCORE = 0.5;

/** Human's emotion labels for its 7-class greyscale model, in output order. */
const EMOTIONS = ['angry', 'disgust', 'fear', 'happy', 'sad', 'surprise', 'neutral'];
/** Human's emotion floor (config face.emotion.minConfidence): classes below it are not listed. */
const EMOTION_FLOOR = 0.1;
/** ITU-R BT.601 luma weights, as Human turns the crop grey for the emotion model. */
const LUMA = [0.2989, 0.587, 0.114];

/**
 * Each hinted face measured on `image` ([h, w, 3], 0–255), or null as soon as one of them is lost
 * (mesh score under TRACK_MIN_SCORE): the caller then detects afresh.
 */
export async function trackedFaces(m: TrackModels, image: tfc.Tensor3D, hints: readonly FaceHint[], opts: { iris: boolean; expressions: boolean }): Promise<HumanFace[] | null> {
  const input = m.tf.tidy(() => m.tf.expandDims(m.tf.cast(image, 'float32'), 0)) as tfc.Tensor4D;
  try {
    const out: HumanFace[] = [];
    for (const hint of hints) {
      const face = await trackOne(m, input, hint, opts);
      if (!face) return null;
      out.push(face);
    }
    return out;
  } finally {
    input.dispose();
  }
}

/**
 * Where the first mesh finds the face this far (share of the crop's side) from the crop's centre,
 * or its size changed this much, the mesh runs again on a crop placed on it. Off-centre crops move the mesh: on the fast-moving
 * bench:liveness clip d12 (centre 9–17 % off after 0.2 s) single-pass tracking moved the landmarks
 * by 4–20 % of the face's height against a detection of the same frame and read open eyes as
 * closed; under 3 % the landmarks stay within ~1 %.
 */
const RECENTRE_SHIFT = 0.03;
/** A face far off its crop may need two steps to be centred (each pass ~6 ms of the ~30 the detector costs). */
const MAX_RECENTRES = 2;

interface Crop { x0: number; y0: number; side: number; pixels: tfc.Tensor4D }

async function trackOne(m: TrackModels, input: tfc.Tensor4D, hint: FaceHint, opts: { iris: boolean; expressions: boolean }): Promise<HumanFace | null> {
  const size = m.mesh.inputs[0]?.shape?.[2] ?? 192;
  let crop = cropAt(m.tf, input, hint, size);
  try {
    let pass = await meshPass(m, crop);
    for (let k = 0; pass && k < MAX_RECENTRES; k++) {
      const span = meshSpan(toImage(pass.raw, crop, size));
      const placed = { cx: span.cx, cy: span.cy, size: hint.boxOverMesh * span.extent };
      const off = Math.max(Math.hypot(placed.cx - (crop.x0 + crop.side / 2), placed.cy - (crop.y0 + crop.side / 2)), Math.abs(placed.size - crop.side));
      if (off <= RECENTRE_SHIFT * crop.side) break;
      crop.pixels.dispose();
      crop = cropAt(m.tf, input, placed, size);
      pass = await meshPass(m, crop);
    }
    if (!pass) return null;
    const raw = opts.iris && m.iris ? await withIris(m, m.iris, crop.pixels, pass.raw, size) : pass.raw;
    const mesh = toImage(raw, crop, size);
    const [, h = 1, w = 1] = input.shape;
    // The reported box: centred on the mesh, the crop's size (Human's calculateFaceBox), clamped to the image.
    const { cx, cy } = meshSpan(mesh);
    const sx = Math.max(0, cx - crop.side / 2), sy = Math.max(0, cy - crop.side / 2);
    const box: [number, number, number, number] = [Math.trunc(sx), Math.trunc(sy), Math.trunc(Math.min(w, cx + crop.side / 2) - sx), Math.trunc(Math.min(h, cy + crop.side / 2) - sy)];
    const emotion = opts.expressions && m.emotion ? await emotions(m.tf, m.emotion, crop.pixels) : undefined;
    return {
      score: pass.score, boxScore: hint.confidence, faceScore: pass.score, box, mesh,
      ...(emotion ? { emotion } : {}),
      rotation: { angle: headAngles(mesh, crop.side, size) },
    };
  } finally {
    crop.pixels.dispose();
  }
}

/** The square around (cx, cy), whole pixels as Human's boxes are, scaled to the mesh input and to 0–1. */
function cropAt(tf: Tf, input: tfc.Tensor4D, at: { cx: number; cy: number; size: number }, size: number): Crop {
  const [, h = 1, w = 1] = input.shape;
  const x0 = Math.round(at.cx - at.size / 2), y0 = Math.round(at.cy - at.size / 2);
  const side = Math.round(at.cx + at.size / 2) - x0;
  const pixels = tf.tidy(() => tf.div(tf.image.cropAndResize(input, [[y0 / h, x0 / w, (y0 + side) / h, (x0 + side) / w]], [0], [size, size]), 255)) as tfc.Tensor4D;
  return { x0, y0, side, pixels };
}

/** The mesh model on a crop: its score and 468 points in crop pixels, or null when the face is lost. */
async function meshPass(m: TrackModels, crop: Crop): Promise<{ score: number; raw: Point3[] } | null> {
  const outputs = m.mesh.execute(crop.pixels) as tfc.Tensor[];
  try {
    const score = Math.round(100 * (await outputs.find((t) => t.shape.at(-1) === 1)!.data())[0]!) / 100;
    if (score < TRACK_MIN_SCORE) return null;
    const xyz = await outputs.find((t) => t.shape.at(-1) === 1404)!.data();
    return { score, raw: Array.from({ length: xyz.length / 3 }, (_, i) => [xyz[3 * i]!, xyz[3 * i + 1]!, xyz[3 * i + 2]!]) };
  } finally {
    m.tf.dispose(outputs);
  }
}

/** Crop pixels to image pixels, truncated to whole pixels as Human's mesh is. */
function toImage(raw: readonly Point3[], crop: Crop, size: number): Point3[] {
  const k = crop.side / size;
  return raw.map(([x, y, z]) => [Math.trunc(crop.x0 + k * x), Math.trunc(crop.y0 + k * y), Math.trunc(z)]);
}

/**
 * MediaPipe's mesh-point indices of each eye region (Human's facemeshcoords meshAnnotations) and,
 * per region, which of the iris model's 76 eye points replace them (Human's irisIndices).
 */
const EYE_REGIONS: Record<'left' | 'right', Record<string, number[]>> = {
  right: {
    EyeUpper0: [246, 161, 160, 159, 158, 157, 173], EyeLower0: [33, 7, 163, 144, 145, 153, 154, 155, 133],
    EyeUpper1: [247, 30, 29, 27, 28, 56, 190], EyeLower1: [130, 25, 110, 24, 23, 22, 26, 112, 243],
    EyeUpper2: [113, 225, 224, 223, 222, 221, 189], EyeLower2: [226, 31, 228, 229, 230, 231, 232, 233, 244],
    EyeLower3: [143, 111, 117, 118, 119, 120, 121, 128, 245],
    EyebrowUpper: [156, 70, 63, 105, 66, 107, 55, 193], EyebrowLower: [35, 124, 46, 53, 52, 65],
  },
  left: {
    EyeUpper0: [466, 388, 387, 386, 385, 384, 398], EyeLower0: [263, 249, 390, 373, 374, 380, 381, 382, 362],
    EyeUpper1: [467, 260, 259, 257, 258, 286, 414], EyeLower1: [359, 255, 339, 254, 253, 252, 256, 341, 463],
    EyeUpper2: [342, 445, 444, 443, 442, 441, 413], EyeLower2: [446, 261, 448, 449, 450, 451, 452, 453, 464],
    EyeLower3: [372, 340, 346, 347, 348, 349, 350, 357, 465],
    EyebrowUpper: [383, 300, 293, 334, 296, 336, 285, 417], EyebrowLower: [265, 353, 276, 283, 282, 295],
  },
};
const IRIS_POINTS: Record<string, number[]> = {
  EyeUpper0: [9, 10, 11, 12, 13, 14, 15], EyeUpper1: [25, 26, 27, 28, 29, 30, 31], EyeUpper2: [41, 42, 43, 44, 45, 46, 47],
  EyeLower0: [0, 1, 2, 3, 4, 5, 6, 7, 8], EyeLower1: [16, 17, 18, 19, 20, 21, 22, 23, 24],
  EyeLower2: [32, 33, 34, 35, 36, 37, 38, 39, 40], EyeLower3: [54, 55, 56, 57, 58, 59, 60, 61, 62],
  EyebrowUpper: [63, 64, 65, 66, 67, 68, 69, 70], EyebrowLower: [48, 49, 50, 51, 52, 53],
};
/** The iris model's 76 points per eye: 71 eye-region points, then the iris centre and 4 edge points. */
const IRIS_OUT = 76;
const IRIS_FIRST = 71;
/** Eye crop: the two corners' span enlarged this much and squared (Human's iris.scale default). */
const EYE_CROP_SCALE = 2.3;
/** Depth difference of the outer eye corners beyond which only the nearer eye's lids are refined. */
const TURNED_Z = 30;

/**
 * Human's iris refinement (iris.ts augmentIris), on the mesh's raw points in crop pixels: both eyes
 * cropped around their corners (both crops mirrored where the backend has the kernel, the left
 * eye's points mirrored back, exactly as Human does), the eye contours replaced with the iris
 * model's (only the upper and lower lid of the nearer eye when the head is turned), and the 10 iris
 * points appended.
 */
async function withIris(m: TrackModels, model: Model, crop: tfc.Tensor4D, raw: Point3[], meshSize: number): Promise<Point3[]> {
  const { tf } = m;
  const side = (model.inputs[0]?.shape?.[2] ?? -1) > 0 ? model.inputs[0]!.shape![2]! : 64;
  const flip = m.kernels.includes('flipleftright');
  const eyeBox = (a: Point3, b: Point3) => {
    const cx = (Math.min(a[0], b[0]) + Math.max(a[0], b[0])) / 2, cy = (Math.min(a[1], b[1]) + Math.max(a[1], b[1])) / 2;
    const half = (EYE_CROP_SCALE * Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]))) / 2;
    const x0 = Math.round(cx - half), y0 = Math.round(cy - half), x1 = Math.round(cx + half), y1 = Math.round(cy + half);
    return { x0, y0, w: x1 - x0, h: y1 - y0, norm: [y0 / meshSize, x0 / meshSize, y1 / meshSize, x1 / meshSize] };
  };
  const left = eyeBox(raw[263]!, raw[362]!), right = eyeBox(raw[33]!, raw[133]!);
  const pred = tf.tidy(() => {
    const eye = (b: typeof left) => {
      const c = tf.image.cropAndResize(crop, [b.norm], [0], [side, side]);
      return flip ? tf.image.flipLeftRight(c) : c;
    };
    return model.execute(tf.concat([eye(left), eye(right)])) as tfc.Tensor;
  });
  let data: Float32Array | Int32Array | Uint8Array;
  try {
    data = await pred.data();
  } finally {
    pred.dispose();
  }
  const eyePoints = (offset: number, b: typeof left, mirrored: boolean): Point3[] => Array.from({ length: IRIS_OUT }, (_, i) => {
    const x = data[offset + i * 3]! / side, y = data[offset + i * 3 + 1]! / side;
    return [(mirrored ? 1 - x : x) * b.w + b.x0, y * b.h + b.y0, data[offset + i * 3 + 2]!];
  });
  const leftPts = eyePoints(0, left, true), rightPts = eyePoints(IRIS_OUT * 3, right, false);
  const out = raw.map((p) => [...p] as Point3);
  const replace = (eye: 'left' | 'right', pts: Point3[], keys: readonly string[]) => {
    for (const key of keys) {
      EYE_REGIONS[eye][key]!.forEach((meshIndex, j) => {
        const q = pts[IRIS_POINTS[key]![j]!]!;
        out[meshIndex] = [q[0], q[1], (q[2] + out[meshIndex]![2]) / 2];
      });
    }
  };
  const depth = out[263]![2] - out[33]![2];
  if (Math.abs(depth) < TURNED_Z) {
    replace('left', leftPts, Object.keys(IRIS_POINTS));
    replace('right', rightPts, Object.keys(IRIS_POINTS));
  } else {
    replace(depth < 1 ? 'left' : 'right', depth < 1 ? leftPts : rightPts, ['EyeUpper0', 'EyeLower0']);
  }
  // The iris points take their depth from the lids around them (the model's own is unreliable).
  const irisOf = (eye: 'left' | 'right', pts: Point3[]): Point3[] => {
    const upper = out[EYE_REGIONS[eye].EyeUpper0![3]!]![2], lower = out[EYE_REGIONS[eye].EyeLower0![4]!]![2];
    return pts.slice(IRIS_FIRST).map((q, i) => [q[0], q[1], i === 2 ? upper : i === 4 ? lower : (upper + lower) / 2]);
  };
  return [...out, ...irisOf('left', leftPts), ...irisOf('right', rightPts)];
}

/** Human's emotion model on the face crop: greyscale, 64 px, centred on 0. */
async function emotions(tf: Tf, model: Model, crop: tfc.Tensor4D): Promise<Array<{ score: number; emotion: string }>> {
  const side = model.inputs[0]?.shape?.[2] ?? 64;
  const t = tf.tidy(() => {
    const grey = tf.sum(tf.mul(tf.image.resizeBilinear(crop, [side, side], false), tf.tensor1d(LUMA)), 3, true);
    return model.execute(tf.mul(tf.sub(grey, 0.5), 2)) as tfc.Tensor;
  });
  try {
    const data = await t.data();
    return Array.from(data, (v, i) => ({ score: Math.min(0.99, Math.trunc(100 * v) / 100), emotion: EMOTIONS[i] ?? String(i) }))
      .filter((_, i) => data[i]! > EMOTION_FLOOR).sort((a, b) => b.score - a.score);
  } finally {
    t.dispose();
  }
}

/** Head angles (radians, Human's signs) from the mesh's top, chin and sides (Human's angles.ts). */
function headAngles(mesh: readonly Point3[], boxSide: number, meshInput: number): { pitch: number; yaw: number; roll: number } {
  const s = boxSide / 1.5;
  const p = (i: number): Point3 => { const q = mesh[i]!; return [q[0] / s, q[1] / s, q[2] / meshInput]; };
  const sub = (a: Point3, b: Point3): Point3 => [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
  const cross = (a: Point3, b: Point3): Point3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
  const unit = (v: Point3): Point3 => { const n = Math.hypot(...v); return [v[0] / n, v[1] / n, v[2] / n]; };
  const yAxis = unit(sub(p(152), p(10)));
  const z = unit(cross(unit(sub(p(454), p(234))), yAxis));
  const xAxis = cross(yAxis, z);
  const [r00, , , r10, r11, r12, r20] = [...xAxis, ...yAxis, ...z];
  let pitch = 0, yaw = 0, roll = 0;
  if (r10! >= 1) roll = Math.PI / 2;
  else if (r10! <= -1) roll = -Math.PI / 2;
  else {
    roll = Math.atan2(r10!, Math.sqrt(r00! * r00! + r20! * r20!));
    yaw = Math.atan2(-r20!, r00!);
    pitch = Math.atan2(-r12!, r11!);
  }
  const fin = (v: number) => (Number.isNaN(v) ? 0 : v);
  return { pitch: -fin(pitch), yaw: -fin(yaw), roll: -fin(roll) };
}
