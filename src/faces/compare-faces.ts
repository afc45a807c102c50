// 1:1 face comparison of two photos (POST /v1/faces/compare, `vkyc faces compare a.jpg b.jpg`).
// Errors are AppErrors with codes not_an_image, no_face, multiple_faces, face_too_small; the
// details name which image ("a" or "b") failed.

import { AppError } from '../domain/errors.ts';
import { MATCH_THRESHOLD, isMatch } from '../domain/face-match.ts';
import type { Box, Embedding, FaceEngine, FaceQuality } from '../engines/face/port.ts';
import { embedPhotoFace, PAIR_ZOOM_BELOW_PX, pairNeedsZoom, singleFace, toRgb, type ImageInput, type MatchFace } from './face-for-matching.ts';

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
  const found = [side(a, 'a'), side(b, 'b')] as const;
  // Each side is embedded as soon as its recipe is known, without waiting for the other side's
  // detection when its own face already decides it (pairNeedsZoom): the two sides' work then
  // overlaps on the two workers however unequal their images are.
  const embedded = [embedSide(engine, found[0], found[1]), embedSide(engine, found[1], found[0])] as const;
  embedded.forEach((p) => p.catch(() => undefined)); // a failed side is reported below, from `found`
  const [ra, rb] = await Promise.allSettled(found);
  // When both fail, report image a's error, as a sequential compare would.
  if (ra.status === 'rejected') throw ra.reason;
  if (rb.status === 'rejected') throw rb.reason;
  const fa = ra.value, fb = rb.value;
  const [ea, eb] = await Promise.all(embedded);
  const score = engine.similarity(ea, eb);
  return {
    score,
    match: isMatch(score),
    threshold: MATCH_THRESHOLD,
    faces: { a: { box: fa.box, quality: fa.face.quality }, b: { box: fb.box, quality: fb.face.quality } },
  };
}

/** One side's descriptor, embedded as both sides of the pair must be (see PAIR_ZOOM_BELOW_PX). */
async function embedSide(engine: FaceEngine, own: Promise<MatchFace>, other: Promise<MatchFace>): Promise<Embedding> {
  const f = await own;
  // A face under the limit zooms the pair whatever the other side holds; otherwise the other decides.
  const zoom = f.box.height < PAIR_ZOOM_BELOW_PX || pairNeedsZoom(f, await other);
  return zoom ? embedPhotoFace(engine, f.image, f.face) : engine.embed(f.image, f.face);
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
