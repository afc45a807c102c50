// 1:1 face comparison of two photos (POST /v1/faces/compare, `vkyc faces compare a.jpg b.jpg`).
// Errors are AppErrors with codes not_an_image, no_face, multiple_faces, face_too_small; the
// details name which image ("a" or "b") failed.

import { AppError } from '../domain/errors.ts';
import { MATCH_THRESHOLD, isMatch } from '../domain/face-match.ts';
import type { Box, FaceEngine, FaceQuality } from '../engines/face/port.ts';
import { embedPhotoFace, pairNeedsZoom, singleFace, toRgb, type ImageInput, type MatchFace } from './face-for-matching.ts';

interface CompareSide { box: Box; quality: FaceQuality }

interface CompareResult {
  /** Calibrated similarity 0–100 (domain/face-match.ts). */
  score: number;
  match: boolean;
  threshold: number;
  faces: { a: CompareSide; b: CompareSide };
}

export async function compareFaces(engine: FaceEngine, a: ImageInput, b: ImageInput): Promise<CompareResult> {
  // Both sides at once: decoding runs on libuv's pool, the models on the engine's worker threads.
  const side = async (input: ImageInput, label: 'a' | 'b') => singleFace(engine, await withLabel(toRgb(input), label), label);
  const [ra, rb] = await Promise.allSettled([side(a, 'a'), side(b, 'b')]);
  // When both fail, report image a's error, as a sequential compare would.
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  const fa = ra.value, fb = rb.value;
  // Both sides embedded the same way (see PAIR_ZOOM_BELOW_PX); the two run on two workers at once.
  const zoom = pairNeedsZoom(fa, fb);
  const embed = (f: MatchFace) => (zoom ? embedPhotoFace(engine, f.image, f.face) : engine.embed(f.image, f.face));
  const [ea, eb] = await Promise.all([embed(fa), embed(fb)]);
  const score = engine.similarity(ea, eb);
  return {
    score,
    match: isMatch(score),
    threshold: MATCH_THRESHOLD,
    faces: { a: { box: fa.box, quality: fa.face.quality }, b: { box: fb.box, quality: fb.face.quality } },
  };
}

/** Adds which side failed to decode errors, so the API can say "image b is not an image". */
async function withLabel<T>(p: Promise<T>, label: 'a' | 'b'): Promise<T> {
  try {
    return await p;
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, `image ${label}: ${err.message}`, { ...(err.details as object), image: label });
    throw err;
  }
}
