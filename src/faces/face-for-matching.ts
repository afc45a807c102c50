// Picks "the" face of a photo that should show exactly one person (selfie, compare endpoint) and
// embeds it. Shared by compareFaces, the bench and the pipeline's selfie/document matching.

import { AppError } from '../domain/errors.ts';
import { meanEmbedding } from '../domain/face-match.ts';
import { cropSquare, decodeImage, enlargeTo, fitWithin, padImage } from '../engines/face/image.ts';
import type { DetectedFace, EmbedOptions, Embedding, FaceEngine, RgbImage } from '../engines/face/port.ts';

/**
 * Faces smaller than this (box height, px) are refused rather than scored: the embedder works on
 * 150-px chips; in the degraded bench run faces of ~55–110 px still matched (78 % TAR at zero false
 * accepts) and we have no data below that.
 */
const MIN_FACE_PX = 48;
/**
 * Faces lower than this (px, in the caller's original image) are embedded with test-time
 * augmentation (EmbedOptions.augment). bench:faces on pairs.csv: augmenting every face doubled the
 * embedding time for no gain on real photos (AUC 0.99982 with, 0.99978 without); the low-resolution
 * faces of the degraded run are where it keeps genuine distances down.
 */
export const SMALL_FACE_PX = 120;
/** A second face at least this fraction of the main face's height counts as another person. */
const SECOND_FACE_RATIO = 0.5;
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
/**
 * Grey border added when nothing is found, or when the face touches the image edge (within
 * EDGE_MARGIN of a side): BlazeFace misses faces that fill the whole frame, and the mesh of a face
 * cut by the edge misplaces the landmarks that align it. bench:faces on pairs.csv (tightly cropped
 * 150-px samples among them): AUC 0.99978 → 0.99995 on the real pairs, 0.986 → 0.992 degraded.
 */
const PAD_RATIO = 0.3;
const EDGE_MARGIN = 0.05;
/**
 * Faces lower than this (px, in the image the detector saw) are embedded twice and the descriptors
 * averaged (embedForMatching): as detected, and as detected again on a zoomed crop (zoomOnFace).
 * BlazeFace sees every image at 256 px, so the box it gives a small face, which places the mesh
 * crop and hence the alignment landmarks, is off by pixels; zoomed, it usually settles, but not
 * always: on the tilted, laughing face of test/e2e's generated ID card the zoomed view alone matched
 * the selfie at 41, the first detection at 91, the mean of both at 87. bench:faces degraded run
 * (pairs.csv, whole image to ≤ 200 px): AUC 0.992 → 0.9966 with the mean (0.9969 zoomed view only;
 * a 160-px limit 0.9925, 400 px or a 3× crop no different from 240 px).
 */
export const ZOOM_BELOW_PX = 240;
/** Side of the zoomed crop relative to the face box height, and the size it is enlarged to. */
const ZOOM_CROP = 2.2;
const ZOOM_SIDE = 384;

export type ImageInput = Uint8Array | RgbImage;

function isRgbImage(x: ImageInput): x is RgbImage {
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
  if (faces.length > 0 && !touchesEdge(image, largest(faces)!)) return { image, faces, dx: 0, dy: 0, scale };
  const padded = padImage(image, PAD_RATIO);
  const again = await engine.detect(padded.image, opts);
  if (again.length === 0 && faces.length > 0) return { image, faces, dx: 0, dy: 0, scale };
  return { image: padded.image, faces: again, dx: padded.dx, dy: padded.dy, scale };
}

/** The largest face (by box height; the first of equals), the one a one-person photo is about. */
export function largest(faces: readonly DetectedFace[]): DetectedFace | undefined {
  return faces.reduce<DetectedFace | undefined>((a, f) => (!a || f.box.height > a.box.height ? f : a), undefined);
}

function touchesEdge(image: RgbImage, f: DetectedFace): boolean {
  const mx = image.width * EDGE_MARGIN, my = image.height * EDGE_MARGIN;
  return f.box.x < mx || f.box.y < my || f.box.x + f.box.width > image.width - mx || f.box.y + f.box.height > image.height - my;
}

/**
 * A face lower than `below` (default ZOOM_BELOW_PX) detected again on a square crop around it (grey
 * beyond the image), enlarged to at least ZOOM_SIDE; the face nearest the crop's centre is taken.
 * Returns the given image and face unchanged for larger faces or when the zoomed pass finds nothing.
 */
export async function zoomOnFace(engine: FaceEngine, image: RgbImage, face: DetectedFace, below = ZOOM_BELOW_PX): Promise<{ image: RgbImage; face: DetectedFace }> {
  if (face.box.height >= below) return { image, face };
  const side = Math.max(16, Math.round(face.box.height * ZOOM_CROP));
  const cx = face.box.x + face.box.width / 2, cy = face.box.y + face.box.height / 2;
  const { image: zoomed } = await enlargeTo(cropSquare(image, Math.round(cx - side / 2), Math.round(cy - side / 2), side), ZOOM_SIDE);
  const faces = await engine.detect(zoomed, { mesh: true, iris: false, expressions: false, maxFaces: 3, minConfidence: SINGLE_FACE_MIN_CONFIDENCE });
  const c = zoomed.width / 2;
  const off = (f: DetectedFace) => Math.hypot(f.box.x + f.box.width / 2 - c, f.box.y + f.box.height / 2 - c);
  const centred = faces.reduce<DetectedFace | undefined>((a, f) => (!a || off(f) < off(a) ? f : a), undefined);
  return centred ? { image: zoomed, face: centred } : { image, face };
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
  // A session's selfie is matched against video frames, which are embedded plainly: embedPhotoFace's
  // recipe on one side only moved a genuine video↔document pair from above 50 to 42 (the pipeline e2e
  // test), so photos that meet video frames keep the plain recipe (augmented when small).
  return { ...f, embedding: await embedForMatching(engine, f.image, f.face, { augment: f.small }) };
}

/**
 * The descriptor of a face in a still photo for photo-to-photo matching (faces/compare, both
 * sides alike; not the session's selfie or document portrait, which meet video frames): the face detected again on the square crop around it
 * (zoomOnFace, every size), embedded with the mirrored chip averaged in. BlazeFace sees the whole
 * photo at 256 px, so the box that places the mesh, and so the alignment landmarks, is off by
 * pixels; on the crop the mesh settles, and the mirror evens out what asymmetry is left.
 * bench:faces (split faces-split-v1, recipes chosen on the calibration side's margin between
 * the farthest genuine and the nearest impostor pair, +0.010 → +0.015 real, +0.005 → +0.011
 * ID-portrait): all pairs TAR @ FAR 0.1 % 97.4 → 98.2 % real, 94.8 → 97.4 % ID-portrait (applied
 * to every photo). Cost: one more mesh detection on the crop and a second descriptor per photo;
 * faces/compare spends it only on pairs with a face under PAIR_ZOOM_BELOW_PX.
 */
/**
 * Two photos compared with each other (faces/compare) are embedded alike: both with embedPhotoFace
 * when either face is lower than this (px in its original image), both plainly (engine.embed)
 * otherwise. bench:faces, split faces-split-v1, limits 200–600 px and per-photo gates tried, chosen
 * on the calibration side's genuine–impostor margin (+0.015 at 400 and 600 px, +0.007 at 250–300,
 * +0.010 plain); every pair of large faces then costs what it did before (41 % of the real pairs).
 * Gating each photo on its own size lost the gain: mixed recipes leave the two sides unalike.
 */
export const PAIR_ZOOM_BELOW_PX = 400;

export function pairNeedsZoom(a: MatchFace, b: MatchFace): boolean {
  return Math.min(a.box.height, b.box.height) < PAIR_ZOOM_BELOW_PX;
}

export async function embedPhotoFace(engine: FaceEngine, image: RgbImage, face: DetectedFace): Promise<Embedding> {
  const zoomed = await zoomOnFace(engine, image, face, Number.POSITIVE_INFINITY);
  return engine.embed(zoomed.image, zoomed.face, { augment: true });
}

/**
 * The descriptor a match uses: for a face under ZOOM_BELOW_PX the mean of its descriptor as
 * detected and as re-detected on a zoomed crop (see there); otherwise the plain descriptor.
 */
export async function embedForMatching(engine: FaceEngine, image: RgbImage, face: DetectedFace, options: EmbedOptions = {}): Promise<Embedding> {
  const direct = engine.embed(image, face, options); // runs on one worker while the zoom detects on another
  direct.catch(() => undefined); // handled where it is awaited below; must not count as unhandled meanwhile
  const zoomed = await zoomOnFace(engine, image, face);
  if (zoomed.image === image) return direct;
  return meanEmbedding(await Promise.all([direct, engine.embed(zoomed.image, zoomed.face, options)]));
}
