// Pair evaluation for bench/faces.ts: embeds every image of pairs.csv once (cached per run), and
// optionally a degraded copy ("selfie vs ID photo": ~200 px, slight blur, JPEG q30).

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { euclidean } from '../src/domain/face-match.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import type { Embedding, FaceEngine } from '../src/engines/face/port.ts';
import { detectForMatching } from '../src/verification/faces/face-for-matching.ts';

export interface Pair { a: string; b: string; same: boolean }

export function parsePairs(csv: string): Pair[] {
  return csv.trim().split('\n').slice(1).map((line) => {
    const [a, b, same] = line.split(',');
    if (!a || !b || (same !== '0' && same !== '1')) throw new Error(`bad pairs.csv line: ${line}`);
    return { a, b, same: same === '1' };
  });
}

/** Degradation used for the "selfie vs ID photo" run. */
export async function degrade(buf: Uint8Array): Promise<Buffer> {
  return sharp(buf).rotate().resize({ width: 200, height: 200, fit: 'inside', withoutEnlargement: true }).blur(0.8).jpeg({ quality: 30 }).toBuffer();
}

export interface EmbedOutcome { embedding: Embedding | null; faces: number; note?: string }

export class EmbeddingCache {
  private readonly cache = new Map<string, Promise<EmbedOutcome>>();
  constructor(private readonly engine: FaceEngine, private readonly root: string) {}

  get(rel: string, degraded: boolean): Promise<EmbedOutcome> {
    const key = `${degraded ? 'D' : 'R'}:${rel}`;
    let hit = this.cache.get(key);
    if (!hit) {
      hit = this.compute(rel, degraded);
      this.cache.set(key, hit);
    }
    return hit;
  }

  private async compute(rel: string, degraded: boolean): Promise<EmbedOutcome> {
    let buf: Uint8Array = await readFile(join(this.root, rel));
    if (degraded) buf = await degrade(buf);
    const found = await detectForMatching(this.engine, await decodeImage(buf));
    // The data set is one person per image; on the rare extra (background) face take the largest.
    const face = [...found.faces].sort((x, y) => y.box.height - x.box.height)[0];
    if (!face) return { embedding: null, faces: 0, note: 'no face' };
    return { embedding: await this.engine.embed(found.image, face), faces: found.faces.length };
  }
}

export interface PairDistance extends Pair { distance: number | null }

/** Distance per pair; null when a side had no face (counted as a reject by the caller). */
export async function pairDistances(pairs: Pair[], cache: EmbeddingCache, degradeB: boolean): Promise<PairDistance[]> {
  const out: PairDistance[] = [];
  for (const p of pairs) {
    const [ea, eb] = [await cache.get(p.a, false), await cache.get(p.b, degradeB)];
    out.push({ ...p, distance: ea.embedding && eb.embedding ? euclidean(ea.embedding, eb.embedding) : null });
  }
  return out;
}
