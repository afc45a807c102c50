import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { extractAudio, extractFrames, packetTimes, type Frame } from '../../engines/media/ffmpeg.ts';
import type { Stage, StageContext } from '../pipeline.ts';

/**
 * Decodes the video into sampled JPEG frames (FRAME_RATE per second, ≤ 640 px wide) and a 16 kHz
 * mono WAV. Ephemeral: the files live in the job's scratch directory, so on resume it runs again
 * (~0.6 s for 20 s of 640×480) instead of storing thousands of frames.
 */
export const decodeStage: Stage = {
  name: 'decode',
  ephemeral: true,
  async run(ctx) {
    const probe = ctx.results.probe as { usable?: boolean } | undefined;
    const file = await ctx.localFile('video');
    if (!file || probe?.usable === false) return { frames: 0, audio: false, skipped: true };
    const dir = join(ctx.workDir, 'frames');
    await mkdir(dir, { recursive: true });
    const frames = await extractFrames(ctx.deps.media, file, dir, { fps: ctx.deps.config.FRAME_RATE, maxWidth: 640, signal: ctx.signal });
    const wav = join(ctx.workDir, 'audio.wav');
    const audio = await extractAudio(ctx.deps.media, file, wav, ctx.signal);
    // When the camera really delivered frames: tells a frozen image from a delivery gap (frame-repeats.ts).
    const containerTimes = await packetTimes(ctx.deps.media, file, ctx.signal);
    ctx.scratch.set('decoded', { frames, wav: audio ? wav : null, containerTimes } satisfies Decoded);
    return { frames: frames.length, fps: ctx.deps.config.FRAME_RATE, audio };
  },
};

export interface Decoded { frames: Frame[]; wav: string | null; containerTimes?: number[] | null }

export function decodedOf(ctx: StageContext): Decoded {
  return (ctx.scratch.get('decoded') as Decoded | undefined) ?? { frames: [], wav: null };
}
