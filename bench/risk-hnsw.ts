// HNSW parameter sweep for the duplicate-face index: build CPU time (user + sys of every usearch
// thread, which does not depend on how loaded the machine is), wall time, recall@10 against exact
// search for 200 stranger queries, and search CPU per query, on synthetic face templates
// (risk-synthetic.ts) — the numbers behind HNSW in src/duplicates/usearch-index.ts.
// Run: node --import tsx bench/risk-hnsw.ts [templates=30000] [M,ef_add,ef_search,f32|f16 ...]

import { join } from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { euclideanSq } from '../src/duplicates/face-index.ts';
import { TEMPLATE_DIMENSIONS as D } from '../src/duplicates/template-codec.ts';
import { realFaces } from './risk-faces.ts';
import { synthetic } from './risk-synthetic.ts';

const N = Number(process.argv[2] ?? 30_000);
const variants = process.argv.length > 3 ? process.argv.slice(3) : ['16,128,64,f32', '16,64,64,f32', '16,64,64,f16', '16,64,128,f16', '12,40,128,f16', '8,32,128,f16'];
const QUERIES = 200;
const K = 10;

const real = await realFaces(join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces'), join(import.meta.dirname, 'out'));
const data = synthetic(N, real);
const queries = synthetic(QUERIES, real, 7);
const truth = Array.from({ length: QUERIES }, (_, q) => {
  const v = queries.subarray(q * D, (q + 1) * D);
  const ds = Array.from({ length: N }, (_, i) => [euclideanSq(v, data, i * D), i] as const).sort((a, b) => a[0] - b[0]);
  return new Set(ds.slice(0, K).map((x) => x[1]));
});
for (const v of variants) {
  const [m, efAdd, efSearch, q] = v.split(',');
  const index = new Index({ dimensions: D, metric: MetricKind.L2sq, quantization: q === 'f16' ? ScalarKind.F16 : ScalarKind.F32, multi: false, connectivity: Number(m), expansion_add: Number(efAdd), expansion_search: Number(efSearch) });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  // Chunks of 1 000, as the adapter adds them.
  for (let i = 0; i < N; i += 1000) {
    const n = Math.min(1000, N - i);
    index.add(BigUint64Array.from({ length: n }, (_, k) => BigInt(i + k)), data.subarray(i * D, (i + n) * D));
  }
  const build = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  let found = 0;
  const cpu1 = process.cpuUsage();
  for (let qi = 0; qi < QUERIES; qi++) {
    const got = index.search(queries.subarray(qi * D, (qi + 1) * D), K, 1);
    for (const key of got.keys) if (truth[qi]!.has(Number(key))) found++;
  }
  const search = process.cpuUsage(cpu1);
  console.log(JSON.stringify({ templates: N, M: Number(m), ef_add: Number(efAdd), ef_search: Number(efSearch), quantization: q, build_cpu_s: +((build.user + build.system) / 1e6).toFixed(1), build_wall_s: +(wall / 1000).toFixed(1), recall_at_10: +(found / (QUERIES * K)).toFixed(3), search_cpu_ms: +((search.user + search.system) / 1e3 / QUERIES).toFixed(3) }));
}
