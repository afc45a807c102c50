// Other face embedders against face-api's ResNet-34, on the pairs and the identity split of
// bench:faces (bench/faces-split.ts), each given the input its authors trained it on
// (bench/face-embedders.ts). Faces are found and meshed by the product's own detector
// (detectForMatching, zoomOnFace), so only the embedder differs; every embedder gets the
// recipe faces/compare uses (both photos zoomed + mirrored when either face is under
// PAIR_ZOOM_BELOW_PX, plain otherwise). Scores: face-api −euclidean (the product's), the others
// cosine of L2-normalised descriptors.
//
// Per fold, whatever is chosen is chosen on the calibration side's real pairs only: a candidate's
// channel order / input range / crop, and the fusion's normalisation (each embedder's scores
// z-scored by the mean and spread of that side's impostor scores, then averaged). The threshold
// for FAR ≤ 0.1 % is fitted there and judged on every other pair, as bench:faces does.
//
// Run: HUMAN_MODELS_DIR=… FACEPLUGIN_DIR=… npm run bench:faces-embedders -- --embed /tmp/dir
//      npm run bench:faces-embedders -- /tmp/dir        (judge saved descriptors again)
//      HUMAN_MODELS_DIR=… FACEPLUGIN_DIR=… npm run bench:faces-embedders -- --time   (CPU per descriptor)

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { euclidean, meanEmbedding } from '../src/domain/face-match.ts';
import { fivePoints } from '../src/engines/face/landmarks.ts';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import { detectForMatching, largest, PAIR_ZOOM_BELOW_PX, zoomOnFace } from '../src/faces/face-for-matching.ts';
import { arcfaceChip, loadCandidates, preprocessKey, type Candidate } from './face-embedders.ts';
import { rocAuc, rocCurve, tarAtFar, type Scored } from './faces-metrics.ts';
import { EmbeddingCache, parsePairs, type Pair, type Variant } from './faces-pairs.ts';
import { folds, identitySplit, SPLIT_NAME, type Side } from './faces-split.ts';

const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data', 'faces');
const VARIANTS: Variant[] = ['real', 'portrait', 'degraded'];
const SIDES: Side[] = ['calibration', 'report'];
const FACE_API = 'face-api ResNet-34';

/** Descriptors of one image: as detected (p) and zoomed (z), direct (d) and mirrored chip (m). */
interface Views { pd: number[]; pm: number[]; zd: number[]; zm: number[] }
interface Entry { height: number; faceapi: { plain: number[]; photo: number[] }; c: Record<string, Views> }
type Store = Record<string, Entry | null>;
interface Meta { load: string[]; models: Record<string, { source: string; bytes: number; dims: number; cpuMs: number; n: number; rssMb?: number }> }

// ---- embedding ------------------------------------------------------------------------------

async function embedAll(dir: string, pairs: Pair[], split: Map<string, Side>): Promise<void> {
  const engine = createFaceEngine(); // in process, one thread: CPU per call is the model's own
  await engine.init();
  const candidates = await loadCandidates(process.env);
  console.log(`candidates: ${candidates.map((c) => c.name).join(', ') || 'none (set HUMAN_MODELS_DIR / FACEPLUGIN_DIR)'}`);
  const cache = new EmbeddingCache(engine, DATA);
  // The images of the sanity pairs first, so a wrong input shows before the long run.
  const few = [...pairs.filter((p) => p.same).slice(0, 4), ...pairs.filter((p) => !p.same).slice(0, 4)];
  const fewImages = [...new Set(few.flatMap((p) => [p.a, p.b]))];
  const images = [...new Set([...fewImages, ...[...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort()])];
  const meta: Meta = { load: [loadavg().map((v) => v.toFixed(1)).join(' ')], models: {} };
  let chosen: Record<string, Record<Side, string>> = {};
  const cpu = (name: string, source: string, bytes: number, dims: number, us: number) => {
    const m = (meta.models[name] ??= { source, bytes, dims, cpuMs: 0, n: 0 });
    m.cpuMs += us / 1000; m.n++;
  };
  const rss = (name: string) => candidates.find((c) => c.name === name)?.rssMb;
  await mkdir(dir, { recursive: true });
  for (const variant of VARIANTS) {
    const store: Store = {};
    // Real images: every preprocessing choice (a fold picks one on its calibration pairs); the
    // others: only the choices some fold picked.
    const choices = (c: Candidate) => (variant === 'real' ? c.choices : c.choices.filter((p) => SIDES.some((s) => chosen[c.name]?.[s] === preprocessKey(p))));
    for (const [i, rel] of images.entries()) {
      const buf = await cache.image(rel, variant);
      if (i % 25 === 0) console.log(`  ${variant}: ${i}/${images.length}`);
      if (!buf) { store[rel] = null; continue; }
      const found = await detectForMatching(engine, await decodeImage(buf));
      const face = largest(found.faces);
      if (!face) { store[rel] = null; continue; }
      const zoomed = await zoomOnFace(engine, found.image, face, Number.POSITIVE_INFINITY);
      let t = process.cpuUsage();
      const plain = await engine.embed(found.image, face);
      const spent = process.cpuUsage(t);
      cpu(FACE_API, '@vladmandic/face-api 1.7.15', 0, 128, spent.user + spent.system);
      const photo = await engine.embed(zoomed.image, zoomed.face, { augment: true });
      const entry: Entry = { height: face.box.height / found.scale, faceapi: { plain: [...plain], photo: [...photo] }, c: {} };
      const views = [['p', found.image, fivePoints(face.landmarks)], ['z', zoomed.image, fivePoints(zoomed.face.landmarks)]] as const;
      for (const c of candidates) {
        for (const p of choices(c)) {
          const v: Record<string, number[]> = {};
          for (const [key, image, points] of views) {
            for (const mirrored of [false, true]) {
              t = process.cpuUsage();
              const e = await c.embed(arcfaceChip(image, points, c.size, p.zoom, mirrored), p);
              const used = process.cpuUsage(t);
              cpu(c.name, c.source, c.bytes, e.length, used.user + used.system);
              v[`${key}${mirrored ? 'm' : 'd'}`] = compact(e);
            }
          }
          entry.c[`${c.name}|${preprocessKey(p)}`] = v as unknown as Views;
        }
      }
      store[rel] = entry;
      if (variant === 'real' && i === fewImages.length - 1) sanity(few, store, candidates);
    }
    await writeFile(join(dir, `embedders-${variant}.json`), JSON.stringify(store));
    if (variant === 'real') chosen = chooseAll(pairs, split, store);
    // Saved after every variant, so a run cut short can still be judged.
    for (const [name, m] of Object.entries(meta.models)) m.rssMb = rss(name);
    await writeFile(join(dir, 'embedders-meta.json'), JSON.stringify({ ...meta, load: [...meta.load, loadavg().map((v) => v.toFixed(1)).join(' ')] }));
  }
}

/** Six decimals are plenty for cosine and euclidean distances and keep the saved files small. */
const compact = (v: Float32Array) => Array.from(v, (x) => Math.round(x * 1e6) / 1e6);

/** A few genuine and impostor pairs per choice: a wrong input shows as genuine ≈ impostor. */
function sanity(few: Pair[], real: Store, candidates: Candidate[]): void {
  console.log('\nsanity (plain chip, cosine), 4 genuine | 4 impostor pairs:');
  for (const c of candidates) {
    for (const p of c.choices) {
      const key = `${c.name}|${preprocessKey(p)}`;
      const s = few.map((q) => {
        const a = real[q.a]?.c[key], b = real[q.b]?.c[key];
        return a && b ? cosine(a.pd, b.pd).toFixed(2) : '—';
      });
      console.log(`  ${key.padEnd(44)} ${s.slice(0, 4).join(' ')} | ${s.slice(4).join(' ')}`);
    }
  }
}

/**
 * Per candidate and side: the preprocessing (of those embedded on the real images) whose real pairs
 * with both identities on that side separate best (TAR @ FAR 0.1 %, then AUC).
 */
function chooseAll(pairs: Pair[], split: Map<string, Side>, real: Store, log = false): Record<string, Record<Side, string>> {
  const keys = Object.keys(Object.values(real).find((e) => e !== null)?.c ?? {});
  const out: Record<string, Record<Side, string>> = {};
  for (const name of new Set(keys.map((k) => k.slice(0, k.indexOf('|'))))) {
    const mine = keys.filter((k) => k.startsWith(`${name}|`));
    const pick = (out[name] = {} as Record<Side, string>);
    for (const side of SIDES) {
      let best: { key: string; tar: number; auc: number } | null = null;
      for (const key of mine) {
        const items = scorePairs(pairs, real, real, embedderOf(key)).filter(inside(split, side));
        const tar = tarAtFar(rocCurve(items), 0.001).tar, auc = rocAuc(items);
        if (log) console.log(`  on ${side.padEnd(11)} ${key.padEnd(56)} TAR@0.1% ${pct(tar).padStart(8)}  AUC ${auc.toFixed(5)}`);
        if (!best || tar > best.tar || (tar === best.tar && auc > best.auc)) best = { key, tar, auc };
      }
      pick[side] = best!.key.slice(name.length + 1);
    }
  }
  return out;
}

// ---- scoring --------------------------------------------------------------------------------

interface PairScore extends Scored { a: string; b: string }
type Embedder = (e: Entry, zoom: boolean) => Float32Array | undefined;

/** faces/compare's recipe for `key`: zoomed + mirrored when either face is small, plain otherwise. */
function embedderOf(key: string): Embedder {
  if (key === FACE_API) return (e, zoom) => Float32Array.from(zoom ? e.faceapi.photo : e.faceapi.plain);
  return (e, zoom) => {
    const v = e.c[key];
    if (!v) return undefined;
    return zoom ? meanEmbedding([Float32Array.from(v.zd), Float32Array.from(v.zm)]) : Float32Array.from(v.pd);
  };
}

function cosine(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let xy = 0, xx = 0, yy = 0;
  for (let i = 0; i < x.length; i++) { xy += x[i]! * y[i]!; xx += x[i]! * x[i]!; yy += y[i]! * y[i]!; }
  return xy / Math.sqrt(xx * yy);
}

function scorePairs(pairs: Pair[], real: Store, other: Store, embed: Embedder, faceApi = false): PairScore[] {
  return pairs.map((p) => {
    const ea = real[p.a], eb = other[p.b];
    const zoom = !!ea && !!eb && Math.min(ea.height, eb.height) < PAIR_ZOOM_BELOW_PX;
    const x = ea && embed(ea, zoom), y = eb && embed(eb, zoom);
    // A side without a face cannot be matched: the worst score (a reject), as bench:faces does.
    const score = x && y ? (faceApi ? -euclidean(x, y) : cosine(x, y)) : Number.NEGATIVE_INFINITY;
    return { a: p.a, b: p.b, same: p.same, score };
  });
}

const inside = (split: Map<string, Side>, side: Side) => (p: { a: string; b: string }) => split.get(p.a) === side && split.get(p.b) === side;

/** Scores z-scored by the impostors among `calibration` (finite scores only; a reject stays −∞). */
function zScored(items: PairScore[], calibration: PairScore[]): PairScore[] {
  const imp = calibration.filter((p) => !p.same && Number.isFinite(p.score)).map((p) => p.score);
  const mean = imp.reduce((s, v) => s + v, 0) / imp.length;
  const sd = Math.sqrt(imp.reduce((s, v) => s + (v - mean) ** 2, 0) / imp.length);
  return items.map((p) => ({ ...p, score: (p.score - mean) / sd }));
}

// ---- judging --------------------------------------------------------------------------------

const pct = (v: number) => `${(100 * v).toFixed(2)} %`;

function foldLine(label: string, items: PairScore[], split: Map<string, Side>, side: Side): string {
  const f = folds(items, split, 0.001).find((x) => x.calibratedOn === side)!;
  const r = f.report;
  const misses = f.misses.map((m) => `${m.a}~${m.b}`).slice(0, 4).join(', ');
  return `    ${label.padEnd(46)} AUC ${r.auc.toFixed(5)}  own-ROC TAR@0.1% ${pct(r.rocTar).padStart(8)}  at the fitted threshold: TAR ${pct(r.tar)} FAR ${pct(r.far)} (${r.fa}/${r.N})${misses ? `  rejected: ${misses}${f.misses.length > 4 ? ' …' : ''}` : ''}`;
}

async function judgeAll(dir: string, pairs: Pair[], split: Map<string, Side>): Promise<void> {
  const metaFile = join(dir, 'embedders-meta.json');
  const meta = existsSync(metaFile) ? (JSON.parse(await readFile(metaFile, 'utf8')) as Meta) : { load: ['not recorded'], models: {} };
  const real = JSON.parse(await readFile(join(dir, 'embedders-real.json'), 'utf8')) as Store;
  console.log(`split ${SPLIT_NAME}; load average while embedding: ${meta.load.join(' → ')}`);
  console.log('\nmodels (CPU ms per descriptor, in process, one thread: chip warp + preprocessing + model; face-api: alignment + descriptor):');
  for (const [name, m] of Object.entries(meta.models)) {
    console.log(`  ${name.padEnd(24)} ${m.dims}-d  ${m.bytes ? `${(m.bytes / 1e6).toFixed(1)} MB` : '(in the product)'}  ${(m.cpuMs / m.n).toFixed(1)} ms CPU (n ${m.n})  ${m.rssMb === undefined ? '' : `RSS +${m.rssMb.toFixed(0)} MB loaded  `}${m.source}`);
  }
  console.log('\npreprocessing, judged on the real pairs of one side (recipe of faces/compare):');
  const chosen = chooseAll(pairs, split, real, true);
  for (const [name, c] of Object.entries(chosen)) console.log(`  chosen for ${name}: fold calibrated on calibration → ${c.calibration}; on report → ${c.report}`);
  for (const variant of VARIANTS) {
    const file = join(dir, `embedders-${variant}.json`);
    if (!existsSync(file)) continue;
    const other = JSON.parse(await readFile(file, 'utf8')) as Store;
    console.log(`\n[${variant}]`);
    for (const side of SIDES) {
      const inSide = inside(split, side);
      const fa = scorePairs(pairs, real, other, embedderOf(FACE_API), true);
      console.log(`  fold calibrated on ${side}:`);
      console.log(foldLine(FACE_API, fa, split, side));
      for (const [name, choice] of Object.entries(chosen)) {
        const key = `${name}|${choice[side]}`;
        const items = scorePairs(pairs, real, other, embedderOf(key));
        console.log(foldLine(`${name} (${choice[side]})`, items, split, side));
        // Fusion: both embedders' scores z-scored on this side's impostors, then averaged.
        const [zf, zc] = [zScored(fa, fa.filter(inSide)), zScored(items, items.filter(inSide))];
        const fused = zf.map((p, i) => ({ ...p, score: (p.score + zc[i]!.score) / 2 }));
        console.log(foldLine(`  fused with ${FACE_API}`, fused, split, side));
      }
    }
  }
}

/**
 * CPU per descriptor, back to back on one photo's face (as detected: the plain chip), 30 calls each
 * after a warm-up, in process on one thread; and what loading each model added to the RSS.
 */
async function timeModels(pairs: Pair[]): Promise<void> {
  const engine = createFaceEngine();
  await engine.init();
  const rss0 = process.memoryUsage().rss;
  const candidates = await loadCandidates(process.env);
  console.log(`load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}; RSS with Human + face-api ${(rss0 / 1e6).toFixed(0)} MB`);
  const found = await detectForMatching(engine, await decodeImage(await readFile(join(DATA, pairs[0]!.a))));
  const face = largest(found.faces)!;
  const points = fivePoints(face.landmarks);
  const perCall = async (fn: () => Promise<unknown>) => {
    await fn();
    const t = process.cpuUsage();
    for (let i = 0; i < 30; i++) await fn();
    const u = process.cpuUsage(t);
    return ((u.user + u.system) / 1000 / 30).toFixed(1);
  };
  console.log(`  ${FACE_API.padEnd(24)} ${await perCall(() => engine.embed(found.image, face))} ms CPU (alignment + descriptor; in the product)`);
  for (const c of candidates) {
    const p = c.choices[0]!;
    const ms = await perCall(() => c.embed(arcfaceChip(found.image, points, c.size, p.zoom), p));
    console.log(`  ${c.name.padEnd(24)} ${ms} ms CPU (chip + model)  ${(c.bytes / 1e6).toFixed(1)} MB on disk  RSS +${c.rssMb.toFixed(0)} MB loaded  ${c.source}`);
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(DATA, 'pairs.csv'))) throw new Error(`${DATA}/pairs.csv not found: this bench needs ../shared/data`);
  const pairs = parsePairs(await readFile(join(DATA, 'pairs.csv'), 'utf8'));
  const split = identitySplit(await readFile(join(DATA, 'identities.csv'), 'utf8'));
  if (process.argv.includes('--time')) return timeModels(pairs);
  const e = process.argv.indexOf('--embed');
  const dir = e > 0 ? (process.argv[e + 1] ?? '/tmp/faces-embedders') : (process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '/tmp/faces-embedders');
  if (e > 0) await embedAll(dir, pairs, split);
  await judgeAll(dir, pairs, split);
}

await main();
