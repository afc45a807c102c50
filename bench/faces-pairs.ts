// Pair evaluation for bench/faces.ts: embeds every image of pairs.csv once (cached per run), and
// optionally a degraded copy ("selfie vs ID photo": ~200 px, slight blur, JPEG q30).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { euclidean } from '../src/domain/face-match.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import type { Box, Embedding, FaceEngine } from '../src/engines/face/port.ts';
import { detectForMatching, embedPhotoFace, largest, PAIR_ZOOM_BELOW_PX } from '../src/faces/face-for-matching.ts';

export interface Pair { a: string; b: string; same: boolean }

export function parsePairs(csv: string): Pair[] {
  return csv.trim().split('\n').slice(1).map((line) => {
    const [a, b, same] = line.split(',');
    if (!a || !b || (same !== '0' && same !== '1')) throw new Error(`bad pairs.csv line: ${line}`);
    return { a, b, same: same === '1' };
  });
}

/** Degradation of the "selfie vs ID photo" run: the whole image to ≤ 200 px, blur, JPEG q30. */
export async function degrade(buf: Uint8Array): Promise<Buffer> {
  return sharp(buf).rotate().resize({ width: 200, height: 200, fit: 'inside', withoutEnlargement: true }).blur(0.8).jpeg({ quality: 30 }).toBuffer();
}

/**
 * The same degradation applied to a portrait crop instead of the whole scene: the head with the
 * margin document-portrait.ts keeps (35 %), scaled to 200 px, blurred, JPEG q30 — what an ID photo
 * photographed by a phone gives. (Scaling a whole group or street photo to 200 px leaves faces of
 * 20–50 px, smaller than the product accepts: MIN_FACE_PX.)
 */
export async function degradePortrait(buf: Uint8Array, box: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  const meta = await sharp(buf).rotate().toBuffer({ resolveWithObject: true });
  const m = 0.35;
  const left = Math.max(0, Math.round(box.x - box.width * m));
  const top = Math.max(0, Math.round(box.y - box.height * m));
  const width = Math.min(meta.info.width - left, Math.round(box.width * (1 + 2 * m)));
  const height = Math.min(meta.info.height - top, Math.round(box.height * (1 + 2 * m)));
  return sharp(meta.data).extract({ left, top, width, height }).resize({ width: 200, height: 200, fit: 'inside' }).blur(0.8).jpeg({ quality: 30 }).toBuffer();
}

export type Variant = 'real' | 'degraded' | 'portrait';

export interface EmbedOutcome {
  /** engine.embed as detected, and embedPhotoFace (zoomed + mirrored); null without a face. */
  embedding: Embedding | null;
  photo?: Embedding;
  /** Face box height in the image as given (px). */
  height?: number;
  faces: number;
  note?: string;
}

export class EmbeddingCache {
  private readonly cache = new Map<string, Promise<EmbedOutcome>>();
  constructor(private readonly engine: FaceEngine, private readonly root: string) {}

  private readonly boxes = new Map<string, Promise<Box | null>>();

  get(rel: string, variant: Variant): Promise<EmbedOutcome> {
    const key = `${variant}:${rel}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(rel, variant);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** The largest face's box in the original image (for the portrait crop). */
  private box(rel: string, buf: Uint8Array): Promise<Box | null> {
    let hit = this.boxes.get(rel);
    if (!hit) {
      hit = faceBox(this.engine, buf);
      this.boxes.set(rel, hit);
    }
    return hit;
  }

  /** The image `rel` as `variant` gives it (bytes), or null when the portrait crop finds no face. */
  async image(rel: string, variant: Variant): Promise<Uint8Array | null> {
    const buf: Uint8Array = await readFile(join(this.root, rel));
    if (variant === 'degraded') return degrade(buf);
    if (variant === 'real') return buf;
    const box = await this.box(rel, buf);
    return box ? degradePortrait(buf, box) : null;
  }

  private async compute(rel: string, variant: Variant): Promise<EmbedOutcome> {
    const buf = await this.image(rel, variant);
    if (!buf) return { embedding: null, faces: 0, note: 'no face in the original' };
    const found = await detectForMatching(this.engine, await decodeImage(buf));
    // The data set is one person per image; on the rare extra (background) face take the largest.
    const face = largest(found.faces);
    if (!face) return { embedding: null, faces: 0, note: 'no face' };
    // Both descriptors faces/compare may use; pairDistances picks by the pair's face sizes.
    const [plain, photo] = await Promise.all([this.engine.embed(found.image, face), embedPhotoFace(this.engine, found.image, face)]);
    return { embedding: plain, photo, height: face.box.height / found.scale, faces: found.faces.length };
  }
}

/** The largest face's box in the original image coordinates, or null without a face. */
export async function faceBox(engine: FaceEngine, buf: Uint8Array): Promise<Box | null> {
  const found = await detectForMatching(engine, await decodeImage(buf));
  const face = largest(found.faces);
  if (!face) return null;
  const s = found.scale;
  return { x: (face.box.x - found.dx) / s, y: (face.box.y - found.dy) / s, width: face.box.width / s, height: face.box.height / s };
}

export interface PairDistance extends Pair { distance: number | null }

/** Distance per pair (side b in `variant`); null when a side had no face (counted as a reject by the caller). */
export async function pairDistances(pairs: Pair[], cache: EmbeddingCache, variant: Variant): Promise<PairDistance[]> {
  const out: PairDistance[] = [];
  for (const p of pairs) {
    const [ea, eb] = [await cache.get(p.a, 'real'), await cache.get(p.b, variant)];
    // faces/compare's rule (PAIR_ZOOM_BELOW_PX): both sides zoomed + mirrored when either face is small.
    const zoom = Math.min(ea.height ?? 0, eb.height ?? 0) < PAIR_ZOOM_BELOW_PX;
    const [x, y] = zoom ? [ea.photo, eb.photo] : [ea.embedding, eb.embedding];
    out.push({ ...p, distance: x && y ? euclidean(x, y) : null });
  }
  return out;
}
