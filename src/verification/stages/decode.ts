import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { extractAudio, extractFrames, packetTimes, type Frame } from '../../engines/media/ffmpeg.ts';
import { VIDEO_DURATION_SLACK } from '../../domain/session.ts';
import { defineStage, type RunContext } from '../pipeline.ts';
import { decodeResult } from '../results/decode.ts';
import { ScratchKey } from '../scratch.ts';
import { THUMB_FPS, THUMB_HEIGHT, THUMB_WIDTH } from '../../liveness/loop-scan.ts';

/**
 * Decodes the video into sampled JPEG frames (FRAME_RATE per second, ≤ 640 px wide) and a 16 kHz
 * mono WAV. Ephemeral: the files live in the job's scratch directory, so on resume it runs again
 * (~0.6 s for 20 s of 640×480) instead of storing thousands of frames.
 */
export const decodeStage = defineStage(decodeResult)({
  name: 'decode',
  inputs: ['probe'],
  ephemeral: true,
  async run(ctx) {
    const file = await ctx.localFile('video');
    if (!file || ctx.input('probe').usable === false) return { frames: 0, audio: false, skipped: true };
    const dir = join(ctx.workDir, 'frames');
    await mkdir(dir, { recursive: true });
    // Never past the profile's maximum (+ slack), whatever the container says: the upload checked
    // the real length, this keeps a file that slipped through from holding the worker.
    const maxSeconds = ctx.session.profile.video_max_duration + VIDEO_DURATION_SLACK;
    // Every frame's grey thumbnail too (same decode): the loop scan needs all of them (liveness/loop-scan.ts).
    const thumbs = join(ctx.workDir, 'thumbs.gray');
    const frames = await extractFrames(ctx.deps.media, file, dir, {
      fps: ctx.deps.config.FRAME_RATE, maxWidth: 640, signal: ctx.signal, maxSeconds,
      thumbs: { file: thumbs, width: THUMB_WIDTH, height: THUMB_HEIGHT, fps: THUMB_FPS },
    });
    const wav = join(ctx.workDir, 'audio.wav');
    const audio = await extractAudio(ctx.deps.media, file, wav, ctx.signal, maxSeconds);
    // When the camera really delivered frames: tells a frozen image from a delivery gap (frame-repeats.ts).
    const containerTimes = await packetTimes(ctx.deps.media, file, ctx.signal, maxSeconds);
    ctx.scratch.set(DECODED, { frames, wav: audio ? wav : null, containerTimes, thumbs });
    return { frames: frames.length, fps: ctx.deps.config.FRAME_RATE, audio };
  },
});

export interface Decoded {
  frames: Frame[];
  wav: string | null;
  containerTimes?: number[] | null;
  /** Raw grey thumbnails of every frame (liveness/loop-scan.ts layout). */
  thumbs?: string | null;
}

/** The decoded frames and WAV of this run (scratch files in workDir). */
export const DECODED = new ScratchKey<Decoded>('decoded');

/** What decode left for this run; nothing when it skipped (no usable video) or is not in the pipeline. */
export function decodedOf(ctx: RunContext): Decoded {
  return ctx.scratch.get(DECODED) ?? { frames: [], wav: null };
}
