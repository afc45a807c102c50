// node --import tsx bench/acceptance-identity.ts [-- --split calibration|report|all] [-- --json out.json]
//
// Identity numbers behind the acceptance bench's face thresholds, measured on the genuine clips of
// one split (default: calibration — thresholds are chosen here, never on the report split):
// - video ↔ selfie of the SAME clip (what a genuine session scores; frames within 1.5 s of the
//   selfie moment left out) vs video ↔ another clip's
//   selfie or a photo of another person from ../shared/data/faces (what `other_selfie` scores):
//   where the face-match approve band (VIDEO_SELFIE_APPROVE_SCORE) must sit;
// - within one clip, the largest distance between two frames (a live person turning and making
//   faces) vs the distance between frames of two different clips (a face swap): where the
//   face-swap limit (FACE_SWAP_MAX_DISTANCE) must sit.
// - a face swap's identity split gap vs a live face's (FACE_SWAP_SPLIT_GAP).
// Frames are the clip at 2 frames/s (≤ 640 px wide, as the pipeline decodes), each clip's selfie is
// the frame bench/acceptance-clips.ts names, embedded exactly as the face_match stage does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { euclidean, meanEmbedding, scoreFromDistance } from '../src/domain/face-match.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import type { Embedding, FaceEngine } from '../src/engines/face/port.ts';
import { embedSingleFace, largest } from '../src/faces/face-for-matching.ts';
import { spreadIndices } from '../src/faces/track-faces.ts';
import { FACE_SWAP_SPLIT_GAP, identitySplitGap } from '../src/liveness/replay.ts';
import { clipPath, GENUINE } from './acceptance-clips.ts';

const DATA = resolve(import.meta.dirname, '../../shared/data');
const argv = process.argv.slice(2);
const arg = (f: string) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
const split = arg('--split') ?? 'calibration';
const FRAME_FPS = 2;
/** Photos of other people used as "another person's selfie": the first photo of each identity of these sources. */
const OTHER_SOURCES = ['deepface', 'face_recognition', 'lfw_misc', 'openface'];

async function clipEmbeddings(engine: FaceEngine, name: string, dir: string): Promise<Embedding[]> {
  const out = join(dir, name);
  execFileSync('mkdir', ['-p', out]);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', clipPath(DATA, name), '-vf', `fps=${FRAME_FPS},scale='min(640,iw)':-2`, '-q:v', '3', join(out, 'f%03d.jpg')]);
  const embs: Embedding[] = [];
  for (const f of readdirSync(out).sort()) {
    const image = await decodeImage(readFileSync(join(out, f)));
    const face = largest(await engine.detect(image, { mesh: true, maxFaces: 3 }));
    if (face) embs.push(await engine.embed(image, face));
  }
  return embs;
}

async function photoEmbedding(engine: FaceEngine, jpeg: Uint8Array, label: string): Promise<Embedding | null> {
  try {
    return (await embedSingleFace(engine, await decodeImage(jpeg), label)).embedding;
  } catch {
    return null; // no single usable face (group photo, tiny face): not a selfie anyone could upload
  }
}

function selfieJpeg(name: string, t: number, dir: string): Uint8Array {
  const out = join(dir, `selfie_${name}.jpg`);
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-ss', String(t), '-i', clipPath(DATA, name), '-frames:v', '1', '-vf', "scale='min(720,iw)':-2", '-q:v', '3', out]);
  return readFileSync(out);
}

/**
 * The stage's score: its video side is the mean descriptor of the 3 best frames and 6 spread over
 * the recording (src/verification/stages/face-match.ts); here 9 frames spread over the clip.
 */
const best = (frames: Embedding[], photo: Embedding) => scoreFromDistance(euclidean(meanEmbedding(spreadIndices(frames.map((_, i) => i), 9).map((i) => frames[i]!)), photo));
/** The clip's frames more than 1.5 s from its selfie moment: the selfie is a separate photo, not a frame of the video. */
const awayFromSelfie = (frames: Embedding[], selfieAt: number) => frames.filter((_, i) => Math.abs(i / FRAME_FPS - selfieAt) > 1.5);

function maxPairwise(a: Embedding[], b: Embedding[] | null): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) for (const y of b ?? a.slice(i + 1)) m = Math.max(m, euclidean(a[i]!, y));
  return m;
}
function minPairwise(a: Embedding[], b: Embedding[]): number {
  let m = Infinity;
  for (const x of a) for (const y of b) m = Math.min(m, euclidean(x, y));
  return m;
}
const r = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const clips = GENUINE.filter((c) => split === 'all' || c.split === split);
  const engine = createFaceEngine();
  await engine.init();
  const tmp = mkdtempSync(join(tmpdir(), 'vkyc-identity-'));
  try {
    const frames = new Map<string, Embedding[]>();
    const selfies = new Map<string, Embedding>();
    for (const c of clips) {
      frames.set(c.name, await clipEmbeddings(engine, c.name, tmp));
      const s = await photoEmbedding(engine, selfieJpeg(c.name, c.selfieAt, tmp), c.name);
      if (s) selfies.set(c.name, s);
    }
    const ids = readFileSync(join(DATA, 'faces/identities.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    const firstOf = new Map<string, string>();
    for (const [file, id, source] of ids) if (file && id && OTHER_SOURCES.includes(source ?? '') && !firstOf.has(id)) firstOf.set(id, file);
    const photos: Array<{ id: string; e: Embedding }> = [];
    for (const [id, file] of firstOf) {
      const e = await photoEmbedding(engine, readFileSync(join(DATA, 'faces', file)), file);
      if (e) photos.push({ id, e });
    }

    console.log(`split ${split}: ${clips.map((c) => c.name).join(', ')}; ${photos.length} other-person photos (${OTHER_SOURCES.join(', ')})`);
    console.log(`\n${'clip'.padEnd(6)}${'frames'.padStart(7)}${'own selfie'.padStart(12)}${'other clip selfie (max)'.padStart(25)}${'other photo (max)'.padStart(19)}${'within-clip max d'.padStart(19)}${'other clip min d'.padStart(18)}`);
    const report: Record<string, unknown>[] = [];
    for (const c of clips) {
      const f = frames.get(c.name)!;
      const own = selfies.get(c.name);
      const others = clips.filter((o) => o.name !== c.name);
      const otherSelfie = others.flatMap((o) => (selfies.get(o.name) ? [{ clip: o.name, score: best(f, selfies.get(o.name)!) }] : [])).sort((a, b) => b.score - a.score)[0];
      const otherPhoto = photos.map((p) => ({ id: p.id, score: best(f, p.e) })).sort((a, b) => b.score - a.score)[0];
      const within = maxPairwise(f, null);
      const cross = others.map((o) => ({ clip: o.name, d: minPairwise(f, frames.get(o.name)!) })).sort((a, b) => a.d - b.d)[0];
      const row = { clip: c.name, frames: f.length, own_selfie: own ? best(awayFromSelfie(f, c.selfieAt), own) : null, other_clip_selfie: otherSelfie, other_photo: otherPhoto, within_max_distance: r(within), other_clip_min_distance: cross ? { clip: cross.clip, d: r(cross.d) } : null };
      report.push(row);
      console.log(`${c.name.padEnd(6)}${String(f.length).padStart(7)}${String(row.own_selfie ?? '-').padStart(12)}${`${otherSelfie?.score ?? '-'} (${otherSelfie?.clip ?? ''})`.padStart(25)}${`${otherPhoto?.score ?? '-'} (${otherPhoto?.id ?? ''})`.padStart(19).slice(-19)}${String(r(within)).padStart(19)}${`${cross ? r(cross.d) : '-'} (${cross?.clip ?? ''})`.padStart(18)}`);
    }
    // Every cross pair (video of one clip, selfie of another) by the band it would fall in.
    const cross = clips.flatMap((c) => clips.filter((o) => o.name !== c.name && selfies.has(o.name)).map((o) => ({ video: c.name, selfie: o.name, score: best(frames.get(c.name)!, selfies.get(o.name)!) })));
    const bands = [50, 80, 85, 90, 95].map((t) => `≥${t}: ${cross.filter((x) => x.score >= t).length}`);
    console.log(`\nvideo ↔ other clip's selfie, ${cross.length} pairs: ${bands.join('  ')}; own selfie min ${Math.min(...clips.flatMap((c) => (selfies.get(c.name) ? [best(awayFromSelfie(frames.get(c.name)!, c.selfieAt), selfies.get(c.name)!)] : [])))}`);
    // Face swap: the identity split gap (src/liveness/replay.ts) of 6 samples spread like the
    // pipeline's IDENTITY_SAMPLES. Genuine: every 6 s stretch of each clip (2 s steps) and the whole
    // clip; swap: the first 3 s of one clip then the first 3 s of another (every ordered pair).
    const six = (xs: Embedding[]) => (xs.length <= 6 ? xs : Array.from({ length: 6 }, (_, k) => xs[Math.round((k * (xs.length - 1)) / 5)]!));
    const gapOf = (xs: Embedding[]) => identitySplitGap(six(xs))?.gap ?? 0;
    const span = 6 * FRAME_FPS;
    const genuineGaps = clips.map((c) => {
      const f = frames.get(c.name)!;
      const gaps = [gapOf(f)];
      for (let st = 0; st + span <= f.length; st += 2 * FRAME_FPS) gaps.push(gapOf(f.slice(st, st + span)));
      return { clip: c.name, worst: r(Math.max(...gaps)) };
    });
    const half = 3 * FRAME_FPS;
    const swapGaps = clips.flatMap((a) => clips.filter((b) => b !== a).map((b) => ({ a: a.name, b: b.name, gap: r(gapOf([...frames.get(a.name)!.slice(0, half), ...frames.get(b.name)!.slice(0, half)])) }))).sort((x, y) => x.gap - y.gap);
    const gWorst = Math.max(...genuineGaps.map((g) => g.worst));
    console.log(`\nface swap split gap (limit FACE_SWAP_SPLIT_GAP ${FACE_SWAP_SPLIT_GAP}): genuine worst per clip ${genuineGaps.map((g) => `${g.clip} ${g.worst}`).join(', ')}`);
    console.log(`  swaps (${swapGaps.length}): lowest ${swapGaps.slice(0, 3).map((x) => `${x.a}→${x.b} ${x.gap}`).join(', ')}; 5th percentile ${swapGaps[Math.floor(swapGaps.length * 0.05)]?.gap}; above genuine worst ${gWorst}: ${swapGaps.filter((x) => x.gap > gWorst).length}; above the limit: ${swapGaps.filter((x) => x.gap > FACE_SWAP_SPLIT_GAP).length}`);
    const json = arg('--json');
    if (json) writeFileSync(json, JSON.stringify({ report, cross, embeddings: Object.fromEntries([...frames].map(([k, v]) => [k, v.map((e) => Array.from(e, (x) => Math.round(x * 1e5) / 1e5))])), selfies: Object.fromEntries([...selfies].map(([k, v]) => [k, Array.from(v)])) }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
