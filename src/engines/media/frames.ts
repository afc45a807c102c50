// Sampled video frames straight into memory: ffmpeg writes each sampled frame as a PPM image to a
// pipe, and only the frames the caller keeps are copied out (the rest are skipped as they pass).
//
// Why not JPEG files: the face stage keeps about a third of the frames it samples, yet every one
// was JPEG-encoded, written, and the kept ones read back and JPEG-decoded again (~300 files for a
// 30 s video). A PPM carries its own size in its header, so rotation and scaling stay ffmpeg's
// business and nothing here has to predict the output size.

import type { RgbImage } from '../rgb-image.ts';
import { bound, firstLine, MediaError, run, thumbsArgs, type MediaTools, type ThumbsOutput } from './ffmpeg.ts';

/** A sampled frame: its time (frame i at i/fps) and, when the caller kept it, its pixels. */
export interface VideoFrame { t: number; image: RgbImage | null }

interface DecodeFramesOptions {
  fps: number;
  /** Frames wider than this are scaled down (aspect kept). Default 640. */
  maxWidth?: number;
  signal?: AbortSignal;
  maxSeconds?: number;
  /** Thumbnails of every frame into a file, from the same decode (loop scan). */
  thumbs?: ThumbsOutput;
  /** Which sampled frames to keep in memory; default all. */
  keep?: (index: number, t: number) => boolean;
  /** Called with each kept frame as soon as it is decoded (the face models can start on it). */
  onFrame?: (index: number, frame: VideoFrame) => void;
}

/** Splits a stream of binary PPM (P6, maxval 255) images, copying out only the kept ones. */
export class PpmSplitter {
  #header: number[] = [];
  #frame: { width: number; height: number; remaining: number; data: Uint8Array | null; offset: number } | null = null;
  #index = 0;

  constructor(private readonly keep: (index: number) => boolean, private readonly emit: (index: number, image: RgbImage | null) => void) {}

  push(chunk: Uint8Array): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (!this.#frame) {
        pos = this.#readHeader(chunk, pos);
        continue;
      }
      const f = this.#frame;
      const take = Math.min(f.remaining, chunk.length - pos);
      f.data?.set(chunk.subarray(pos, pos + take), f.offset);
      f.offset += take;
      f.remaining -= take;
      pos += take;
      if (f.remaining === 0) {
        this.emit(this.#index++, f.data ? { width: f.width, height: f.height, data: f.data } : null);
        this.#frame = null;
      }
    }
  }

  /** True when the stream ended on a frame boundary. */
  get complete(): boolean {
    return !this.#frame && this.#header.length === 0;
  }

  /** Reads header bytes ("P6 <w> <h> 255" + one whitespace) from pos; returns where it stopped. */
  #readHeader(chunk: Uint8Array, pos: number): number {
    while (pos < chunk.length) {
      this.#header.push(chunk[pos++]!);
      const text = String.fromCharCode(...this.#header);
      const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s$/.exec(text);
      if (m) {
        const width = Number(m[1]), height = Number(m[2]);
        if (m[3] !== '255' || !width || !height) throw new MediaError('media_unreadable', `unexpected frame format from ffmpeg: ${text.trim()}`);
        const size = width * height * 3;
        this.#frame = { width, height, remaining: size, data: this.keep(this.#index) ? new Uint8Array(size) : null, offset: 0 };
        this.#header = [];
        return pos;
      }
      if (this.#header.length > 32) throw new MediaError('media_unreadable', 'ffmpeg wrote something that is not a PPM frame');
    }
    return pos;
  }
}

/**
 * Samples frames at `fps` (scaled to at most `maxWidth` px wide, rotation applied), keeping the
 * pixels of the frames `keep` selects; optionally writes every frame's thumbnail (`thumbs`) from the
 * same decode. Returns every sampled frame in order, `image` null for those not kept.
 */
export async function decodeFrames(tools: MediaTools, file: string, opts: DecodeFramesOptions): Promise<VideoFrame[]> {
  const w = opts.maxWidth ?? 640;
  const keep = opts.keep ?? (() => true);
  const frames: VideoFrame[] = [];
  const splitter = new PpmSplitter((i) => keep(i, i / opts.fps), (i, image) => {
    // The fps filter places frame i at time i/fps (+ half a period on average); good enough for
    // prompt windows of a second or more.
    const frame = { t: i / opts.fps, image };
    frames.push(frame);
    if (image) opts.onFrame?.(i, frame);
  });
  let streamError: unknown = null;
  const r = await run(tools.ffmpeg, [
    '-hide_banner', '-nostats', '-v', 'error', '-i', file, ...bound(opts.maxSeconds), '-map', '0:v:0',
    '-vf', `fps=${opts.fps},scale='min(${w},iw)':-2`, '-pix_fmt', 'rgb24', '-c:v', 'ppm', '-f', 'image2pipe', 'pipe:1',
    ...thumbsArgs(opts.thumbs, opts.maxSeconds),
  ], 120_000, opts.signal, (chunk) => {
    if (streamError) return;
    try {
      splitter.push(chunk);
    } catch (e) {
      streamError = e;
    }
  });
  if (streamError) throw streamError;
  if (r.code !== 0) throw new MediaError('media_unreadable', firstLine(r.stderr) || 'frame extraction failed');
  if (!splitter.complete) throw new MediaError('media_unreadable', 'the frame stream from ffmpeg ended inside a frame');
  return frames;
}
