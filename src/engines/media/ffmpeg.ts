import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ProcessError, runProcess, type RunResult } from '../process.ts';

// ffmpeg/ffprobe as child processes (engines/process.ts: argument arrays, never a shell; a timeout
// that kills the process group; bounded captured output). Inputs are files on disk: an mp4 whose index sits at the
// end cannot be decoded from a pipe.

export interface MediaTools { ffmpeg: string; ffprobe: string }

export class MediaError extends Error {
  constructor(readonly code: 'media_unreadable' | 'media_timeout' | 'tool_missing', message: string) {
    super(message);
  }
}

/**
 * ffmpeg/ffprobe through the one process runner (engines/process.ts), its failures in media terms:
 * a timeout is `media_timeout`, a missing binary `tool_missing`. An aborted run resolves with
 * `code: null` (what a killed process reports), so the caller's own exit-code check refuses it.
 */
export async function run(cmd: string, args: string[], timeoutMs: number, signal?: AbortSignal): Promise<RunResult> {
  try {
    // 1 MiB of output is plenty for probes; more means something is wrong.
    return await runProcess(cmd, args, { timeoutMs, maxOutput: 1 << 20, ...(signal ? { signal } : {}) });
  } catch (e) {
    if (!(e instanceof ProcessError)) throw e;
    if (e.reason === 'timeout') throw new MediaError('media_timeout', `${cmd} timed out after ${timeoutMs} ms`);
    if (e.reason === 'spawn' && e.errno === 'ENOENT') throw new MediaError('tool_missing', `${cmd} not found: install ffmpeg (apt-get install ffmpeg)`);
    if (e.reason === 'aborted' && e.result) return e.result;
    throw e;
  }
}

interface ProbeResult {
  format: string;
  duration_seconds: number | null;
  video: { codec: string; width: number; height: number; fps: number | null; rotation: number } | null;
  audio: { codec: string; sample_rate: number; channels: number } | null;
}

interface FfprobeStream {
  codec_type?: string; codec_name?: string; width?: number; height?: number; avg_frame_rate?: string;
  sample_rate?: string; channels?: number; tags?: { rotate?: string }; side_data_list?: Array<{ rotation?: number }>;
}

interface ProbeOptions {
  signal?: AbortSignal;
  /** Bound of the null decode used when the header has no duration (default: no bound). */
  maxSeconds?: number;
  /** false: do not decode to find a missing duration (the caller measures it itself). */
  measure?: boolean;
}

export async function probe(tools: MediaTools, file: string, opts: ProbeOptions | AbortSignal = {}): Promise<ProbeResult> {
  const o: ProbeOptions = opts instanceof AbortSignal ? { signal: opts } : opts;
  const signal = o.signal;
  const r = await run(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], 20_000, signal);
  if (r.code !== 0) throw new MediaError('media_unreadable', firstLine(r.stderr) || 'ffprobe could not read the file');
  let info: { format?: { format_name?: string; duration?: string }; streams?: FfprobeStream[] };
  try {
    info = JSON.parse(r.stdout);
  } catch {
    throw new MediaError('media_unreadable', 'ffprobe gave no readable answer');
  }
  const v = info.streams?.find((s) => s.codec_type === 'video');
  const a = info.streams?.find((s) => s.codec_type === 'audio');
  let duration = info.format?.duration ? Number(info.format.duration) : null;
  // Chrome's MediaRecorder webm has no duration in its header; a null decode of the audio (or
  // video) finds the real length quickly.
  if ((duration === null || !Number.isFinite(duration)) && o.measure !== false) duration = await decodedDuration(tools, file, Boolean(a), o.maxSeconds, signal);
  if (duration !== null && !Number.isFinite(duration)) duration = null;
  return {
    format: info.format?.format_name ?? 'unknown',
    duration_seconds: duration,
    video: v ? {
      codec: v.codec_name ?? 'unknown', width: v.width ?? 0, height: v.height ?? 0, fps: rate(v.avg_frame_rate),
      rotation: Number(v.tags?.rotate ?? v.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? 0),
    } : null,
    audio: a ? { codec: a.codec_name ?? 'unknown', sample_rate: Number(a.sample_rate ?? 0), channels: a.channels ?? 0 } : null,
  };
}

async function decodedDuration(tools: MediaTools, file: string, hasAudio: boolean, maxSeconds: number | undefined, signal?: AbortSignal): Promise<number | null> {
  const r = await run(tools.ffmpeg, ['-hide_banner', '-nostats', '-i', file, ...bound(maxSeconds), '-map', hasAudio ? '0:a:0' : '0:v:0', '-f', 'null', '-'], 60_000, signal);
  const times = [...r.stderr.matchAll(/time=(\d+):(\d+):(\d+(?:\.\d+)?)/g)];
  const last = times.at(-1);
  if (!last) return null;
  return Number(last[1]) * 3600 + Number(last[2]) * 60 + Number(last[3]);
}

function rate(r?: string): number | null {
  if (!r) return null;
  const [n, d] = r.split('/').map(Number);
  return n && d ? n / d : null;
}

export const firstLine = (s: string) => s.trim().split('\n').at(-1)?.slice(0, 300) ?? '';

export interface Frame { t: number; path: string }

/** `-t` as an output option: decoding stops at that much media time, whatever the header says. */
export const bound = (maxSeconds?: number) => (maxSeconds === undefined ? [] : ['-t', String(maxSeconds)]);

/** Every frame as grey thumbnails, in the same decode: `width`×`height`, constant `fps`, raw bytes into `file`. */
export interface ThumbsOutput { file: string; width: number; height: number; fps: number }

/** ffmpeg output options writing the thumbnails (a second output of the same decode). */
export function thumbsArgs(th: ThumbsOutput | undefined, maxSeconds?: number): string[] {
  return th ? [...bound(maxSeconds), '-map', '0:v:0', '-vf', `fps=${th.fps},scale=${th.width}:${th.height}:flags=area,format=gray`, '-f', 'rawvideo', '-y', th.file] : [];
}

/**
 * Samples frames at `fps` as JPEG files (scaled to at most `maxWidth` px wide, rotation applied);
 * optionally also writes a thumbnail of every frame (`thumbs`), decoding the video only once. The
 * pipeline decodes into memory instead (media/frames.ts); benches that keep frame files use this.
 */
export async function extractFrames(tools: MediaTools, file: string, outDir: string, opts: { fps: number; maxWidth?: number; signal?: AbortSignal; maxSeconds?: number; thumbs?: ThumbsOutput }): Promise<Frame[]> {
  const w = opts.maxWidth ?? 640;
  const thumbs = thumbsArgs(opts.thumbs, opts.maxSeconds);
  const r = await run(tools.ffmpeg, [
    '-hide_banner', '-nostats', '-v', 'error', '-i', file, ...bound(opts.maxSeconds), '-map', '0:v:0',
    '-vf', `fps=${opts.fps},scale='min(${w},iw)':-2`, '-q:v', '3', join(outDir, 'f_%05d.jpg'), ...thumbs,
  ], 120_000, opts.signal);
  if (r.code !== 0) throw new MediaError('media_unreadable', firstLine(r.stderr) || 'frame extraction failed');
  const files = (await readdir(outDir)).filter((f) => /^f_\d+\.jpg$/.test(f)).sort();
  // The fps filter places frame i at time i/fps (+ half a period on average); good enough for
  // prompt windows of a second or more.
  return files.map((f, i) => ({ t: i / opts.fps, path: join(outDir, f) }));
}

/**
 * Presentation times of the first video stream's packets (seconds from its first frame, sorted):
 * when the camera actually delivered frames. Read from the container, no decoding (~50 ms for a
 * minute of video). null when the container has none (e.g. a raw stream).
 */
export async function packetTimes(tools: MediaTools, file: string, signal?: AbortSignal, maxSeconds?: number): Promise<number[] | null> {
  // Bounded like the decoders: a file whose header lies about its length is read no further than the limit.
  const interval = maxSeconds ? ['-read_intervals', `%+${maxSeconds}`] : [];
  const r = await run(tools.ffprobe, ['-v', 'error', '-select_streams', 'v:0', ...interval, '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file], 20_000, signal);
  if (r.code !== 0) return null;
  const ts = r.stdout.split('\n').map((l) => Number.parseFloat(l)).filter(Number.isFinite).sort((a, b) => a - b);
  if (ts.length < 2) return null;
  const t0 = ts[0]!;
  return ts.map((t) => t - t0);
}

/** Extracts the first audio track as 16 kHz mono 16-bit WAV (the speech engines' input). */
export async function extractAudio(tools: MediaTools, file: string, outWav: string, signal?: AbortSignal, maxSeconds?: number): Promise<boolean> {
  const r = await run(tools.ffmpeg, ['-hide_banner', '-nostats', '-v', 'error', '-y', '-i', file, ...bound(maxSeconds), '-map', '0:a:0', '-ac', '1', '-ar', '16000', '-c:a', 'pcm_s16le', outWav], 120_000, signal);
  return r.code === 0;
}
