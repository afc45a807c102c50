// Face benchmark: verification accuracy on real labelled pairs (and on degraded "selfie vs ID
// photo" variants), latency of a compare and of each per-frame stage. The face part of the
// pipeline on a 30 s video is measured by bench/pipeline.ts (npm run bench:pipeline).
// Run: npm run bench:faces [-- --quick]   (--quick: skip the pairs, latency only)

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
import { EmbeddingCache, pairDistances, parsePairs, type Pair } from './faces-pairs.ts';
import { createFaceEnginePool } from '../src/engines/face/worker-pool.ts';
import { loadConfig } from '../src/config/config.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const OUT = join(import.meta.dirname, 'out');
const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

async function benchPairs(engine: FaceEngine, pairs: Pair[]): Promise<void> {
  const cache = new EmbeddingCache(engine, DATA);
  const series = [];
  const labels = { real: 'real pairs', degraded: 'one side degraded (whole image to 200 px, blur, JPEG q30)', portrait: 'one side an ID-like portrait (head crop to 200 px, blur, JPEG q30)' } as const;
  const colours = { real: '#1f77b4', degraded: '#d62728', portrait: '#2ca02c' } as const;
  for (const variant of ['real', 'degraded', 'portrait'] as const) {
    const t = performance.now();
    const d = await pairDistances(pairs, cache, variant);
    // A side without a face cannot be matched: score it as the worst possible (a reject).
    const items: Scored[] = d.map((p) => ({ score: p.distance === null ? Number.NEGATIVE_INFINITY : scoreFromDistance(p.distance) - p.distance * 1e-6, same: p.same }));
    const curve = rocCurve(items);
    const at = ratesAt(items, MATCH_THRESHOLD);
    const label = labels[variant];
    console.log(`\n[${label}] ${pairs.length} pairs (${at.P} same / ${at.N} different), ${d.filter((x) => x.distance === null).length} pairs with no face on a side, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    console.log(`  ROC AUC ${rocAuc(items).toFixed(5)}   EER ${pct(eer(curve))}`);
    console.log(`  TAR @ FAR 1 %   ${pct(tarAtFar(curve, 0.01).tar)}`);
    console.log(`  TAR @ FAR 0.1 % ${pct(tarAtFar(curve, 0.001).tar)}  (0.1 % of ${at.N} impostors < 1 pair: this is TAR at zero false accepts)`);
    console.log(`  at the threshold (score ${MATCH_THRESHOLD} = distance ${DISTANCE_AT_THRESHOLD}): FAR ${pct(at.far)} (${at.fa}/${at.N})  FRR ${pct(at.frr)} (${at.fr}/${at.P})`);
    // Calibration table: where the threshold distance would put FAR/FRR (domain/face-match.ts).
    const table = [0.54, 0.56, 0.58, 0.6, 0.62].map((dist) => {
      const r = ratesAt(items, scoreFromDistance(dist) - dist * 1e-6);
      return `${dist.toFixed(2)}: FAR ${pct(r.far)} FRR ${pct(r.frr)}`;
    });
    console.log(`  by distance: ${table.join(' | ')}`);
    series.push({ name: `${label}: AUC ${rocAuc(items).toFixed(4)}`, colour: colours[variant], curve });
  }
  await mkdir(OUT, { recursive: true });
  const png = await sharp(Buffer.from(rocSvg(series, 'vkyc faces: face-api ResNet-34 on pairs.csv (834 pairs)'))).png().toBuffer();
  await writeFile(join(OUT, 'faces-roc.png'), png);
  console.log(`  ROC plot: ${join(OUT, 'faces-roc.png')}`);
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
  const engine = createFaceEngine();
  const t = performance.now();
  await engine.init();
  console.log(`models loaded in ${(performance.now() - t).toFixed(0)} ms; ${JSON.stringify(engine.info())}`);
  console.log(`load average at start: ${loadavg().map((v) => v.toFixed(1)).join(' ')} (2 cores; timings scale with it)`);
  if (!existsSync(join(DATA, 'pairs.csv'))) {
    console.log(`\n${DATA}/pairs.csv not found: skipping the accuracy part (it needs ../shared/data).`);
  } else if (!quick) {
    await benchPairs(engine, parsePairs(await readFile(join(DATA, 'pairs.csv'), 'utf8')));
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
  const workers = loadConfig(process.env).FACE_WORKERS;
  const served = workers > 0 ? createFaceEnginePool({ size: workers }) : engine;
  await served.init();
  await benchCompare(served, inputs, workers);
  await (served as { close?(): Promise<void> }).close?.();
  await benchStages(engine);
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

await main();
