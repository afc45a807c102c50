// Calibration of the every-frame freeze scan (src/liveness/freeze-scan.ts): for each genuine clip,
// the recording as the page uploads it and as 8 and 12 fps cameras deliver it (frames repeated in
// the 30 fps recording), and the take followed by a 4 s frozen tail (bit-identical, and with fresh
// noise on every frame), decoded by the pipeline's own decode (extractFrames with thumbnails).
// Prints each video's longest still stretch (seconds every thumbnail stays within maxMad of the
// stretch's first) for several maxMad; the scan flags ≥ minSeconds (2).
//   node --import tsx bench/freeze-scan.ts [--split calibration|report]   (media cached in FREEZE_MEDIA_DIR)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFrames, packetTimes } from '../src/engines/media/ffmpeg.ts';
import { scanForFreeze, stillStretches } from '../src/liveness/freeze-scan.ts';
import { splitThumbs, THUMB_FPS, THUMB_HEIGHT, THUMB_WIDTH } from '../src/liveness/loop-scan.ts';
import { clipBench, clipPath, GENUINE } from './acceptance-clips.ts';
import { frozenTail, recording, slowCamera } from './acceptance-media.ts';

const { data, split, dir, tools } = clipBench('freeze-scan', 'FREEZE_MEDIA_DIR');
const MADS = [0.4, 0.6, 0.8, 1.0, 1.5];
const TAIL = 4;

async function longest(video: string): Promise<{ seconds: number[]; flagged: boolean }> {
  const work = mkdtempSync(join(tmpdir(), 'vkyc-freeze-frames-'));
  try {
    const thumbs = join(work, 'thumbs.gray');
    await extractFrames(tools, video, work, { fps: 10, thumbs: { file: thumbs, width: THUMB_WIDTH, height: THUMB_HEIGHT, fps: THUMB_FPS } });
    const frames = splitThumbs(readFileSync(thumbs));
    const seconds = MADS.map((m) => Math.max(0, ...stillStretches(frames, m).map((s) => (s.to - s.from) / THUMB_FPS)));
    return { seconds, flagged: scanForFreeze(frames, await packetTimes(tools, video)).flagged };
  } finally { rmSync(work, { recursive: true, force: true }); }
}

const started = Date.now();
console.log(`longest still stretch (s) at maxMad ${MADS.join(' / ')}; scan verdict at the defaults`);
for (const c of GENUINE.filter((g) => !split || g.split === split)) {
  const src = clipPath(data, c.name);
  const take = Math.min(c.duration, 10);
  const videos: Array<[string, string, boolean]> = [
    ['genuine', recording(src, c.duration, join(dir, `rec_${c.name}.webm`)), false],
    ['cam12', slowCamera(src, c.duration, 12, join(dir, `cam12_${c.name}.webm`)), false],
    ['cam8', slowCamera(src, c.duration, 8, join(dir, `cam8_${c.name}.webm`)), false],
    ['tail', frozenTail(src, take, TAIL, false, join(dir, `tail_${c.name}.webm`)), true],
    ['tail_noisy', frozenTail(src, take, TAIL, true, join(dir, `tail_noisy_${c.name}.webm`)), true],
  ];
  for (const [kind, video, attack] of videos) {
    const r = await longest(video);
    console.log(`${c.name.padEnd(5)} ${c.split.padEnd(12)} ${kind.padEnd(11)} ${r.seconds.map((s) => s.toFixed(2).padStart(6)).join(' ')}   ${attack ? (r.flagged ? 'flagged' : 'MISSED') : (r.flagged ? 'FLAGGED' : 'ok')}`);
  }
}
console.log(`\n${((Date.now() - started) / 1000).toFixed(0)} s, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
