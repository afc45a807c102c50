// Calibration of the smile challenge (issue 13, d19): Human's emotion "happy" and the mouth's shape
// from the face mesh (src/engines/face/landmarks.ts mouthShape: corner-to-corner width and corner
// lift, in inter-ocular distances), on every genuine clip as the page records it (WebM, decoded at
// the pipeline's 10 fps, ≤ 640 px) and on the still-photo and panned-photo attacks built from them.
//
// For each clip, against its own neutral (median of the frames outside every labelled smile, ±0.3 s):
//   smile   — the strongest response inside the labelled smiles (what a smile challenge must reach);
//   other   — the strongest response anywhere else (what a window asking for something else
//             reaches), then for each labelled move that is not a smile (speaking, open mouth, head
//             turns, blinks) on its own — unlabelled smiles between the moves count as "other";
// and for each photo attack the strongest response over its whole length against its median.
// Responses: happy delta, width gain (width / neutral − 1), lift delta, and each signal's peak frame.
//   node --import tsx bench/smile.ts [--split calibration|report]   (media + measurements cached in SMILE_MEDIA_DIR)
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { mouthShape } from '../src/engines/face/landmarks.ts';
import { decodeFrames } from '../src/engines/media/frames.ts';
import { clipBench, clipPath, GENUINE, type GenuineClip } from './acceptance-clips.ts';
import { frameJpeg, pannedPhoto, recording, stillPhoto } from './acceptance-media.ts';
import { DEFAULT_CHALLENGE_THRESHOLDS } from '../src/domain/liveness-challenges.ts';

const { data, split, dir, tools } = clipBench('smile', 'SMILE_MEDIA_DIR');
/** Frames this close to a labelled smile are neither smile nor neutral (labels are ±0.25 s). */
const EDGE = 0.3;
const PHOTO_SECONDS = 4;

interface Row { t: number; happy: number; width: number; lift: number; mouth: number; yaw: number }

const engine = createFaceEngine();
await engine.init();

async function measureVideo(video: string): Promise<Row[]> {
  const cache = `${video}.smile.json`;
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as Row[];
  const work = join(dir, 'frames');
  const frames = await decodeFrames(tools, video, { fps: 10, maxWidth: 640, dir: work });
  rmSync(work, { recursive: true, force: true });
  const rows: Row[] = [];
  for (const f of frames) {
    if (!f.image) continue;
    const face = [...await engine.detect(f.image, { mesh: true, iris: false, expressions: true, maxFaces: 3 })].sort((a, b) => b.box.height - a.box.height)[0];
    if (!face || !face.landmarks.length) continue;
    rows.push({ t: f.t, happy: face.smile, width: face.mouthWidth, lift: mouthShape(face.landmarks).lift, mouth: face.mouthOpen, yaw: face.pose.yaw });
  }
  writeFileSync(cache, JSON.stringify(rows));
  return rows;
}

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  const m = s.length >> 1;
  return !s.length ? Number.NaN : s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

interface Response { happy: number; width: number; lift: number; at: { happy: number; width: number; lift: number } }

/** Strongest response of each signal in `rows` against `base`. */
function respond(rows: Row[], base: Row): Response {
  const best = { happy: -Infinity, width: -Infinity, lift: -Infinity };
  const at = { happy: Number.NaN, width: Number.NaN, lift: Number.NaN };
  for (const r of rows) {
    const v = { happy: r.happy - base.happy, width: r.width / base.width - 1, lift: r.lift - base.lift };
    for (const k of ['happy', 'width', 'lift'] as const) if (v[k] > best[k]) { best[k] = v[k]; at[k] = r.t; }
  }
  return { ...best, at };
}

const neutralOf = (rows: Row[]): Row => ({
  t: 0, happy: median(rows.map((r) => r.happy)), width: median(rows.map((r) => r.width)), lift: median(rows.map((r) => r.lift)),
  mouth: median(rows.map((r) => r.mouth)), yaw: median(rows.map((r) => r.yaw)),
});

const smiles = (c: GenuineClip) => c.moves.filter((m) => m.move === 'smile').map((m) => ({ from: m.at, to: m.to ?? m.at + 0.5 }));
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  -  ').padStart(7);
const line = (label: string, r: Response) => `${label.padEnd(34)} happy ${f2(r.happy)} @${r.at.happy.toFixed(1).padStart(5)}   width ${f2(r.width)} @${r.at.width.toFixed(1).padStart(5)}   lift ${f2(r.lift)} @${r.at.lift.toFixed(1).padStart(5)}`;

const started = Date.now();
console.log(`smile thresholds now: happy delta ${DEFAULT_CHALLENGE_THRESHOLDS.smileDelta}`);
for (const c of GENUINE.filter((g) => !split || g.split === split)) {
  const src = clipPath(data, c.name);
  const rows = await measureVideo(recording(src, c.duration, join(dir, `rec_${c.name}.webm`)));
  const labelled = smiles(c);
  const near = (t: number, pad: number) => labelled.some((s) => t >= s.from - pad && t <= s.to + pad);
  const neutral = neutralOf(rows.filter((r) => !near(r.t, EDGE)));
  console.log(`\n${c.name} (${c.split}, ${rows.length} frames with a face) neutral: happy ${f2(neutral.happy)} width ${f2(neutral.width)} lift ${f2(neutral.lift)}`);
  for (const s of labelled) console.log(line(`  smile ${s.from}–${s.to}`, respond(rows.filter((r) => r.t >= s.from && r.t <= s.to), neutral)));
  console.log(line('  other (outside every smile)', respond(rows.filter((r) => !near(r.t, EDGE)), neutral)));
  // The labelled moves that are not smiles, each on its own (a blink or wink lasts ~0.3 s).
  for (const m of c.moves.filter((x) => x.move !== 'smile')) {
    const to = m.to ?? m.at + 0.3;
    const win = rows.filter((r) => r.t >= m.at && r.t <= to && !near(r.t, EDGE));
    if (win.length) console.log(line(`    ${m.move} ${m.at}–${to}`, respond(win, neutral)));
  }
  const photo = frameJpeg(src, 0.2, join(dir, `photo_${c.name}.jpg`));
  for (const [kind, video] of [
    ['still photo', stillPhoto(photo, PHOTO_SECONDS, join(dir, `still_${c.name}.webm`))],
    ['panned photo', pannedPhoto(photo, PHOTO_SECONDS, join(dir, `pan_${c.name}.webm`))],
  ] as const) {
    const p = await measureVideo(video);
    console.log(line(`  ${kind} (${p.length} frames)`, respond(p, neutralOf(p))));
  }
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
