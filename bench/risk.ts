// Risk benchmark: the 1:N duplicate-face threshold (calibrated on one split of the real faces,
// reported on the other: bench/risk-threshold.ts), 1:N search with the FaceIndex adapter the server
// uses at 10 k, 100 k and 1 M templates (build, save and reload times, index file size, search
// p50/p99, memory), recall of true repeats on real faces at the threshold, and the time to compute
// one session's risk signals.
// Run: npm run bench:risk [-- --sizes 10000,100000] [--connectivity 16 --ef-add 64 --ef-search 64 --quantization f16]
//      [--no-signals]   (default sizes 10 k, 100 k, 1 M; graph parameters default to the adapter's HNSW)
//
// Synthetic templates have the mean and covariance of the real face-api descriptors (risk-synthetic.ts);
// the real descriptors of ../shared/data/faces are added to every index and are the queries of the
// recall part. The template source is in memory: a production search adds one indexed `max(seq)`
// query on face_templates (sub-millisecond) before the index is asked.

import { existsSync } from 'node:fs';
import { exactSearch, MetricKind } from 'usearch';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { euclideanSq } from '../src/duplicates/face-index.ts';
import { DUPLICATE_DISTANCE, FACE_CANDIDATES } from '../src/duplicates/find-duplicates.ts';
import { TEMPLATE_DIMENSIONS as D } from '../src/duplicates/template-codec.ts';
import { createUsearchFaceIndex, EXACT_BELOW, HNSW, type HnswParams } from '../src/duplicates/usearch-index.ts';
import { percentile } from './faces-metrics.ts';
import { type RealFace, realFaces } from './risk-faces.ts';
import { measureSignals } from './risk-signals.ts';
import { memorySource, synthetic } from './risk-synthetic.ts';
import { calibrateThreshold } from './risk-threshold.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const OUT = join(import.meta.dirname, 'out');
const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
const load = () => loadavg().map((v) => v.toFixed(1)).join(' ');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};

/**
 * How many real photos find a photo of their person among the exact k nearest of everything stored
 * (usearch's SIMD brute force): the ceiling for the graph, since a dense synthetic crowd can push a
 * true repeat out of the k nearest even in an exact search.
 */
function exactTopK(real: RealFace[], synth: Float32Array, mates: Array<Set<number>>): number {
  const all = new Float32Array(real.length * D + synth.length);
  real.forEach((r, i) => all.set(r.embedding, i * D));
  all.set(synth, real.length * D);
  const queries = new Float32Array(real.length * D);
  real.forEach((r, i) => queries.set(r.embedding, i * D));
  const m = exactSearch(all, queries, D, FACE_CANDIDATES, MetricKind.L2sq) as unknown as { keys: BigUint64Array; distances: Float32Array; k: number };
  let found = 0;
  for (let q = 0; q < real.length; q++) {
    const seqs = Array.from({ length: m.k }, (_, j) => j).filter((j) => m.distances[q * m.k + j]! < DUPLICATE_DISTANCE ** 2).map((j) => Number(m.keys[q * m.k + j]!) + 1);
    if (mates[q]!.size && seqs.some((s) => mates[q]!.has(s))) found++;
  }
  return found;
}

/** Photos (1-based seqs) with another photo of the same person under the threshold: the exact answer. */
function exactMates(real: RealFace[], t: number): Array<Set<number>> {
  return real.map((q, i) => new Set(real.flatMap((r, j) => (i !== j && r.identity === q.identity && euclideanSq(q.embedding, r.embedding) < t * t ? [j + 1] : []))));
}

async function runSize(n: number, real: RealFace[], mates: Array<Set<number>>, hnsw: HnswParams, exactBelow?: number) {
  const synth = synthetic(n - real.length, real);
  const strangers = synthetic(1000, real, 7); // another seed: queries of people not stored
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-risk-'));
  const source = memorySource(real, synth);
  const before = process.memoryUsage();
  let index = createUsearchFaceIndex({ dir, source, exactBelow, hnsw });
  let t = performance.now();
  await index.sync('p');
  const buildMs = performance.now() - t;
  const stats = await index.stats('p');
  const after = process.memoryUsage();
  t = performance.now();
  await index.flush();
  const saveMs = performance.now() - t;
  const file = await stat(join(dir, 'p.usearch')).then((s) => s.size).catch(() => 0);
  let reloadMs: number | null = null;
  if (stats.mode === 'hnsw') {
    // A restart: a new adapter over the same directory loads the saved graph instead of rebuilding.
    await index.close();
    index = createUsearchFaceIndex({ dir, source, exactBelow, hnsw });
    t = performance.now();
    await index.sync('p');
    reloadMs = performance.now() - t;
  }
  const times: number[] = [];
  let withMate = 0, mateFound = 0, strangersFlagged = 0;
  for (let q = 0; q < real.length + strangers.length / D; q++) {
    const v = q < real.length ? real[q]!.embedding : strangers.subarray((q - real.length) * D, (q - real.length + 1) * D);
    const s = performance.now();
    const hits = await index.search('p', v, { k: FACE_CANDIDATES, maxDistance: DUPLICATE_DISTANCE });
    times.push(performance.now() - s);
    if (q >= real.length) {
      if (hits.length) strangersFlagged++;
    } else if (mates[q]!.size) {
      withMate++;
      if (hits.some((h) => mates[q]!.has(h.seq))) mateFound++;
    }
  }
  const ceiling = exactTopK(real, synth, mates);
  const graph = stats.mode === 'hnsw' ? ` M=${hnsw.connectivity} ef_add=${hnsw.expansion_add} ef_search=${hnsw.expansion_search} ${hnsw.quantization}` : '';
  console.log(`\n${n.toLocaleString('en')} templates (${stats.mode}${graph}), load average ${load()}`);
  console.log(`  build ${(buildMs / 1000).toFixed(1)} s; save ${(saveMs / 1000).toFixed(1)} s (${mb(file)} file); reload after a restart ${reloadMs === null ? '–' : `${(reloadMs / 1000).toFixed(1)} s`}`);
  console.log(`  memory: RSS ${mb(after.rss)} (+${mb(after.rss - before.rss)} while building; synthetic source matrix ${mb(synth.byteLength)}), heap ${mb(after.heapUsed)}, off-heap ${mb(after.external + after.arrayBuffers)}; RSS after reload ${mb(process.memoryUsage().rss)}`);
  console.log(`  search k=${FACE_CANDIDATES} at distance ${DUPLICATE_DISTANCE}: p50 ${percentile(times, 50).toFixed(2)} ms  p99 ${percentile(times, 99).toFixed(2)} ms  (${times.length} queries)`);
  console.log(`  real photos finding another photo of their person among the ${FACE_CANDIDATES} hits: ${mateFound}/${withMate} (exact ${FACE_CANDIDATES} nearest: ${ceiling}/${withMate}; without synthetic crowd: ${withMate}/${withMate})`);
  console.log(`  stranger queries (not stored) with a hit under the threshold: ${strangersFlagged}/${strangers.length / D}`);
  await index.close();
  await rm(dir, { recursive: true, force: true });
}

async function main() {
  if (!existsSync(join(DATA, 'identities.csv'))) throw new Error(`${DATA}/identities.csv not found: bench:risk needs ../shared/data/faces`);
  const sizes = (arg('sizes') ?? '10000,100000,1000000').split(',').map(Number);
  const hnsw: HnswParams = {
    connectivity: Number(arg('connectivity') ?? HNSW.connectivity),
    expansion_add: Number(arg('ef-add') ?? HNSW.expansion_add),
    expansion_search: Number(arg('ef-search') ?? HNSW.expansion_search),
    quantization: (arg('quantization') ?? HNSW.quantization) as HnswParams['quantization'],
  };
  console.log(`bench:risk on ${process.arch}, Node ${process.version}; load average at start ${load()} (2 cores shared with other work: timings scale with it)`);
  const real = await realFaces(DATA, OUT);
  console.log(`real faces: ${real.length} photos embedded, ${new Set(real.map((r) => r.identity)).size} identities`);
  const { threshold } = calibrateThreshold(real, sizes);
  if (threshold !== DUPLICATE_DISTANCE) console.log(`  NOTE: the calibrated threshold ${threshold} differs from DUPLICATE_DISTANCE ${DUPLICATE_DISTANCE} (src/duplicates/find-duplicates.ts)`);
  const mates = exactMates(real, DUPLICATE_DISTANCE);
  console.log(`\nindex: projects under ${EXACT_BELOW.toLocaleString('en')} templates are scanned exhaustively; the scan at that size:`);
  await runSize(EXACT_BELOW, real, mates, hnsw, Number.POSITIVE_INFINITY);
  for (const n of sizes) await runSize(n, real, mates, hnsw);
  if (!process.argv.includes('--no-signals')) {
    const s = await measureSignals();
    console.log(`\nrisk signals per session (SQLite, ${s.list_entries.toLocaleString('en')} list entries, a referring session each time, ${s.sessions} sessions): p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms; IP databases load once per process ${s.database_load_ms} ms`);
  }
  console.log(`load average at end ${load()}`);
}

await main();
