// Repeated frames vs frozen vs looped video, on real clips (../shared/data/video/liveportrait), the
// way the self-record pipeline sees them: each clip re-timed to a camera of 8, 12 or 15 fps inside a
// 30 fps VP8 webm (what MediaRecorder writes from a slow webcam or a phone in low light), a frozen
// stream (one frame held 3 s while the container keeps delivering 30 fps) and a looped clip (the
// first seconds played again), sampled at the pipeline's 10 fps and checked with checkDuplicates.
// Prints the per-clip evidence the thresholds of frame-repeats.ts were set from.
// Run: node --import tsx bench/frame-repeats.ts [clip …]      (~1 min per clip on 2 busy cores)

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeImage } from '../src/engines/face/image.ts';
import { extractFrames, packetTimes } from '../src/engines/media/ffmpeg.ts';
import { frameSignature, meanAbsDiff } from '../src/liveness/frame-signature.ts';
import { checkDuplicates } from '../src/liveness/replay.ts';

const VIDEO = resolve(import.meta.dirname, '../../shared/data/video/liveportrait');
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };
const VP8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '1500k', '-an'];

export const VARIANTS: Record<string, { vf?: string; complex?: string; expect: 'pass' | 'frozen' | 'looped' }> = {
  cam30: { vf: 'fps=30', expect: 'pass' },
  cam15: { vf: 'fps=15,fps=30', expect: 'pass' },
  cam12: { vf: 'fps=12,fps=30', expect: 'pass' },
  cam8: { vf: 'fps=8,fps=30', expect: 'pass' },
  // Frame at 1.5 s held for 3 s (30 fps of the same picture), then the clip goes on.
  frozen: { complex: '[0:v]fps=30,split=3[a][b][c];[a]trim=0:1.5,setpts=PTS-STARTPTS[x];[b]trim=1.5:1.54,setpts=PTS-STARTPTS,tpad=stop_mode=clone:stop_duration=3[y];[c]trim=1.54,setpts=PTS-STARTPTS[z];[x][y][z]concat=n=3[v]', expect: 'frozen' },
  // The first 3 s, then 0.5–3 s again (a replayed stretch), at 12 fps in 30 fps like cam12.
  looped: { complex: '[0:v]fps=12,fps=30,split=2[a][b];[a]trim=0:3,setpts=PTS-STARTPTS[x];[b]trim=0.5:3,setpts=PTS-STARTPTS[y];[x][y]concat=n=2[v]', expect: 'looped' },
};

export function makeVariant(clip: string, variant: keyof typeof VARIANTS, out: string): void {
  const v = VARIANTS[variant]!;
  const filter = v.complex ? ['-filter_complex', v.complex, '-map', '[v]'] : ['-vf', v.vf!];
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', clip, '-t', '8', ...filter, ...VP8, out], { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The checks as the pipeline runs them on a decoded video (no face boxes: whole-frame crops). */
export async function assessFile(file: string, work: string) {
  const dir = mkdtempSync(join(work, 'frames-'));
  const frames = await extractFrames(tools, file, dir, { fps: 10 });
  const sigs = await Promise.all(frames.map(async (f) => frameSignature(await decodeImage(readFileSync(f.path)), null)));
  const containerTimes = await packetTimes(tools, file);
  const checks = checkDuplicates(sigs, {}, { times: frames.map((f) => f.t), containerTimes, loopMinSeconds: 1, loopMinRun: 3 });
  const mads = sigs.slice(1).map((s, i) => meanAbsDiff(s.frameThumb, sigs[i]!.frameThumb));
  return { checks, mads, frames: frames.length };
}

async function main() {
  if (!existsSync(VIDEO)) throw new Error(`${VIDEO} is missing: this benchmark needs the shared data set`);
  const clips = process.argv.slice(2).length ? process.argv.slice(2) : readdirSync(VIDEO).filter((f) => f.endsWith('.mp4')).map((f) => f.replace(/^driving_|\.mp4$/g, ''));
  const work = mkdtempSync(join(tmpdir(), 'vkyc-bench-repeats-'));
  let wrong = 0;
  try {
    for (const clip of clips) {
      for (const variant of Object.keys(VARIANTS)) {
        const file = join(work, `${clip}-${variant}.webm`);
        makeVariant(join(VIDEO, `driving_${clip}.mp4`), variant, file);
        const { checks, mads, frames } = await assessFile(file, work);
        const flagged = checks.filter((c) => c.flagged).map((c) => `${c.reason}${c.blocking ? '' : '(non-blocking)'}`);
        const blocked = checks.some((c) => c.flagged && c.blocking);
        const expect = VARIANTS[variant]!.expect;
        const ok = expect === 'pass' ? !blocked : checks.some((c) => c.flagged && c.blocking && c.reason === (expect === 'frozen' ? 'frozen_stream' : 'looped_frames'));
        if (!ok) wrong++;
        const e = checks[0]!.evidence as Record<string, unknown>;
        const under = (x: number) => mads.filter((m) => m < x).length;
        console.log(`${ok ? 'ok  ' : 'FAIL'} ${clip.padEnd(4)} ${variant.padEnd(7)} frames=${frames} flagged=[${flagged.join(',')}] distinct_fps=${e.distinct_fps} longest_hold=${e.longest_hold_seconds}s container_fps=${e.container_fps} consecutive MAD<0.25:${under(0.25)} <0.5:${under(0.5)} min=${Math.min(...mads).toFixed(2)}`);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(wrong ? `${wrong} variant(s) misjudged` : 'every variant judged as expected');
  if (wrong) process.exitCode = 1;
}

if (import.meta.filename === process.argv[1] || process.argv[1]?.endsWith('frame-repeats.ts')) await main();
