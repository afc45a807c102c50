import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MediaStreamTrack } from 'werift';
import { MediaRecorder } from 'werift/nonstandard';
import type { Deps } from '../deps.ts';
import { sessionBlobPrefix } from '../sessions/blob-keys.ts';
import { DIR_MODE } from '../storage/scratch.ts';

// One recording segment: what one participant sent over one peer connection. werift's recorder
// appends each WebM cluster to the file as it is muxed (saveToFileSystem), so a crash keeps
// everything received up to the last cluster; the file then has no cues and a placeholder
// duration, which the remux (`ffmpeg -c copy`, no re-encode) fixes into a seekable WebM with the
// wall-clock start in its metadata. A reload starts a new segment: a new peer brings new SSRCs,
// sequence numbers and timestamps, which one WebM track cannot continue without re-timing.

export type Side = 'user' | 'agent';

export interface StoredRecording {
  side: Side;
  segment: number;
  /** Blob key (under the session's prefix: erase removes it). Kind `call_user` / `call_agent`. */
  key: string;
  kind: `call_${Side}`;
  started_at: string;
  duration_seconds: number;
  bytes: number;
  sha256: string;
}

/** Raw segments live outside DATA_DIR/tmp: start-up cleans scratch of dead processes, and these are evidence to recover. */
export const callsDir = (dataDir: string, sessionId: string) => join(dataDir, 'calls', sessionId);

export class SegmentRecorder {
  readonly startedAt: Date = new Date();
  private recorder: MediaRecorder | null = null;
  private constructor(private readonly file: string, readonly side: Side, readonly segment: number, startedAt?: Date) {
    if (startedAt) this.startedAt = startedAt;
  }

  /**
   * A raw segment a crashed process left behind (`<side>-<n>.raw.webm`): finish() remuxes and
   * stores what it holds. Its start is the file's creation time (birth time where the file system
   * keeps one, else the last change minus nothing better known).
   */
  static async recovered(file: string): Promise<SegmentRecorder | null> {
    const m = /(user|agent)-(\d+)\.raw\.webm$/.exec(file);
    if (!m) return null;
    const st = await stat(file);
    const born = st.birthtimeMs > 0 ? st.birthtime : st.ctime;
    return new SegmentRecorder(file, m[1] as Side, Number(m[2]), born);
  }

  static async start(dataDir: string, sessionId: string, side: Side, segment: number, tracks: MediaStreamTrack[]): Promise<SegmentRecorder> {
    const dir = callsDir(dataDir, sessionId);
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const r = new SegmentRecorder(join(dir, `${side}-${segment}.raw.webm`), side, segment);
    // 640×480 is only the header's hint: the VP8 frames carry their real size and players follow it.
    // disableNtp: time from each track's own RTP clock, not the sender reports' NTP mapping; with
    // NTP a segment once came out 3800 s long (a timestamp far off before the first report).
    r.recorder = new MediaRecorder({ path: r.file, tracks, width: 640, height: 480, disableNtp: true });
    return r;
  }

  /** Stops the recorder, remuxes, measures and stores the segment; null when nothing was recorded. */
  async finish(deps: Pick<Deps, 'blobs' | 'media' | 'log'>, projectId: string, sessionId: string): Promise<StoredRecording | null> {
    await this.recorder?.stop();
    const size = await stat(this.file).then((s) => s.size, () => 0);
    if (size === 0) return null;
    const out = this.file.replace(/\.raw\.webm$/, '.webm');
    const startedAt = this.startedAt.toISOString();
    try {
      // creation_time becomes the Matroska DateUTC; VKYC_STARTED_AT keeps the milliseconds.
      const plain = this.file.replace(/\.raw\.webm$/, '.plain.webm');
      await run(deps.media.ffmpeg, ['-v', 'error', '-y', '-i', this.file, '-map', '0', '-c', 'copy', plain]);
      const duration = await probeDuration(deps.media.ffprobe, plain);
      // The date/time stamp as a timed track: a WebVTT subtitle cue per second with the wall-clock
      // time, muxed beside the media (players show it as subtitles; `ffmpeg -map 0:s` extracts it).
      // A stamp burned into the picture would need a re-encode: CPU per call the relay avoids.
      const vtt = this.file.replace(/\.raw\.webm$/, '.stamps.vtt');
      await writeFile(vtt, stampsVtt(this.startedAt, duration));
      await run(deps.media.ffmpeg, ['-v', 'error', '-y', '-i', plain, '-i', vtt, '-map', '0', '-map', '1', '-c', 'copy', '-metadata:s:s:0', 'title=wall-clock time (UTC)',
        '-metadata', `creation_time=${startedAt}`, '-metadata', `VKYC_STARTED_AT=${startedAt}`, '-metadata', `VKYC_SIDE=${this.side}`, out]);
      await rm(plain, { force: true });
      await rm(vtt, { force: true });
      const kind = `call_${this.side}` as const;
      const key = `${sessionBlobPrefix(projectId, sessionId)}${kind}-${this.segment}.webm`;
      const put = await deps.blobs.put(key, createReadStream(out));
      await rm(this.file, { force: true });
      return { side: this.side, segment: this.segment, key, kind, started_at: startedAt, duration_seconds: duration, bytes: put.bytes, sha256: put.sha256 };
    } finally {
      await rm(out, { force: true });
    }
  }
}

/** One cue per second of the segment: `YYYY-MM-DD HH:MM:SS UTC` of that second. */
export function stampsVtt(startedAt: Date, seconds: number): string {
  const t = (ms: number) => new Date(ms).toISOString().slice(11, 23);
  const cues: string[] = ['WEBVTT', ''];
  for (let i = 0; i < Math.max(1, Math.ceil(seconds)); i++) {
    const wall = new Date(startedAt.getTime() + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    cues.push(`${t(i * 1000)} --> ${t(Math.min((i + 1) * 1000, Math.round(seconds * 1000)))}`, `${wall} UTC`, '');
  }
  return cues.join('\n');
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/** Seconds of the remuxed file, from its container (the remux wrote the real duration). */
export async function probeDuration(ffprobe: string, file: string): Promise<number> {
  const out = await run(ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  const s = Number(out.trim());
  return Number.isFinite(s) ? Math.round(s * 1000) / 1000 : 0;
}
