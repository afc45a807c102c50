import { join } from 'node:path';
import { extractAudio, packetTimes } from '../../engines/media/ffmpeg.ts';
import { streamFrames } from '../../engines/media/frames.ts';
import { frameSelector, planWindows } from './frame-plan.ts';
import { VIDEO_DURATION_SLACK } from '../../domain/session.ts';
import { defineStage, type RunContext } from '../pipeline.ts';
import { decodeResult } from '../results/decode.ts';
import { ScratchKey } from '../scratch.ts';
import { startVideoFaces } from './video-faces.ts';
import { THUMB_FPS, THUMB_HEIGHT, THUMB_WIDTH } from '../../liveness/loop-scan.ts';

/**
 * Decodes the video: sampled frames (FRAME_RATE per second, ≤ 640 px wide) of which only those the
 * face stage will analyse are kept, in memory (frame-plan.ts), and handed to the face models as
 * they come (video-faces.ts), a grey thumbnail of every frame for the loop scan, a 16 kHz mono WAV
 * and the container's packet times. The three reads of the file run side by side. Ephemeral: the
 * frames live in memory and the files in the job's scratch directory, so on resume it runs again
 * instead of storing frames.
 */
export const decodeStage = defineStage(decodeResult)({
  name: 'decode',
  inputs: ['probe'],
  ephemeral: true,
  async run(ctx) {
    const file = await ctx.localFile('video');
    if (!file || ctx.input('probe').usable === false) return { frames: 0, audio: false, skipped: true };
    // Never past the profile's maximum (+ slack), whatever the container says: the upload checked
    // the real length, this keeps a file that slipped through from holding the worker.
    const maxSeconds = ctx.session.profile.video_max_duration + VIDEO_DURATION_SLACK;
    // Every frame's grey thumbnail too (same decode): the loop scan needs all of them (liveness/loop-scan.ts).
    const thumbs = join(ctx.workDir, 'thumbs.gray');
    const wav = join(ctx.workDir, 'audio.wav');
    const fps = ctx.deps.config.FRAME_RATE;
    const keep = frameSelector(ctx, planWindows(ctx));
    const stream = streamFrames(ctx.deps.media, file, {
      fps, maxWidth: 640, signal: ctx.signal, maxSeconds,
      thumbs: { file: thumbs, width: THUMB_WIDTH, height: THUMB_HEIGHT, fps: THUMB_FPS },
      keep, dir: join(ctx.workDir, 'frames'),
    });
    // The face models start on the first kept frames while ffmpeg decodes the rest (video-faces.ts).
    startVideoFaces(ctx, stream.frames, expectedKept(keep, fps, Math.min(maxSeconds, ctx.input('probe').duration_seconds ?? maxSeconds)));
    const [sampled, audio, containerTimes] = await Promise.all([
      stream.done,
      extractAudio(ctx.deps.media, file, wav, ctx.signal, maxSeconds),
      // When the camera really delivered frames: tells a frozen image from a delivery gap (frame-repeats.ts).
      packetTimes(ctx.deps.media, file, ctx.signal, maxSeconds),
    ]);
    ctx.scratch.set(DECODED, { sampled, wav: audio ? wav : null, containerTimes, thumbs });
    return { frames: sampled, fps, audio };
  },
});

export interface Decoded {
  /** How many frames were sampled (FRAME_RATE per second); the kept ones went to the face models (video-faces.ts). */
  sampled: number;
  wav: string | null;
  containerTimes?: number[] | null;
  /** Raw grey thumbnails of every frame (liveness/loop-scan.ts layout). */
  thumbs?: string | null;
}

/** The decoded frames (in memory) and WAV of this run (scratch files in workDir). */
export const DECODED = new ScratchKey<Decoded>('decoded');

/** What decode left for this run; nothing when it skipped (no usable video) or is not in the pipeline. */
export function decodedOf(ctx: RunContext): Decoded {
  return ctx.scratch.get(DECODED) ?? { sampled: 0, wav: null };
}

/** How many frames `keep` selects of a video `seconds` long sampled at `fps` (the count decode will hand out). */
function expectedKept(keep: (index: number, t: number) => boolean, fps: number, seconds: number): number {
  let n = 0;
  for (let i = 0; i < Math.round(seconds * fps); i++) if (keep(i, i / fps)) n++;
  return n;
}
