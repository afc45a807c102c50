// Face benchmark: verification accuracy on real labelled pairs (and on degraded "selfie vs ID
// photo" variants), latency of a compare and of each per-frame stage. The face part of the
// pipeline on a 30 s video is measured by bench/pipeline.ts (npm run bench:pipeline).
// Run: npm run bench:faces [-- --quick]   (--quick: skip the pairs, latency only)
//      FACES_DUMP=dir npm run bench:faces saves the pair distances; npm run bench:faces -- --distances dir
//      judges saved ones again (the figures of an older commit, without re-running its models).

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DISTANCE_AT_THRESHOLD, MATCH_THRESHOLD, scoreFromDistance } from '../src/domain/face-match.ts';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import type { FaceEngine } from '../src/engines/face/port.ts';
import { compareFaces } from '../src/faces/compare-faces.ts';
import { headCrop, frame, PERSON_A_S1, PERSON_A_S3 } from '../test/unit/faces/helpers.ts';
import { eer, percentile, ratesAt, rocAuc, rocCurve, rocSvg, tarAtFar, type Scored } from './faces-metrics.ts';
import { EmbeddingCache, pairDistances, parsePairs, type Pair, type PairDistance, type Variant } from './faces-pairs.ts';
import { folds, identitySplit, SPLIT_NAME, type Side } from './faces-split.ts';
import { createFaceEnginePool } from '../src/engines/face/worker-pool.ts';
import { loadConfig } from '../src/config/config.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const OUT = join(import.meta.dirname, 'out');
const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

async function benchPairs(engine: FaceEngine, pairs: Pair[], split: Map<string, Side>): Promise<void> {
  const cache = new EmbeddingCache(engine, DATA);
  const series = [];
  for (const variant of VARIANTS) {
    const t = performance.now();
    const d = await pairDistances(pairs, cache, variant);
    if (process.env.FACES_DUMP) await writeFile(join(process.env.FACES_DUMP, `faces-distances-${variant}.json`), JSON.stringify(d));
    series.push(reportVariant(variant, d, split, (performance.now() - t) / 1000));
  }
  await mkdir(OUT, { recursive: true });
  const png = await sharp(Buffer.from(rocSvg(series, `vkyc faces: face-api ResNet-34 on pairs.csv (${pairs.length} pairs)`))).png().toBuffer();
  await writeFile(join(OUT, 'faces-roc.png'), png);
  console.log(`  ROC plot: ${join(OUT, 'faces-roc.png')}`);
}

const VARIANTS = ['real', 'degraded', 'portrait'] as const;
const LABELS = { real: 'real pairs', degraded: 'one side degraded (whole image to 200 px, blur, JPEG q30)', portrait: 'one side an ID-like portrait (head crop to 200 px, blur, JPEG q30)' } as const;
const COLOURS = { real: '#1f77b4', degraded: '#d62728', portrait: '#2ca02c' } as const;

/** Prints one variant's figures: all pairs (in-sample), then the two calibration/report folds. */
function reportVariant(variant: Variant, d: PairDistance[], split: Map<string, Side>, seconds: number) {
  // A side without a face cannot be matched: score it as the worst possible (a reject).
  const items = d.map((p) => ({ a: p.a, b: p.b, score: p.distance === null ? Number.NEGATIVE_INFINITY : scoreFromDistance(p.distance) - p.distance * 1e-6, same: p.same }));
  const curve = rocCurve(items);
  const at = ratesAt(items, MATCH_THRESHOLD);
  const label = LABELS[variant];
  console.log(`\n[${label}] ${d.length} pairs (${at.P} same / ${at.N} different), ${d.filter((x) => x.distance === null).length} pairs with no face on a side, ${seconds.toFixed(1)} s`);
  console.log(`  all pairs (in-sample): ROC AUC ${rocAuc(items).toFixed(5)}   EER ${pct(eer(curve))}   TAR @ FAR 1 % ${pct(tarAtFar(curve, 0.01).tar)}   TAR @ FAR 0.1 % ${pct(tarAtFar(curve, 0.001).tar)} (= at zero false accepts)`);
  console.log(`  at the product threshold (score ${MATCH_THRESHOLD} = distance ${DISTANCE_AT_THRESHOLD}): FAR ${pct(at.far)} (${at.fa}/${at.N})  FRR ${pct(at.frr)} (${at.fr}/${at.P})`);
  // Calibration table: where the threshold distance would put FAR/FRR (domain/face-match.ts).
  const table = [0.54, 0.56, 0.58, 0.6, 0.62].map((dist) => {
    const r = ratesAt(items, scoreFromDistance(dist) - dist * 1e-6);
    return `${dist.toFixed(2)}: FAR ${pct(r.far)} FRR ${pct(r.frr)}`;
  });
  console.log(`  by distance: ${table.join(' | ')}`);
  console.log(`  split ${SPLIT_NAME}: threshold for FAR ≤ 0.1 % fitted on one side, TAR/FAR on every other pair`);
  for (const f of folds(items, split, 0.001)) {
    const dist = distanceFromScore(f.threshold);
    console.log(`    calibrated on ${f.calibratedOn} (${f.calibration.P} same / ${f.calibration.N} different) → distance < ${dist.toFixed(4)}; on the ${f.report.P} same / ${f.report.N} different pairs not calibrated on: TAR ${pct(f.report.tar)}  FAR ${pct(f.report.far)} (${f.report.fa}/${f.report.N})  AUC ${f.report.auc.toFixed(5)}  their own ROC: TAR @ FAR 0.1 % ${pct(f.report.rocTar)}`);
    const misses = f.misses.map((m) => `${m.a}~${m.b} (${Number.isFinite(m.score) ? `d ${distanceFromScore(m.score).toFixed(3)}` : 'no face'})`);
    if (misses.length) console.log(`      rejected genuine: ${misses.join(', ')}`);
  }
  return { name: `${label}: AUC ${rocAuc(items).toFixed(4)}`, colour: COLOURS[variant], curve };
}

/** Inverse of domain/face-match.ts scoreFromDistance (for printing thresholds as distances). */
function distanceFromScore(score: number): number {
  let lo = 0, hi = 2;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (scoreFromDistance(mid) - mid * 1e-6 > score) lo = mid; else hi = mid;
  }
  return (lo + hi) / 2;
}

async function benchCompare(engine: FaceEngine, inputs: Array<[Uint8Array, Uint8Array]>, workers: number): Promise<void> {
  const ms: number[] = [];
  await compareFaces(engine, inputs[0]![0], inputs[0]![1]).catch(() => undefined); // warm-up
  const cpu0 = process.cpuUsage();
  for (const [a, b] of inputs) {
    const t = performance.now();
    await compareFaces(engine, a, b).catch(() => undefined); // timing only; errors are part of the cost
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`\n[compare] ${ms.length} compares of real photos (decode + 2×(detect/mesh + embed)), ${workers} face worker(s): p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms wall; mean ${((cpu.user + cpu.system) / 1000 / ms.length).toFixed(0)} ms CPU`);
}

async function benchStages(engine: FaceEngine): Promise<void> {
  const img = await frame([{ img: await headCrop(1, PERSON_A_S1, 300), x: 170, y: 90 }]);
  const time = async (fn: () => Promise<unknown>) => {
    const ms: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < 10; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    const cpu = process.cpuUsage(cpu0);
    return `${percentile(ms, 50).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 10000).toFixed(0)} ms CPU`;
  };
  const face = (await engine.detect(img))[0];
  console.log('\n[per frame, 640×480, median of 10]');
  console.log(`  detector only                  ${await time(() => engine.detect(img, { mesh: false }))}`);
  console.log(`  detector + mesh/iris/emotion   ${await time(() => engine.detect(img, { mesh: true }))}`);
  console.log(`  … + antispoof + liveness       ${await time(() => engine.detect(img, { mesh: true, antispoof: true }))}`);
  if (face) {
    console.log(`  embed (align + descriptor)     ${await time(() => engine.embed(img, face))}`);
    console.log(`  embed, augmented (+ mirrored)  ${await time(() => engine.embed(img, face, { augment: true }))}`);
  }
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const split = existsSync(join(DATA, 'identities.csv')) ? identitySplit(await readFile(join(DATA, 'identities.csv'), 'utf8')) : new Map<string, Side>();
  const saved = process.argv.indexOf('--distances');
  if (saved > 0) {
    // Re-judges distances a run saved with FACES_DUMP=dir (e.g. the code before a change).
    const dir = process.argv[saved + 1] ?? '.';
    for (const variant of VARIANTS) {
      const file = join(dir, `faces-distances-${variant}.json`);
      if (existsSync(file)) reportVariant(variant, JSON.parse(await readFile(file, 'utf8')) as PairDistance[], split, 0);
    }
    return;
  }
  // FACE_RUNTIME=tfjs measures the face models on tfjs WASM (before/after the onnxruntime change).
  const config = loadConfig(process.env);
  const engineOptions = { runtime: config.FACE_RUNTIME };
  const engine = createFaceEngine(engineOptions);
  const t = performance.now();
  await engine.init();
  console.log(`models loaded in ${(performance.now() - t).toFixed(0)} ms; ${JSON.stringify(engine.info())}`);
  console.log(`load average at start: ${loadavg().map((v) => v.toFixed(1)).join(' ')} (2 cores; timings scale with it)`);
  if (!existsSync(join(DATA, 'pairs.csv'))) {
    console.log(`\n${DATA}/pairs.csv not found: skipping the accuracy part (it needs ../shared/data).`);
  } else if (!quick) {
    if (!existsSync(join(DATA, 'identities.csv'))) throw new Error(`${DATA}/identities.csv is missing: the calibration/report split needs it`);
    await benchPairs(engine, parsePairs(await readFile(join(DATA, 'pairs.csv'), 'utf8')), split);
  }
  const inputs: Array<[Uint8Array, Uint8Array]> = [];
  if (existsSync(join(DATA, 'pairs.csv'))) {
    // Real photos of assorted sizes (the first 16 pairs of pairs.csv), read fresh: no caching.
    const pairs = parsePairs(await readFile(join(DATA, 'pairs.csv'), 'utf8')).filter((_, i) => i % 50 === 0).slice(0, 16);
    for (const p of pairs) inputs.push([await readFile(join(DATA, p.a)), await readFile(join(DATA, p.b))]);
  } else {
    for (let i = 0; i < 8; i++) inputs.push([await headCrop(1, PERSON_A_S1, 480), await headCrop(3, PERSON_A_S3, 480)]);
  }
  // Compare runs on the engine the server uses: FACE_WORKERS threads (default one per core, ≤ 4).
  const workers = config.FACE_WORKERS;
  const served = workers > 0 ? createFaceEnginePool({ size: workers, engine: engineOptions }) : engine;
  await served.init();
  await benchCompare(served, inputs, workers);
  await (served as { close?(): Promise<void> }).close?.();
  await benchStages(engine);
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

await main();
