// Which descriptor recipe for photo-to-photo matching (faces/compare), chosen on one side of the
// identity split and reported on the other (bench/faces-split.ts), in both directions.
//
// Every image of pairs.csv (as is, degraded, ID portrait) is embedded once per *component*: the
// face as detected ("plain") or detected again on a zoomed crop ("zoom", zoomOnFace), its five
// alignment points jittered (scale, shift, rotation: other crops of the same face) or not, the chip
// as is ("d") or mirrored ("m"). A recipe averages some components, optionally only for pairs with
// a face under a size gate (both sides alike, as faces/compare does). Descriptors are cached, so
// judging recipes costs no model time.
// Run: npm run bench:faces-recipes -- --embed /tmp/dir   (models: ~10 min on 2 workers)
//      npm run bench:faces-recipes -- /tmp/dir           (judge only)

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DISTANCE_AT_THRESHOLD, euclidean } from '../src/domain/face-match.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import type { DetectedFace, FaceEngine, RgbImage } from '../src/engines/face/port.ts';
import { createFaceEnginePool } from '../src/engines/face/worker-pool.ts';
import { detectForMatching, largest, PAIR_ZOOM_BELOW_PX, zoomOnFace } from '../src/faces/face-for-matching.ts';
import { jitterFace, JITTERS } from './face-jitter.ts';
import { ratesAt, rocAuc, rocCurve, tarAtFar } from './faces-metrics.ts';
import { EmbeddingCache, parsePairs, type Pair, type Variant } from './faces-pairs.ts';
import { identitySplit, SPLIT_NAME, type Side } from './faces-split.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const VARIANTS: Variant[] = ['real', 'portrait', 'degraded'];
/** FACES_RECIPES_JITTERS=id,scale0.93 embeds only those crops (a quicker run). */
const ONLY = process.env.FACES_RECIPES_JITTERS?.split(',');

/** Per image: face height (px in the image as given) and descriptor per component key. */
interface Embedded { height: number; d: Record<string, number[]> }
type Store = Record<string, Embedded | null>;

async function embedAll(dir: string, pairs: Pair[]): Promise<void> {
  const engine = createFaceEnginePool({ size: Number(process.env.FACE_WORKERS ?? 2) });
  await engine.init();
  const cache = new EmbeddingCache(engine, DATA);
  const images = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  await mkdir(dir, { recursive: true });
  for (const variant of VARIANTS) {
    const file = join(dir, `recipes-${variant}.json`);
    if (existsSync(file)) continue;
    const store: Store = {};
    const t = performance.now();
    // Two images in flight keep both workers busy.
    for (let i = 0; i < images.length; i += 2) {
      await Promise.all(images.slice(i, i + 2).map(async (rel) => {
        const buf = await cache.image(rel, variant);
        store[rel] = buf ? await components(engine, await decodeImage(buf)) : null;
      }));
      if (i % 20 === 0) console.log(`  ${variant}: ${i}/${images.length}`);
    }
    await writeFile(file, JSON.stringify(store));
    console.log(`${variant}: ${images.length} images embedded in ${((performance.now() - t) / 1000).toFixed(0)} s`);
  }
  await engine.close();
}

async function components(engine: FaceEngine, original: RgbImage): Promise<Embedded | null> {
  const found = await detectForMatching(engine, original);
  const face = largest(found.faces);
  if (!face) return null;
  const zoomed = await zoomOnFace(engine, found.image, face, Number.POSITIVE_INFINITY);
  const out: Record<string, number[]> = {};
  const bases: Array<[string, RgbImage, DetectedFace]> = [['plain', found.image, face], ['zoom', zoomed.image, zoomed.face]];
  await Promise.all(bases.flatMap(([base, image, f]) => JITTERS.filter((j) => !ONLY || ONLY.includes(j.name)).map(async (j) => {
    const g = jitterFace(f, j);
    const [direct, both] = await Promise.all([engine.embed(image, g), engine.embed(image, g, { augment: true })]);
    out[`${base}:${j.name}:d`] = [...direct];
    out[`${base}:${j.name}:m`] = [...both].map((v, i) => 2 * v - (direct[i] ?? 0)); // augment = mean(direct, mirrored)
  })));
  return { height: face.box.height / found.scale, d: out };
}

// ---- judging -------------------------------------------------------------------------------

interface Recipe { name: string; keys: string[]; gate: number }

/** Recipes over the crops present in `sample` (an embedded image's components). */
function recipes(sample: Embedded): Recipe[] {
  const all = JITTERS.map((j) => j.name).filter((n) => `zoom:${n}:d` in sample.d);
  const scales = all.filter((n) => n === 'id' || n.startsWith('scale'));
  const shifts = all.filter((n) => n === 'id' || n.startsWith('shift'));
  const rots = all.filter((n) => n === 'id' || n.startsWith('rot'));
  const keys = (bases: string[], js: string[], ms: string[]) => bases.flatMap((b) => js.flatMap((j) => ms.map((m) => `${b}:${j}:${m}`)));
  const sets: Array<[string, string[]]> = [
    ['plain', keys(['plain'], ['id'], ['d'])],
    ['plain+mirror', keys(['plain'], ['id'], ['d', 'm'])],
    ['zoom+mirror', keys(['zoom'], ['id'], ['d', 'm'])],
    ['plain&zoom+mirror', keys(['plain', 'zoom'], ['id'], ['d', 'm'])],
    ['zoom scales+mirror', keys(['zoom'], scales, ['d', 'm'])],
    ['zoom shifts+mirror', keys(['zoom'], shifts, ['d', 'm'])],
    ['zoom rotations+mirror', keys(['zoom'], rots, ['d', 'm'])],
    ['zoom all jitter+mirror', keys(['zoom'], all, ['d', 'm'])],
    ['plain&zoom scales+mirror', keys(['plain', 'zoom'], scales, ['d', 'm'])],
    ['plain&zoom all jitter+mirror', keys(['plain', 'zoom'], all, ['d', 'm'])],
    ['plain all jitter+mirror', keys(['plain'], all, ['d', 'm'])],
    ['zoom shifts', keys(['zoom'], shifts, ['d'])],
    ['zoom all jitter', keys(['zoom'], all, ['d'])],
    ['zoom vertical shifts+mirror', keys(['zoom'], shifts.filter((n) => !/shift[LR]/.test(n)), ['d', 'm'])],
    ['zoom horizontal shifts+mirror', keys(['zoom'], shifts.filter((n) => !/shift[UD]/.test(n)), ['d', 'm'])],
    ['zoom scale+rotations+mirror', keys(['zoom'], [...scales, ...rots.slice(1)], ['d', 'm'])],
    ['zoom id+scale1.07+mirror', keys(['zoom'], ['id', 'scale1.07'], ['d', 'm'])],
    ['zoom id+scale0.93+mirror', keys(['zoom'], ['id', 'scale0.93'], ['d', 'm'])],
  ];
  const out: Recipe[] = [];
  for (const [name, k] of sets) for (const gate of [0, 400, 600, Number.POSITIVE_INFINITY]) out.push({ name, keys: k, gate });
  return out;
}

const means = new WeakMap<Embedded, Map<string, Float32Array>>();

function mean(e: Embedded, keys: string[]): Float32Array {
  const id = keys.join('|');
  const hit = means.get(e)?.get(id);
  if (hit) return hit;
  const out = new Float32Array(128);
  for (const k of keys) {
    const v = e.d[k];
    if (!v) throw new Error(`component ${k} missing`);
    for (let i = 0; i < 128; i++) out[i]! += v[i]! / keys.length;
  }
  if (!means.has(e)) means.set(e, new Map());
  means.get(e)!.set(id, out);
  return out;
}

interface Scored { a: string; b: string; same: boolean; score: number }

/**
 * How two descriptors become a score: euclidean distance (the product's), cosine, or cosine after
 * subtracting the mean descriptor of the images on the side being calibrated on (fitted there only).
 */
type Norm = 'euclid' | 'cosine' | 'centred';
const NORMS: Norm[] = ['euclid', 'cosine', 'centred'];

function cosineDistance(x: Float32Array, y: Float32Array, centre?: Float32Array): number {
  let xy = 0, xx = 0, yy = 0;
  for (let i = 0; i < x.length; i++) {
    const u = x[i]! - (centre?.[i] ?? 0), v = y[i]! - (centre?.[i] ?? 0);
    xy += u * v; xx += u * u; yy += v * v;
  }
  return 1 - xy / Math.sqrt(xx * yy);
}

function scorePairs(pairs: Pair[], real: Store, other: Store, r: Recipe, norm: Norm, centre: Float32Array): Scored[] {
  const plain = ['plain:id:d'];
  return pairs.map((p) => {
    const ea = real[p.a], eb = other[p.b];
    if (!ea || !eb) return { ...p, score: Number.NEGATIVE_INFINITY };
    const k = Math.min(ea.height, eb.height) < r.gate ? r.keys : plain;
    const [x, y] = [mean(ea, k), mean(eb, k)];
    const d = norm === 'euclid' ? euclidean(x, y) : cosineDistance(x, y, norm === 'centred' ? centre : undefined);
    return { ...p, score: -d };
  });
}

/** Mean descriptor (recipe keys) of the real images whose identity is on `side`. */
function centreOf(real: Store, split: Map<string, Side>, side: Side, keys: string[]): Float32Array {
  const list = Object.entries(real).filter(([rel, e]) => e && split.get(rel) === side).map(([, e]) => mean(e!, keys));
  const out = new Float32Array(128);
  for (const v of list) for (let i = 0; i < 128; i++) out[i]! += v[i]! / list.length;
  return out;
}

/** What a recipe is chosen by: TAR at FAR 0.1 % (own ROC), then the genuine–impostor margin, then AUC. */
function judge(items: Scored[]) {
  const imp = items.filter((p) => !p.same).map((p) => p.score);
  const gen = items.filter((p) => p.same).map((p) => p.score);
  // FACES_RECIPES_HARDEST=k: the margin between the means of the k hardest of each (k = 1: the
  // farthest genuine vs the nearest impostor).
  const k = Number(process.env.FACES_RECIPES_HARDEST ?? 1);
  const avg = (v: number[]) => v.reduce((x, y) => x + y, 0) / v.length;
  const margin = avg([...gen].sort((x, y) => x - y).slice(0, k)) - avg([...imp].sort((x, y) => y - x).slice(0, k));
  return { tar: tarAtFar(rocCurve(items), 0.001).tar, margin, auc: rocAuc(items), P: gen.length, N: imp.length };
}

const better = (x: ReturnType<typeof judge>, y: ReturnType<typeof judge>) =>
  x.tar !== y.tar ? x.tar > y.tar : x.margin !== y.margin ? x.margin > y.margin : x.auc > y.auc;

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
const fmt = (j: ReturnType<typeof judge>) => `TAR@0.1% ${pct(j.tar)} margin ${j.margin.toFixed(3)} AUC ${j.auc.toFixed(5)} (${j.P}/${j.N})`;

async function judgeAll(dir: string, pairs: Pair[], split: Map<string, Side>): Promise<void> {
  const real = JSON.parse(await readFile(join(dir, 'recipes-real.json'), 'utf8')) as Store;
  console.log(`split ${SPLIT_NAME}`);
  for (const variant of VARIANTS) {
    const file = join(dir, `recipes-${variant}.json`);
    if (!existsSync(file)) continue;
    const other = JSON.parse(await readFile(file, 'utf8')) as Store;
    const list = recipes(Object.values(other).find((e) => e !== null)!);
    console.log(`\n[${variant}]`);
    // The recipe faces/compare uses (embedPhotoFace: zoom + mirror under PAIR_ZOOM_BELOW_PX) and the multi-crop one tried in session 8, on all pairs (in-sample).
    for (const name of ['zoom+mirror', 'zoom vertical shifts+mirror']) {
      const r = list.find((x) => x.name === name && x.gate === PAIR_ZOOM_BELOW_PX)!;
      const items = scorePairs(pairs, real, other, r, 'euclid', new Float32Array(128));
      const at = ratesAt(items, -DISTANCE_AT_THRESHOLD);
      console.log(`  all pairs, ${name} < ${r.gate} px: ${fmt(judge(items))}; at distance ${DISTANCE_AT_THRESHOLD}: ${at.fa}/${at.N} false accepts, ${at.fr}/${at.P} false rejects`);
    }
    for (const side of ['calibration', 'report'] as const) {
      const inside = (p: Scored) => split.get(p.a) === side && split.get(p.b) === side;
      const rows = list.flatMap((r) => NORMS.map((norm) => {
        const items = scorePairs(pairs, real, other, r, norm, centreOf(real, split, side, r.keys));
        return { r, norm, cal: judge(items.filter(inside)), rep: judge(items.filter((p) => !inside(p))) };
      }));
      // Chosen among euclidean rows only: the product's calibration is on that scale, and margins of
      // the other distances are not comparable with it (they are listed with --all).
      const chosen = rows.filter((x) => x.norm === 'euclid').reduce((a, x) => (better(x.cal, a.cal) ? x : a));
      const current = rows.find((x) => x.r.name === 'zoom+mirror' && x.r.gate === 400 && x.norm === 'euclid')!;
      console.log(`  calibrated on ${side}: current (zoom+mirror < 400 px, euclid): calibration ${fmt(current.cal)} → not calibrated on ${fmt(current.rep)}`);
      console.log(`    chosen: ${chosen.r.name} gate ${chosen.r.gate} ${chosen.norm}: calibration ${fmt(chosen.cal)} → not calibrated on ${fmt(chosen.rep)}`);
      if (process.argv.includes('--all')) {
        for (const x of rows) console.log(`    ${x.r.name.padEnd(30)} gate ${String(x.r.gate).padEnd(8)} ${x.norm.padEnd(7)} cal ${fmt(x.cal)} | rep ${fmt(x.rep)}`);
      }
    }
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'pairs.csv'))) throw new Error(`${DATA}/pairs.csv not found: this bench needs ../shared/data`);
  const pairs = parsePairs(await readFile(join(DATA, 'pairs.csv'), 'utf8'));
  const split = identitySplit(await readFile(join(DATA, 'identities.csv'), 'utf8'));
  const e = process.argv.indexOf('--embed');
  if (e > 0) await embedAll(process.argv[e + 1] ?? '/tmp/faces-recipes', pairs);
  const dir = e > 0 ? process.argv[e + 1]! : (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/faces-recipes');
  await judgeAll(dir, pairs, split);
}

await main();
