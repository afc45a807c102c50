// Calibration of the screen-replay check (src/liveness/screen-frame.ts): for each genuine clip, the
// recording as the page uploads it and the same take replayed on every screen of SCREENS (monitor,
// tablet, laptop, phone, close: size on the view, pixel grid, angle, display colour), decoded like the
// pipeline (extractFrames, JPEG ≤ 640 px), faces from the face engine. Prints, per video and frame,
// both screen signals — framing (third-best side coverage, screen-frame.ts) and pixel-grid peak
// prominence (screen-grid.ts) — and the share of frames that show a screen; the check's CPU per
// frame; then the real screen-replay and bona fide stills of ../shared/data/spoof.
//   node --import tsx bench/screen-replay.ts [--split calibration|report] [--stills]   (media cached in SCREEN_MEDIA_DIR; --stills: the real stills only;
//   --acceptance-media DIR: instead, the acceptance bench's recordings and screen attacks kept in DIR (whole recordings, 8 frames spread over each, as the liveness stage samples);
//   SCREEN_REACHES=0.15,0.3 also prints the framing at other sideReach values; SCREEN_VARIANTS=monitor,close only those screens)
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createFaceEngine } from '../src/engines/face/human-faceapi.ts';
import { decodeImage } from '../src/engines/face/image.ts';
import type { Box, FaceEngine, RgbImage } from '../src/engines/face/port.ts';
import { extractFrames } from '../src/engines/media/ffmpeg.ts';
import { checkScreenReplay, framing, SCREEN_DEFAULTS, screenSides } from '../src/liveness/screen-frame.ts';
import { gridPeak } from '../src/liveness/screen-grid.ts';
import { clipBench, clipPath, GENUINE } from './acceptance-clips.ts';
import { recording, screenReplay, SCREENS } from './acceptance-media.ts';

const { data, split, dir, tools } = clipBench('screen-replay', 'SCREEN_MEDIA_DIR');
/** Frames looked at per video (the liveness stage uses as many, spread over the recording). */
const FRAMES = 8;
const SECONDS = Number(process.env.SCREEN_SECONDS ?? 4);
/** SCREEN_VARIANTS=monitor,close: only these screens of SCREENS (media generation is most of a cold run). */
const VARIANTS = process.env.SCREEN_VARIANTS?.split(',') ?? null;
/** SCREEN_REACHES=0.15,0.3: also print each frame's framing at these sideReach values (calibrating it). */
const REACHES = (process.env.SCREEN_REACHES ?? '').split(',').filter(Boolean).map(Number);

const largest = <T extends { box: Box }>(fs: T[]): T | null => fs.sort((a, b) => b.box.width * b.box.height - a.box.width * a.box.height)[0] ?? null;

async function faceFrames(engine: FaceEngine, video: string): Promise<Array<{ t: number; image: RgbImage; face: Box }>> {
  const work = mkdtempSync(join(tmpdir(), 'vkyc-screen-frames-'));
  try {
    const frames = await extractFrames(tools, video, work, { fps: 2 });
    const step = Math.max(1, frames.length / FRAMES);
    const out = [];
    for (let k = 0; k < frames.length && out.length < FRAMES; k += step) {
      const f = frames[Math.floor(k)]!;
      const image = await decodeImage(readFileSync(f.path));
      const face = largest(await engine.detect(image, { mesh: false, maxFaces: 3 }));
      if (face) out.push({ t: f.t, image, face: face.box });
    }
    return out;
  } finally { rmSync(work, { recursive: true, force: true }); }
}

const engine = createFaceEngine();
await engine.init();
const started = Date.now();
type Row = { clip: string; split: string; kind: string; framing: number; grid: number; share: number; edges: number; gridShare: number; flagged: boolean };
const rows: Row[] = [];
const cpuMs: number[] = [];
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)]! : 0; };
const stillsOnly = process.argv.includes('--stills');
const accMedia = process.argv.includes('--acceptance-media') ? process.argv[process.argv.indexOf('--acceptance-media') + 1] ?? null : null;
/** Videos of one clip: the bench's own (made here), or the acceptance bench's already made ones (--acceptance-media DIR). */
function clipVideos(c: (typeof GENUINE)[number]): Array<[string, string]> {
  if (accMedia) {
    const files = readdirSync(accMedia).filter((f) => f.endsWith('.webm') && !f.includes('.part') && (f === `rec_${c.name}.webm` || new RegExp(`^screen_(\\w+_)?${c.name}\\.webm$`).test(f)));
    return files.sort().map((f) => [f.startsWith('rec_') ? 'genuine' : `screen:${f.match(/^screen_(\w+)_/)?.[1] ?? 'monitor'}`, join(accMedia, f)]);
  }
  const src = clipPath(data, c.name);
  const seconds = Math.min(SECONDS, c.duration);
  const videos: Array<[string, string]> = [['genuine', recording(src, seconds, join(dir, `rec_${c.name}.webm`))]];
  for (const name of (Object.keys(SCREENS) as Array<keyof typeof SCREENS>).filter((n) => !VARIANTS || VARIANTS.includes(n))) videos.push([`screen:${name}`, screenReplay(src, seconds, join(dir, `screen_${name}_${c.name}.webm`), SCREENS[name])]);
  return videos;
}

for (const c of GENUINE.filter((g) => !stillsOnly && (!split || g.split === split))) {
  for (const [kind, video] of clipVideos(c)) {
    const frames = await faceFrames(engine, video);
    const cpu = process.cpuUsage();
    const check = checkScreenReplay(frames);
    const used = process.cpuUsage(cpu);
    cpuMs.push((used.user + used.system) / 1000 / Math.max(1, frames.length));
    const per = check.evidence.frames as Array<{ framing: number; grid: number }>;
    const e = check.evidence as { framed_share: number; edges_share: number; grid_share: number };
    const row = { clip: c.name, split: c.split, kind, framing: median(per.map((p) => p.framing)), grid: median(per.map((p) => p.grid)), share: e.framed_share, edges: e.edges_share, gridShare: e.grid_share, flagged: check.flagged };
    rows.push(row);
    // Calibration of sideReach: the framing of every frame at each other reach asked for.
    const alt = REACHES.map((r) => `reach ${r}: [${frames.map((f) => framing(screenSides(f.image, f.face, r)).toFixed(2)).join(' ')}]`).join('  ');
    console.log(`${c.name.padEnd(5)} ${c.split.padEnd(12)} ${kind.padEnd(15)} frames ${String(per.length).padStart(2)}  share ${row.share.toFixed(2)} (edges ${row.edges.toFixed(2)}, grid ${row.gridShare.toFixed(2)})  ${kind === 'genuine' ? (row.flagged ? 'FLAGGED' : 'ok') : (row.flagged ? 'flagged' : 'MISSED')}` +
      `   framing [${per.map((p) => p.framing.toFixed(2)).join(' ')}]  grid [${per.map((p) => p.grid.toFixed(1)).join(' ')}]${alt ? `  ${alt}` : ''}`);
  }
}

console.log('\nper kind and split: flagged / n (edges alone, grid alone); median over videos of the per-video median framing / grid (min–max)');
const kinds = [...new Set(rows.map((r) => r.kind))];
const range = (xs: number[], d: number) => `${median(xs).toFixed(d)} (${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)})`;
for (const s of [...new Set(rows.map((r) => r.split))]) {
  for (const k of kinds) {
    const rs = rows.filter((r) => r.split === s && r.kind === k);
    if (!rs.length) continue;
    const alone = (f: (r: Row) => number) => rs.filter((r) => f(r) >= SCREEN_DEFAULTS.minFramedShare).length;
    console.log(`${s.padEnd(12)} ${k.padEnd(15)} ${rs.filter((r) => r.flagged).length}/${rs.length} (edges ${alone((r) => r.edges)}, grid ${alone((r) => r.gridShare)})   framing ${range(rs.map((r) => r.framing), 3)}   grid ${range(rs.map((r) => r.grid), 1)}`);
  }
}
if (cpuMs.length) console.log(`screen check CPU per frame (both signals): median ${median(cpuMs).toFixed(1)} ms, max ${Math.max(...cpuMs).toFixed(1)} ms`);

console.log('\nreal stills (../shared/data/spoof): framing of the largest face, sides top/bottom/left/right');
const STILLS: Array<[string, string]> = [['silent-face/image_F2.jpg', 'screen'], ['inspireface/rgb_fake.jpg', 'screen'], ['silent-face/image_F1.jpg', 'print'], ['doubango/spoof.jpg', '2d spoof'], ['silent-face/image_T1.jpg', 'real'], ['doubango/genuine.jpg', 'real']];
for (const [file, label] of STILLS) {
  const image = await decodeImage(readFileSync(join(data, 'spoof', file)));
  const face = largest(await engine.detect(image, { mesh: false, maxFaces: 3 }));
  if (!face) { console.log(`${file.padEnd(28)} ${label.padEnd(9)} no face`); continue; }
  const s = screenSides(image, face.box);
  const f = framing(s);
  const g = gridPeak(image, face.box);
  const seen = f >= SCREEN_DEFAULTS.minCoverage || g.prominence >= SCREEN_DEFAULTS.minGridProminence;
  console.log(`${file.padEnd(28)} ${label.padEnd(9)} ${image.width}x${image.height} framing ${f.toFixed(3)} ${f >= SCREEN_DEFAULTS.minCoverage ? 'FRAMED' : 'not framed'}   t ${s.top.toFixed(2)} b ${s.bottom.toFixed(2)} l ${s.left.toFixed(2)} r ${s.right.toFixed(2)}` +
    `   grid ${g.prominence.toFixed(1)} (period ${g.period.map((p) => p.toFixed(1)).join('×')}, ${g.tiles} tiles)   → ${seen ? 'SCREEN' : 'no screen'}` +
    REACHES.map((r) => `  reach ${r}: ${framing(screenSides(image, face.box, r)).toFixed(3)}`).join(''));
  // The same still at ≤ 640 px wide, the size the pipeline decodes video at: a real display's pixel
  // grid that a full-resolution photo resolves may be gone there.
  const small = await decodeImage(await sharp(readFileSync(join(data, 'spoof', file))).rotate().resize({ width: 640, withoutEnlargement: true }).jpeg({ quality: 90 }).toBuffer());
  const sf = largest(await engine.detect(small, { mesh: false, maxFaces: 3 }));
  if (sf) console.log(`${''.padEnd(28)} at ${small.width}x${small.height}: framing ${framing(screenSides(small, sf.box)).toFixed(3)}   grid ${gridPeak(small, sf.box).prominence.toFixed(1)}`);
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
