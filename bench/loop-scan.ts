// Calibration of the every-frame loop scan (src/liveness/loop-scan.ts): for each genuine clip, the
// recording as the page uploads it and a replay of a ~3 s take of it (started off the frame grid,
// re-encoded), decoded by the pipeline's own decode (extractFrames with thumbnails). Prints the
// closest repeated moving stretch per video (grey levels; the scan flags ≤ its limit, 0.8).
//   node --import tsx bench/loop-scan.ts [--split calibration|report]   (media cached in LOOP_MEDIA_DIR)
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractFrames } from '../src/engines/media/ffmpeg.ts';
import { scanForLoop, splitThumbs, THUMB_FPS, THUMB_HEIGHT, THUMB_WIDTH } from '../src/liveness/loop-scan.ts';
import { clipBench, clipPath, GENUINE } from './acceptance-clips.ts';
import { loopedClip, recording } from './acceptance-media.ts';

const { data, split, dir, tools } = clipBench('loop-scan', 'LOOP_MEDIA_DIR');

async function closest(video: string): Promise<{ distance: number | null; flagged: boolean }> {
  const work = mkdtempSync(join(tmpdir(), 'vkyc-loop-frames-'));
  const thumbs = join(work, 'thumbs.gray');
  await extractFrames(tools, video, work, { fps: 10, thumbs: { file: thumbs, width: THUMB_WIDTH, height: THUMB_HEIGHT, fps: THUMB_FPS } });
  const frames = splitThumbs(readFileSync(thumbs));
  const any = scanForLoop(frames, { maxMad: Number.POSITIVE_INFINITY });
  return { distance: (any.evidence.distance as number | undefined) ?? null, flagged: scanForLoop(frames).flagged };
}

const rows: string[] = [];
for (const c of GENUINE.filter((g) => !split || g.split === split)) {
  const src = clipPath(data, c.name);
  const genuine = await closest(recording(src, c.duration, join(dir, `rec_${c.name}.webm`)));
  const len = Math.min(3.1, c.duration - 0.4);
  const loop = await closest(loopedClip(src, 0.37, 0.37 + len, 2, join(dir, `loop_${c.name}.webm`)));
  rows.push(`${c.name.padEnd(5)} ${c.split.padEnd(12)} genuine ${String(genuine.distance ?? '–').padStart(6)} ${genuine.flagged ? 'FLAGGED' : 'ok     '}   loop ${String(loop.distance ?? '–').padStart(6)} ${loop.flagged ? 'flagged' : 'MISSED'}`);
  console.log(rows.at(-1));
}
