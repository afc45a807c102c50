// Real face descriptors for bench:risk: every photo of ../shared/data/faces/identities.csv embedded
// with the product's face engine (same detection and embedding path as bench:faces), cached in
// bench/out so a second run does not embed again.

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { EmbeddingCache } from './faces-pairs.ts';

export interface RealFace { file: string; identity: string; embedding: Float32Array }

export async function realFaces(dataDir: string, outDir: string): Promise<RealFace[]> {
  const cacheFile = join(outDir, 'risk-real-embeddings.json');
  if (existsSync(cacheFile)) {
    const rows = JSON.parse(await readFile(cacheFile, 'utf8')) as Array<{ file: string; identity: string; embedding: number[] }>;
    return rows.map((r) => ({ ...r, embedding: Float32Array.from(r.embedding) }));
  }
  const lines = (await readFile(join(dataDir, 'identities.csv'), 'utf8')).trim().split('\n').slice(1);
  const engine = createFaceEngine();
  await engine.init();
  const cache = new EmbeddingCache(engine, dataDir);
  const out: RealFace[] = [];
  for (const line of lines) {
    const [file, identity] = line.split(',');
    if (!file || !identity) continue;
    const e = await cache.get(file, 'real');
    if (e.embedding) out.push({ file, identity, embedding: e.embedding });
  }
  await mkdir(outDir, { recursive: true });
  await writeFile(cacheFile, JSON.stringify(out.map((r) => ({ ...r, embedding: [...r.embedding] }))));
  return out;
}
