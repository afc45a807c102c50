// Face benchmark: verification accuracy on real labelled pairs (and on a degraded "selfie vs ID
// photo" variant), latency of a compare and of each per-frame stage, and the face part of the
// pipeline on a generated 30 s video. Run: node --import tsx bench/faces.ts [--quick]
//   --quick: skip the pairs (latency + video only).

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { DISTANCE_AT_THRESHOLD, MATCH_THRESHOLD, scoreFromDistance } from '../src/domain/face-match.ts';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import type { FaceEngine } from '../src/engines/face/port.ts';
import { compareFaces } from '../src/verification/faces/compare-faces.ts';
import { headCrop, frame, PERSON_A_S1, PERSON_A_S3 } from '../test/unit/faces/helpers.ts';
import { eer, percentile, ratesAt, rocAuc, rocCurve, rocSvg, tarAtFar, type Scored } from './faces-metrics.ts';
import { EmbeddingCache, pairDistances, parsePairs, type Pair } from './faces-pairs.ts';
import { benchVideo } from './faces-video.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const OUT = join(import.meta.dirname, 'out');
const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

async function benchPairs(engine: FaceEngine, pairs: Pair[]): Promise<void> {
  const cache = new EmbeddingCache(engine, DATA);
  const series = [];
  for (const degraded of [false, true]) {
    const t = performance.now();
    const d = await pairDistances(pairs, cache, degraded);
    // A side without a face cannot be matched: score it as the worst possible (a reject).
    const items: Scored[] = d.map((p) => ({ score: p.distance === null ? Number.NEGATIVE_INFINITY : scoreFromDistance(p.distance) - p.distance * 1e-6, same: p.same }));
    const curve = rocCurve(items);
    const at = ratesAt(items, MATCH_THRESHOLD);
    const label = degraded ? 'one side degraded (200 px, blur, JPEG q30)' : 'real pairs';
    console.log(`\n[${label}] ${pairs.length} pairs (${at.P} same / ${at.N} different), ${d.filter((x) => x.distance === null).length} pairs with no face on a side, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    console.log(`  ROC AUC ${rocAuc(items).toFixed(5)}   EER ${pct(eer(curve))}`);
    console.log(`  TAR @ FAR 1 %   ${pct(tarAtFar(curve, 0.01).tar)}`);
    console.log(`  TAR @ FAR 0.1 % ${pct(tarAtFar(curve, 0.001).tar)}  (0.1 % of ${at.N} impostors < 1 pair: this is TAR at zero false accepts)`);
    console.log(`  at the threshold (score ${MATCH_THRESHOLD} = distance ${DISTANCE_AT_THRESHOLD}): FAR ${pct(at.far)} (${at.fa}/${at.N})  FRR ${pct(at.frr)} (${at.fr}/${at.P})`);
    series.push({ name: `${label}: AUC ${rocAuc(items).toFixed(4)}`, colour: degraded ? '#d62728' : '#1f77b4', curve });
  }
  await mkdir(OUT, { recursive: true });
  const png = await sharp(Buffer.from(rocSvg(series, 'vkyc faces: face-api ResNet-34 on pairs.csv (834 pairs)'))).png().toBuffer();
  await writeFile(join(OUT, 'faces-roc.png'), png);
  console.log(`  ROC plot: ${join(OUT, 'faces-roc.png')}`);
}

async function benchCompare(engine: FaceEngine, inputs: Array<[Uint8Array, Uint8Array]>): Promise<void> {
  const ms: number[] = [];
  const cpu0 = process.cpuUsage();
  for (const [a, b] of inputs) {
    const t = performance.now();
    await compareFaces(engine, a, b).catch(() => undefined); // timing only; errors are part of the cost
    ms.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  console.log(`\n[compare] ${ms.length} compares of real photos (decode + 2×(detect/mesh + embed)): p50 ${percentile(ms, 50).toFixed(0)} ms, p95 ${percentile(ms, 95).toFixed(0)} ms wall; mean ${((cpu.user + cpu.system) / 1000 / ms.length).toFixed(0)} ms CPU`);
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
  if (face) console.log(`  embed (align + 2 descriptors)  ${await time(() => engine.embed(img, face))}`);
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const engine = createFaceEngine();
  let t = performance.now();
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
  await benchCompare(engine, inputs);
  await benchStages(engine);
  t = performance.now();
  const v = await benchVideo(engine, await headCrop(1, PERSON_A_S1, 720, 0.9));
  console.log(`\n[video] 30 s 640×480 clip: ${v.frames} frames analysed (${v.meshed} with mesh)`);
  console.log(`  ffmpeg: generate ${v.ffmpegGenerateMs.toFixed(0)} ms, extract ${v.ffmpegExtractMs.toFixed(0)} ms`);
  console.log(`  face part: decode ${v.decodeMs.toFixed(0)} ms + analyse ${v.analyzeMs.toFixed(0)} ms + track/identity ${v.trackMs.toFixed(0)} ms = ${v.totalFaceMs.toFixed(0)} ms wall, ${v.totalFaceCpuMs.toFixed(0)} ms CPU`);
  console.log(`  result: reasons ${JSON.stringify(v.reasons)}, best frames ${v.best}, passive liveness ${v.passive} (weak signal)`);
  console.log(`load average at end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

await main();
