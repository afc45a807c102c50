// Synthetic face templates for bench:risk: deterministic draws with the mean and full covariance of
// the real face-api descriptors, and an in-memory TemplateSource over real + synthetic templates.

import type { StoredTemplate, TemplateSource } from '../src/duplicates/face-index.ts';
import { TEMPLATE_DIMENSIONS as D } from '../src/duplicates/template-codec.ts';
import type { RealFace } from './risk-faces.ts';

/** Deterministic normal draws (Box–Muller over a small LCG): the same synthetic set on every run. */
function gaussian(seed: number) {
  let s = seed >>> 0;
  const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
}

/**
 * Synthetic descriptors with the mean and full covariance of the real ones: each is the mean plus a
 * random Gaussian combination of the centred real descriptors (scaled by 1/sqrt(n-1)). A first
 * version drew every dimension independently; that ignores how correlated face descriptors are and
 * gave a cloud far harder for a graph index than faces are (run 1 in docs/duplicate-faces.md).
 */
export function synthetic(n: number, real: RealFace[], seed = 42): Float32Array {
  const mean = new Float64Array(D);
  for (const r of real) for (let i = 0; i < D; i++) mean[i]! += r.embedding[i]! / real.length;
  const centred = real.map((r) => Float64Array.from(r.embedding, (x, i) => (x - mean[i]!) / Math.sqrt(real.length - 1)));
  const g = gaussian(seed);
  const out = new Float32Array(n * D);
  const v = new Float64Array(D);
  for (let k = 0; k < n; k++) {
    v.set(mean);
    for (const c of centred) {
      const z = g();
      for (let i = 0; i < D; i++) v[i]! += z * c[i]!;
    }
    out.set(v, k * D);
  }
  return out;
}

/** seq 1..real.length: the real faces; after them the synthetic ones. */
export function memorySource(real: RealFace[], synth: Float32Array): TemplateSource {
  const total = real.length + synth.length / D;
  const at = (seq: number): Float32Array => (seq <= real.length ? real[seq - 1]!.embedding : synth.subarray((seq - real.length - 1) * D, (seq - real.length) * D));
  return {
    maxSeq: async () => total,
    since: async (_p, after, limit) => {
      const rows: StoredTemplate[] = [];
      for (let seq = after + 1; seq <= Math.min(total, after + limit); seq++) rows.push({ seq, template: at(seq) });
      return rows;
    },
  };
}
