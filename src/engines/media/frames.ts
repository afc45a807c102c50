// Sampled video frames into memory: ffmpeg writes each sampled frame as a PPM image (raw RGB with
// a small header), and only the frames the caller keeps are read back.
//
// Why not JPEG files: the face stage keeps about a third of the frames it samples (in a plan
// without blink), yet every one was JPEG-encoded, written, and the kept ones read back and
// JPEG-decoded again (~300 files for a 30 s video); a PPM is written and read as raw bytes.

import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
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

/** A kept frame as it comes out of the decoder: its index among the sampled frames, time, pixels. */
export interface KeptFrame { index: number; t: number; image: RgbImage }

export interface FrameStream {
  /** The kept frames in order, each as soon as ffmpeg has written it; consume to the end. */
  frames: AsyncIterable<KeptFrame>;
  /** How many frames were sampled (kept or not), once ffmpeg has finished. */
  done: Promise<number>;
}

/** How long to wait before looking for the next frame file again while ffmpeg runs. */
const POLL_MS = 10;

/**
 * Samples frames at `fps` (scaled to at most `maxWidth` px wide, rotation applied) as PPM files in
 * `dir` and hands out the frames `keep` selects while ffmpeg still runs (no image decoding: a PPM
 * is raw RGB); every file is removed once looked at. Optionally writes every frame's thumbnail
 * (`thumbs`) from the same decode.
 * Files, not a pipe: through a 64 KiB pipe ffmpeg and this process take turns ~15 times per frame,
 * and on a loaded machine each turn waits for the scheduler (a 30 s video took 14–17 s instead of
 * 6 s at load 13; CPU was lower). ffmpeg writes each file under a temporary name and renames it
 * when complete (`-atomic_writing`), so a frame file that exists is whole.
 */
export function streamFrames(tools: MediaTools, file: string, opts: DecodeFramesOptions & { dir: string }): FrameStream {
  const w = opts.maxWidth ?? 640;
  const keep = opts.keep ?? (() => true);
  const exited = mkdir(opts.dir, { recursive: true }).then(() => run(tools.ffmpeg, [
    '-hide_banner', '-nostats', '-v', 'error', '-i', file, ...bound(opts.maxSeconds), '-map', '0:v:0',
    '-vf', `fps=${opts.fps},scale='min(${w},iw)':-2`, '-pix_fmt', 'rgb24', '-c:v', 'ppm', '-atomic_writing', '1', join(opts.dir, 'f_%05d.ppm'),
    ...thumbsArgs(opts.thumbs, opts.maxSeconds),
  ], 120_000, opts.signal)).then((r) => {
    if (r.code !== 0) throw new MediaError('media_unreadable', firstLine(r.stderr) || 'frame extraction failed');
  });
  exited.catch(() => undefined); // thrown to the consumer of `frames` and by `done`
  let finished = false;
  const finish = () => { finished = true; };
  exited.then(finish, finish);
  let seen = 0; // frame files looked at (and removed) so far
  async function* frames(): AsyncGenerator<KeptFrame> {
    // ffmpeg numbers its files from 1: file i + 1 is sampled frame i. The fps filter places frame i
    // at time i/fps (+ half a period on average); good enough for prompt windows of a second or more.
    for (let i = 0; ; i++) {
      const path = join(opts.dir, `f_${String(i + 1).padStart(5, '0')}.ppm`);
      let buf = await readIfThere(path, keep(i, i / opts.fps));
      while (buf === null) {
        if (finished) {
          await exited; // throws ffmpeg's failure
          buf = await readIfThere(path, keep(i, i / opts.fps)); // renamed just before it exited
          if (buf === null) return;
          break;
        }
        await Promise.race([exited, new Promise((r) => setTimeout(r, POLL_MS))]).catch(() => undefined);
        buf = await readIfThere(path, keep(i, i / opts.fps));
      }
      seen = i + 1; // before the file goes: `done` counts files still there and those seen
      await rm(path, { force: true });
      if (buf !== SKIPPED) yield { index: i, t: i / opts.fps, image: parsePpm(buf) };
    }
  }
  // Once ffmpeg is done every file exists: those not yet looked at are still in the directory.
  const done = exited.then(async () => Math.max(seen, ...(await readdir(opts.dir)).map((f) => Number(/^f_(\d+)\.ppm$/.exec(f)?.[1] ?? 0))));
  done.catch(() => undefined); // a failure is for whoever awaits `done`, maybe only after consuming `frames`
  return { frames: frames(), done };
}

/** Sentinel for a frame file that exists but is not kept (removed unread). */
const SKIPPED = new Uint8Array(0);

/** The file's bytes (or SKIPPED when not wanted); null when it is not there yet. */
async function readIfThere(path: string, wanted: boolean): Promise<Uint8Array | null> {
  try {
    return wanted ? await readFile(path) : (await stat(path), SKIPPED);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/**
 * Every sampled frame in order, `image` null for those not kept (streamFrames, waited for to the end).
 */
export async function decodeFrames(tools: MediaTools, file: string, opts: DecodeFramesOptions & { dir: string }): Promise<VideoFrame[]> {
  const stream = streamFrames(tools, file, opts);
  const kept = new Map<number, RgbImage>();
  for await (const f of stream.frames) {
    kept.set(f.index, f.image);
    opts.onFrame?.(f.index, { t: f.t, image: f.image });
  }
  const n = await stream.done;
  return Array.from({ length: n }, (_, i) => ({ t: i / opts.fps, image: kept.get(i) ?? null }));
}

/**
 * The image of one binary PPM file (P6, maxval 255: "P6 <w> <h> 255" and one whitespace, then
 * w×h×3 bytes), its pixels a view of `buf` (no copy).
 */
export function parsePpm(buf: Uint8Array): RgbImage {
  const head = Buffer.from(buf.buffer, buf.byteOffset, Math.min(32, buf.length)).toString('latin1');
  const m = /^P6\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(head);
  if (!m) throw new MediaError('media_unreadable', 'ffmpeg wrote something that is not a PPM frame');
  const width = Number(m[1]), height = Number(m[2]);
  if (m[3] !== '255' || !width || !height) throw new MediaError('media_unreadable', `unexpected frame format from ffmpeg: ${m[0].trim()}`);
  const start = m[0].length, size = width * height * 3;
  if (buf.length < start + size) throw new MediaError('media_unreadable', 'ffmpeg wrote an incomplete frame');
  return { width, height, data: buf.subarray(start, start + size) };
}
