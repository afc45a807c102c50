import { MediaError, type MediaTools, run } from './ffmpeg.ts';

// Upload-time checks that look at the stream itself, not the container header: a header can say
// anything (a patched codec tag still probes; a WebM whose Duration says 10 s may hold 20 min).

/** A few frames of video and a second of audio: enough to know the decoders accept the streams. */
const PROBE_VIDEO_FRAMES = 5;
const PROBE_AUDIO_SECONDS = 1;

/**
 * Decodes the first frames of the video stream and the first second of the audio stream (when there
 * is one), failing on the first decode error (-xerror). Throws MediaError('media_unreadable').
 */
export async function assertDecodable(tools: MediaTools, file: string, hasAudio: boolean, signal?: AbortSignal): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-xerror', '-i', file,
    '-map', '0:v:0', '-frames:v', String(PROBE_VIDEO_FRAMES), '-f', 'null', '-',
    ...(hasAudio ? ['-map', '0:a:0', '-t', String(PROBE_AUDIO_SECONDS), '-f', 'null', '-'] : []),
    '-progress', 'pipe:1'];
  const r = await run(tools.ffmpeg, args, 30_000, signal);
  const frames = Math.max(0, ...[...r.stdout.matchAll(/^frame=(\d+)/gm)].map((m) => Number(m[1])));
  if (r.code !== 0 || frames === 0) throw new MediaError('media_unreadable', lastLine(r.stderr) || 'no video frame could be decoded');
}

/**
 * The real length of the media, found by decoding it (video and audio) to nowhere, but never past
 * `limitSeconds`: a lying header cannot make this run long. A result of `limitSeconds` means "at
 * least that long" (decoding stopped there).
 */
export async function decodedLength(tools: MediaTools, file: string, hasAudio: boolean, limitSeconds: number, signal?: AbortSignal): Promise<number> {
  const args = ['-hide_banner', '-nostdin', '-nostats', '-v', 'error', '-i', file, '-t', String(limitSeconds),
    '-map', '0:v:0', ...(hasAudio ? ['-map', '0:a:0'] : []), '-f', 'null', '-', '-progress', 'pipe:1'];
  // Decoding runs at many times real time; 2 s per second of media allowed covers a loaded machine.
  const r = await run(tools.ffmpeg, args, 10_000 + limitSeconds * 2_000, signal);
  if (r.code !== 0) throw new MediaError('media_unreadable', lastLine(r.stderr) || 'the media could not be decoded');
  const times = [...r.stdout.matchAll(/^out_time_us=(\d+)/gm)].map((m) => Number(m[1]) / 1e6);
  return Math.max(0, ...times);
}

const lastLine = (s: string) => s.trim().split('\n').at(-1)?.slice(0, 300) ?? '';
