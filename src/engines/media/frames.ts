// Sampled video frames into memory: ffmpeg writes each sampled frame as a PPM image (raw RGB with
// a small header), and only the frames the caller keeps are read back.
//
// Why not JPEG files: the face stage keeps about a third of the frames it samples (in a plan
// without blink), yet every one was JPEG-encoded, written, and the kept ones read back and
// JPEG-decoded again (~300 files for a 30 s video); a PPM is written and read as raw bytes.

import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
 * Samples frames at `fps` (scaled to at most `maxWidth` px wide, rotation applied) as PPM files in
 * `dir`, then reads back only the frames `keep` selects (no image decoding: a PPM is raw RGB) and
 * removes the files; optionally writes every frame's thumbnail (`thumbs`) from the same decode.
 * Files, not a pipe: through a 64 KiB pipe ffmpeg and this process take turns ~15 times per frame,
 * and on a loaded machine each turn waits for the scheduler (a 30 s video took 14–17 s instead of
 * 6 s at load 13; CPU was lower). Returns every sampled frame in order, `image` null for those not kept.
 */
export async function decodeFrames(tools: MediaTools, file: string, opts: DecodeFramesOptions & { dir: string }): Promise<VideoFrame[]> {
  const w = opts.maxWidth ?? 640;
  const keep = opts.keep ?? (() => true);
  await mkdir(opts.dir, { recursive: true });
  const r = await run(tools.ffmpeg, [
    '-hide_banner', '-nostats', '-v', 'error', '-i', file, ...bound(opts.maxSeconds), '-map', '0:v:0',
    '-vf', `fps=${opts.fps},scale='min(${w},iw)':-2`, '-pix_fmt', 'rgb24', '-c:v', 'ppm', join(opts.dir, 'f_%05d.ppm'),
    ...thumbsArgs(opts.thumbs, opts.maxSeconds),
  ], 120_000, opts.signal);
  if (r.code !== 0) throw new MediaError('media_unreadable', firstLine(r.stderr) || 'frame extraction failed');
  const files = (await readdir(opts.dir)).filter((f) => /^f_\d+\.ppm$/.test(f)).sort();
  // The fps filter places frame i at time i/fps (+ half a period on average); good enough for
  // prompt windows of a second or more.
  const frames = await Promise.all(files.map(async (f, i): Promise<VideoFrame> => {
    const path = join(opts.dir, f);
    const t = i / opts.fps;
    const image = keep(i, t) ? readPpm(await readFile(path)) : null;
    await rm(path, { force: true });
    const frame = { t, image };
    if (image) opts.onFrame?.(i, frame);
    return frame;
  }));
  return frames;
}

/** The one PPM image in `buf`. */
function readPpm(buf: Uint8Array): RgbImage {
  let out: RgbImage | null = null;
  const s = new PpmSplitter(() => true, (_, img) => { out = img; });
  s.push(buf);
  if (!out || !s.complete) throw new MediaError('media_unreadable', 'ffmpeg wrote an incomplete frame');
  return out;
}
