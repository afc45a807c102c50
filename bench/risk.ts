// Risk benchmark: 1:N duplicate-face search (the FaceIndex adapter the server uses) at 10 k, 100 k
// and 1 M templates — latency p50/p99, build time, memory — and recall of true repeats on real
// faces at the decision threshold.
// Run: npm run bench:risk [-- --sizes 10000,100000]   (default 10 k, 100 k, 1 M)
//
// Synthetic templates are drawn per dimension from a normal distribution with the mean and spread
// of the real face-api descriptors (so distances between them look like distances between strangers);
// the real descriptors of ../shared/data/faces are added to every index and are the queries of the
// recall part. The template source is in memory: a production search adds one indexed
// `max(seq)` query on face_templates (sub-millisecond) before the index is asked.

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DISTANCE_AT_THRESHOLD } from '../src/domain/face-match.ts';
import { euclideanSq, type StoredTemplate, type TemplateSource } from '../src/duplicates/face-index.ts';
import { FACE_CANDIDATES } from '../src/duplicates/find-duplicates.ts';
import { TEMPLATE_DIMENSIONS as D } from '../src/duplicates/template-codec.ts';
import { createUsearchFaceIndex, EXACT_BELOW, HNSW } from '../src/duplicates/usearch-index.ts';
import { percentile } from './faces-metrics.ts';
import { type RealFace, realFaces } from './risk-faces.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const OUT = join(import.meta.dirname, 'out');
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');

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
 * gave a cloud far harder for a graph index than faces are (run 1 in the report).
 */
function synthetic(n: number, real: RealFace[], seed = 42): Float32Array {
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
function memorySource(real: RealFace[], synth: Float32Array): TemplateSource {
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

interface Truth { same: Set<number>; different: Set<number> }
/** Exact answer for every real query over the real faces (synthetic ones are strangers by construction). */
function exactTruth(real: RealFace[]): Truth[] {
  const limit = DISTANCE_AT_THRESHOLD ** 2;
  return real.map((q, i) => {
    const t: Truth = { same: new Set(), different: new Set() };
    real.forEach((r, j) => {
      if (i !== j && euclideanSq(q.embedding, r.embedding) < limit) (r.identity === q.identity ? t.same : t.different).add(j + 1);
    });
    return t;
  });
}

async function runSize(n: number, real: RealFace[], truth: Truth[], exactBelow?: number) {
  const synth = synthetic(n - real.length, real);
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-risk-'));
  const rss0 = process.memoryUsage().rss;
  const index = createUsearchFaceIndex({ dir, source: memorySource(real, synth), exactBelow });
  let t = performance.now();
  await index.sync('p');
  const buildMs = performance.now() - t;
  const stats = await index.stats('p');
  const rss = process.memoryUsage().rss;
  t = performance.now();
  await index.flush();
  const saveMs = performance.now() - t;
  // Queries: every real face, then synthetic strangers drawn from the same distribution (not stored).
  const strangers = synthetic(1000, real, 7); // another seed: strangers are not the stored ones
  const times: number[] = [];
  let withMate = 0, mateFound = 0, falseReal = 0, falseSynth = 0, strangersFlagged = 0;
  for (let q = 0; q < real.length + 1000; q++) {
    const v = q < real.length ? real[q]!.embedding : strangers.subarray((q - real.length) * D, (q - real.length + 1) * D);
    const s = performance.now();
    const hits = await index.search('p', v, { k: FACE_CANDIDATES, maxDistance: DISTANCE_AT_THRESHOLD });
    times.push(performance.now() - s);
    if (q >= real.length) {
      if (hits.length) strangersFlagged++;
      continue;
    }
    const others = hits.map((h) => h.seq).filter((seq) => seq !== q + 1);
    const me = real[q]!;
    if (truth[q]!.same.size) withMate++;
    if (others.some((seq) => seq <= real.length && real[seq - 1]!.identity === me.identity)) mateFound++;
    if (others.some((seq) => seq <= real.length && real[seq - 1]!.identity !== me.identity)) falseReal++;
    else if (others.some((seq) => seq > real.length)) falseSynth++;
  }
  console.log(`\n${n.toLocaleString('en')} templates (${stats.mode}${stats.mode === 'hnsw' ? ` M=${HNSW.connectivity} ef_add=${HNSW.expansion_add} ef_search=${HNSW.expansion_search}` : ''}), load average ${load()}`);
  console.log(`  build ${(buildMs / 1000).toFixed(1)} s, save ${(saveMs / 1000).toFixed(1)} s; RSS ${mb(rss)} (+${mb(rss - rss0)} for the index; synthetic source matrix ${mb(synth.byteLength)})`);
  console.log(`  search k=${FACE_CANDIDATES}: p50 ${percentile(times, 50).toFixed(2)} ms  p99 ${percentile(times, 99).toFixed(2)} ms  (${times.length} queries)`);
  console.log(`  real photos whose hits include their own person: ${mateFound}/${withMate} (exact truth: ${truth.filter((t) => t.same.size).length})`);
  console.log(`  real photos flagged with another person: ${falseReal} by a real photo, ${falseSynth} more only by synthetic strangers (of ${real.length})`);
  console.log(`  stranger queries (not stored) with any hit under the threshold: ${strangersFlagged}/1000`);
  await index.close();
  await rm(dir, { recursive: true, force: true });
}

async function main() {
  if (!existsSync(join(DATA, 'identities.csv'))) throw new Error(`${DATA}/identities.csv not found: bench:risk needs ../shared/data/faces`);
  const arg = process.argv.indexOf('--sizes');
  const sizes = arg > 0 ? process.argv[arg + 1]!.split(',').map(Number) : [10_000, 100_000, 1_000_000];
  console.log(`bench:risk on ${process.arch}, Node ${process.version}; load average at start ${load()} (2 cores shared with other work: timings scale with it)`);
  const real = await realFaces(DATA, OUT);
  const ids = new Map<string, number>();
  for (const r of real) ids.set(r.identity, (ids.get(r.identity) ?? 0) + 1);
  const truth = exactTruth(real);
  const samePairs = truth.reduce((s, t) => s + t.same.size, 0);
  const possibleSame = [...ids.values()].reduce((s, c) => s + c * (c - 1), 0);
  const possibleDiff = real.length * (real.length - 1) - possibleSame;
  const diffPairs = truth.reduce((s, t) => s + t.different.size, 0);
  const withMate = real.filter((r) => (ids.get(r.identity) ?? 0) > 1);
  const foundMate = real.filter((r, i) => (ids.get(r.identity) ?? 0) > 1 && truth[i]!.same.size > 0).length;
  const falseQ = truth.filter((t) => t.different.size > 0).length;
  console.log(`\nreal faces: ${real.length} photos embedded, ${ids.size} identities (${withMate.length} photos have another photo of the same person)`);
  console.log(`  at the decision threshold (distance ${DISTANCE_AT_THRESHOLD}), exact 1:N over the real photos:`);
  console.log(`  true repeats found: ${foundMate}/${withMate.length} photos (${((100 * foundMate) / withMate.length).toFixed(1)} %) find another photo of their person; ordered same-person pairs ${samePairs}/${possibleSame} (${((100 * samePairs) / possibleSame).toFixed(1)} %)`);
  console.log(`  false repeats: ${falseQ}/${real.length} photos find a different person; ordered different-person pairs ${diffPairs}/${possibleDiff} (${((100 * diffPairs) / possibleDiff).toFixed(3)} %)`);
  console.log(`  exact cutoff: projects under ${EXACT_BELOW.toLocaleString('en')} templates are scanned exhaustively`);
  // The exhaustive scan at the cutoff size: what a project just under it pays per search.
  await runSize(EXACT_BELOW, real, truth, Number.POSITIVE_INFINITY);
  for (const n of sizes) await runSize(n, real, truth);
  console.log('\nsignal computation time per session: not measured here (the network/device/referring signals are another branch, h10; not present in this one).');
  console.log(`load average at end ${load()}`);
}

await main();
