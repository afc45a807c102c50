// Picks "the" face of a photo that should show exactly one person (selfie, compare endpoint) and
// embeds it. Shared by compareFaces, the bench and the pipeline's selfie/document matching.

import { AppError } from '../../domain/errors.ts';
import { decodeImage, enlargeTo, fitWithin, padImage } from '../../engines/face/image.ts';
import type { DetectedFace, Embedding, FaceEngine, RgbImage } from '../../engines/face/port.ts';

/**
 * Faces smaller than this (box height, px) are refused rather than scored: the embedder works on
 * 150-px chips; in the degraded bench run faces of ~55–110 px still matched (78 % TAR at zero false
 * accepts) and we have no data below that.
 */
export const MIN_FACE_PX = 48;
/**
 * Faces lower than this (px, in the caller's original image) are embedded with test-time
 * augmentation (EmbedOptions.augment). bench:faces on pairs.csv: augmenting every face doubled the
 * embedding time for no gain on real photos (AUC 0.99982 with, 0.99978 without); the low-resolution
 * faces of the degraded run are where it keeps genuine distances down.
 */
export const SMALL_FACE_PX = 120;
/** A second face at least this fraction of the main face's height counts as another person. */
export const SECOND_FACE_RATIO = 0.5;
/**
 * Detector floor when exactly one face is expected: some blurred ~200-px photos of real faces
 * scored 0.49–0.50 in the degraded pairs.csv run (deepface img43, kit_harington), below the
 * engine's 0.5 default; lowering to 0.3 cut pairs with no face from 22 to 7. Extra faces still need
 * the default confidence to count as "another person".
 */
const SINGLE_FACE_MIN_CONFIDENCE = 0.3;
const OTHER_FACE_MIN_CONFIDENCE = 0.5;
/**
 * Photos are reduced to this longer side before detection: the embedder sees a 150-px chip, and
 * phone photos (12 MP) otherwise cost seconds of tensor work for no accuracy.
 */
const MAX_SIDE = 1280;
/**
 * Small photos are enlarged (Lanczos) to this longer side first: BlazeFace works on a 256-px input
 * and misses or mis-places faces of a 100–200-px image. On the degraded pairs.csv run (every image
 * ≤ 200 px) this cut the sides without a face from 7 to 1 and raised the AUC from 0.978 to 0.986.
 */
const MIN_SIDE = 400;
/** Grey border added when nothing is found: BlazeFace misses faces that fill the whole frame. */
const PAD_RATIO = 0.3;

export type ImageInput = Uint8Array | RgbImage;

export function isRgbImage(x: ImageInput): x is RgbImage {
  return !(x instanceof Uint8Array) && typeof (x as RgbImage).width === 'number';
}

export async function toRgb(input: ImageInput): Promise<RgbImage> {
  return isRgbImage(input) ? input : decodeImage(input);
}

export interface MatchFace {
  /** Image the face was found in (the original, or a padded copy when padding was needed). */
  image: RgbImage;
  face: DetectedFace;
  /** Box in the caller's original image coordinates (undoing padding and downscaling). */
  box: DetectedFace['box'];
  /** Lower than SMALL_FACE_PX in the original image: embed with augmentation. */
  small: boolean;
}

/** Detects with the mesh (alignment needs it), retrying on a padded copy when nothing is found. */
export async function detectForMatching(engine: FaceEngine, original: RgbImage): Promise<{ image: RgbImage; faces: DetectedFace[]; dx: number; dy: number; scale: number }> {
  const { image, scale } = Math.max(original.width, original.height) < MIN_SIDE ? await enlargeTo(original, MIN_SIDE) : await fitWithin(original, MAX_SIDE);
  // Alignment needs only the mesh: iris and expressions would cost time for nothing here.
  const opts = { mesh: true, iris: false, expressions: false, maxFaces: 5, minConfidence: SINGLE_FACE_MIN_CONFIDENCE };
  const faces = await engine.detect(image, opts);
  if (faces.length > 0) return { image, faces, dx: 0, dy: 0, scale };
  const padded = padImage(image, PAD_RATIO);
  return { image: padded.image, faces: await engine.detect(padded.image, opts), dx: padded.dx, dy: padded.dy, scale };
}

/** The single face of a one-person photo, or a typed AppError (no_face, multiple_faces, face_too_small). */
export async function singleFace(engine: FaceEngine, image: RgbImage, label: string): Promise<MatchFace> {
  const found = await detectForMatching(engine, image);
  const faces = [...found.faces].sort((a, b) => b.box.height - a.box.height);
  const main = faces[0];
  if (!main) throw new AppError('no_face', `no face found in ${label}`, { image: label });
  const others = faces.slice(1).filter((f) => f.confidence >= OTHER_FACE_MIN_CONFIDENCE && f.box.height >= SECOND_FACE_RATIO * main.box.height);
  if (others.length > 0) {
    throw new AppError('multiple_faces', `${others.length + 1} faces found in ${label}`, { image: label, count: others.length + 1 });
  }
  if (main.box.height / found.scale < MIN_FACE_PX) {
    throw new AppError('face_too_small', `face in ${label} is ${Math.round(main.box.height / found.scale)} px high, minimum ${MIN_FACE_PX}`, { image: label });
  }
  const s = found.scale;
  const box = { x: (main.box.x - found.dx) / s, y: (main.box.y - found.dy) / s, width: main.box.width / s, height: main.box.height / s };
  return { image: found.image, face: main, box, small: box.height < SMALL_FACE_PX };
}

export async function embedSingleFace(engine: FaceEngine, image: RgbImage, label: string): Promise<MatchFace & { embedding: Embedding }> {
  const f = await singleFace(engine, image, label);
  return { ...f, embedding: await engine.embed(f.image, f.face, { augment: f.small }) };
}
