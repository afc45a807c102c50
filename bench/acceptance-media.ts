// Media of the acceptance bench, made with ffmpeg from the real clips: the recording a browser's
// MediaRecorder would upload (WebM, VP8 30 fps + Opus), the selfie JPEG, and the attack videos.
// Everything is written to a temp dir; nothing from ../shared/data is copied into the repository.
import { execFileSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';

/** Kept media dirs (ACCEPTANCE_MEDIA_DIR) hold media under this name: change it when the encoding does. */
export const MEDIA_VERSION = 'vp8-good';

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
}

function hasAudio(src: string): boolean {
  return execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'a', '-show_entries', 'stream=index', '-of', 'csv=p=0', src], { encoding: 'utf8' }).trim() !== '';
}

/**
 * Encode like Chrome's MediaRecorder (web/capture/src/recorder.ts asks for 1 Mb/s video, 64 kb/s
 * audio): VP8 at a constant 30 fps (a slower camera's frames are repeated, as the browser does),
 * Opus 48 kHz mono. A clip without sound gets a silent track: the page always records the mic.
 * libvpx's `realtime` deadline picks its speed from how long each frame took, so on a busy machine
 * the same clip encoded twice gave different frames, and a genuine clip's borderline smile was
 * decided differently from run to run; `good` gives the same frames every time (the browser subset
 * keeps Chromium's own encoder).
 */
function encode(inputs: string[], filter: string, out: string, audioFrom: string | null, seconds: number): string {
  if (existsSync(out)) return out; // ACCEPTANCE_MEDIA_DIR kept from an earlier run
  const audio = audioFrom && hasAudio(audioFrom);
  const args = [...inputs];
  if (!audio) args.push('-f', 'lavfi', '-t', String(seconds), '-i', 'anullsrc=r=48000:cl=mono');
  const nIn = inputs.filter((a) => a === '-i').length;
  // Written under another name first: a kept media dir never holds a half-written file.
  const part = `${out}.part.webm`;
  ffmpeg([...args, '-filter_complex', `${filter},fps=30,scale=trunc(iw/2)*2:trunc(ih/2)*2,format=yuv420p[v]`, '-map', '[v]', '-map', audio ? '0:a:0' : `${nIn}:a:0`,
    '-t', String(seconds), '-c:v', 'libvpx', '-b:v', '1M', '-deadline', 'good', '-cpu-used', '5', '-c:a', 'libopus', '-b:a', '64k', '-ar', '48000', '-ac', '1', part]);
  renameSync(part, out);
  return out;
}

/** The clip's first `seconds`, as the page would have recorded it. */
export const recording = (src: string, seconds: number, out: string) =>
  encode(['-t', String(seconds), '-i', src], "[0:v]scale='min(720,iw)':-2", out, src, seconds);

/** One frame at `t` as a JPEG (the selfie, or the attacker's photo). */
export function frameJpeg(src: string, t: number, out: string): string {
  if (!existsSync(out)) ffmpeg(['-ss', String(t), '-i', src, '-frames:v', '1', '-vf', "scale='min(720,iw)':-2", '-q:v', '3', out]);
  return out;
}

/** A printed/still photo held to the camera: sensor noise on every frame (a re-capture is never bit-identical). */
export const stillPhoto = (photo: string, seconds: number, out: string) =>
  encode(['-loop', '1', '-t', String(seconds), '-i', photo], '[0:v]noise=alls=8:allf=t+u', out, null, seconds);

/** The photo moved in front of the camera: slow zoom-in and a small circular pan, plus noise. */
export const pannedPhoto = (photo: string, seconds: number, out: string) =>
  encode(['-loop', '1', '-t', String(seconds), '-i', photo],
    `[0:v]scale=512:512,zoompan=z='1+0.35*on/${Math.round(seconds * 30)}':x='iw/2-(iw/zoom/2)+25*sin(on/9)':y='ih/2-(ih/zoom/2)+15*cos(on/13)':d=1:fps=30:s=512x512,noise=alls=8:allf=t+u`, out, null, seconds);

/** An injected still: the same frame bit-identical for the whole recording (virtual camera fed a JPEG). */
export const injectedStill = (photo: string, seconds: number, out: string) =>
  encode(['-loop', '1', '-t', String(seconds), '-i', photo], '[0:v]null', out, null, seconds);

/**
 * Screen replay: the genuine clip shown on a monitor and filmed. The clip is shrunk onto a "screen"
 * with a dark bezel on a wall-coloured background, seen at an angle (perspective: the corners move
 * 10–40 px), with the display's gamma/contrast/saturation shift, a 3-px screen-door grid (what
 * produces moiré when re-filmed) and fresh sensor noise.
 */
export const screenReplay = (src: string, seconds: number, out: string, variant: ScreenVariant = SCREENS.monitor) =>
  encode(['-t', String(seconds), '-i', src],
    `[0:v]scale=w=${variant.width}:h=${Math.min(variant.width, 400)}:force_original_aspect_ratio=decrease,scale=trunc(iw/2)*2:trunc(ih/2)*2,${variant.display},drawgrid=w=${variant.grid}:h=${variant.grid}:t=1:color=black@${variant.gridAlpha},pad=iw+40:ih+40:20:20:color=0x111111,` +
    `pad=640:480:(ow-iw)/2:(oh-ih)/2:color=0x6b6257,perspective=${variant.corners}:sense=destination,noise=alls=5:allf=t+u`, out, src, seconds);

/** How the replaying screen differs: size on the frame (the picture fits width × min(width, 400) px, inside the 640×480 view with its bezel), display colour, pixel grid, viewing angle. */
export interface ScreenVariant { width: number; display: string; grid: number; gridAlpha: number; corners: string }
export const SCREENS = {
  /** The original: a monitor seen from slightly left, washed-out gamma, coarse 3-px grid. */
  monitor: { width: 360, display: 'eq=gamma=1.25:contrast=0.85:saturation=0.8', grid: 3, gridAlpha: 0.25, corners: 'x0=30:y0=10:x1=610:y1=40:x2=10:y2=470:x3=630:y3=440' },
  /** A phone/tablet held close: the picture fills more of the frame, bright and saturated, fine 2-px grid, little angle. */
  tablet: { width: 480, display: 'eq=gamma=0.9:contrast=1.1:saturation=1.2', grid: 2, gridAlpha: 0.15, corners: 'x0=10:y0=5:x1=630:y1=15:x2=5:y2=475:x3=635:y3=465' },
  /** A laptop seen at a steep angle with a warm white point, faint 4-px grid. */
  laptop: { width: 400, display: 'colorbalance=rs=0.08:bs=-0.08,eq=contrast=0.9', grid: 4, gridAlpha: 0.12, corners: 'x0=60:y0=30:x1=600:y1=0:x2=40:y2=450:x3=640:y3=480' },
  /** A phone at arm's length: a small picture in the middle of the view, cool and dim, 2-px grid, tilted the other way. */
  phone: { width: 240, display: 'eq=gamma=1.1:brightness=-0.05,colorbalance=bs=0.06', grid: 2, gridAlpha: 0.2, corners: 'x0=0:y0=40:x1=620:y1=10:x2=20:y2=480:x3=640:y3=450' },
  /** A large monitor filmed close: the picture nearly fills the view, high contrast, 5-px grid, almost square-on. */
  close: { width: 560, display: 'eq=gamma=0.8:contrast=1.2:saturation=1.1', grid: 5, gridAlpha: 0.3, corners: 'x0=5:y0=0:x1=640:y1=8:x2=0:y2=475:x3=634:y3=480' },
} satisfies Record<string, ScreenVariant>;

/**
 * A looped clip: [from, to] played `times` times in a row (a short genuine take replayed). The loop
 * filter keeps its input's timestamps; without renumbering them the encoder's fps filter dropped
 * every replayed frame and held the last one (the attack was a take plus a frozen tail, not a loop).
 */
export function loopedClip(src: string, from: number, to: number, times: number, out: string): string {
  const frames = Math.round((to - from) * 30);
  return encode(['-i', src], `[0:v]trim=${from}:${to},setpts=PTS-STARTPTS,fps=30,loop=loop=${times - 1}:size=${frames}:start=0,setpts=N/30/TB`, out, null, (to - from) * times);
}

/** A frozen stream: the live clip until `freezeAt`, then its last frame repeated to `seconds`. */
export const frozenClip = (src: string, freezeAt: number, seconds: number, out: string) =>
  encode(['-i', src], `[0:v]trim=0:${freezeAt},setpts=PTS-STARTPTS,fps=30,tpad=stop_mode=clone:stop_duration=${seconds - freezeAt}`, out, null, seconds);

/** A genuine take of `take` s, then its last frame repeated for `tail` s; `noisy`: fresh sensor noise on every frame (no two tail frames identical). */
export const frozenTail = (src: string, take: number, tail: number, noisy: boolean, out: string) =>
  encode(['-i', src], `[0:v]trim=0:${take},setpts=PTS-STARTPTS,fps=30,tpad=stop_mode=clone:stop_duration=${tail}${noisy ? ',noise=alls=6:allf=t+u' : ''}`, out, null, take + tail);

/** The clip as a slower camera delivers it (`fps` frames a second, each repeated in the 30 fps recording, as MediaRecorder does). */
export const slowCamera = (src: string, seconds: number, fps: number, out: string) =>
  encode(['-t', String(seconds), '-i', src], `[0:v]scale='min(720,iw)':-2,fps=${fps}`, out, src, seconds);

/** Face swap mid-video: person A's first half, then person B's clip (same frame size). */
export function faceSwap(a: string, aSeconds: number, b: string, bFrom: number, bSeconds: number, out: string): string {
  return encode(['-i', a, '-i', b],
    `[0:v]trim=0:${aSeconds},setpts=PTS-STARTPTS,scale=512:512,setsar=1,fps=30[a];[1:v]trim=${bFrom}:${bFrom + bSeconds},setpts=PTS-STARTPTS,scale=512:512,setsar=1,fps=30[b];[a][b]concat=n=2:v=1:a=0`,
    out, null, aSeconds + bSeconds);
}

/** A genuine recording re-encoded (downscaled, low bitrate, upscaled): what a replay of a stolen upload looks like. */
export const reencoded = (recordingWebm: string, seconds: number, out: string) =>
  encode(['-i', recordingWebm], '[0:v]scale=iw*3/4:-2,scale=iw*4/3:-2,noise=alls=3:allf=t+u', out, recordingWebm, seconds);

/**
 * A y4m file for Chromium's fake camera at `fps` (the page records it at 30 fps: frames repeat).
 * `leadSeconds` of the clip's first frame come first: the person holding still while the page
 * counts down, so that recording starts where the clip does (Chromium restarts the file each time
 * the page opens the camera, and loops it at its end).
 */
export function y4m(src: string, seconds: number, fps: number, out: string, leadSeconds = 0): string {
  if (existsSync(out)) return out;
  const lead = leadSeconds > 0 ? `,tpad=start_duration=${leadSeconds}:start_mode=clone` : '';
  // Fitted into 640×480 with the clip's edge columns smeared outwards: black bars beside a square
  // clip are straight edges boxing the face, which the screen-replay check rightly reads as a frame,
  // and cropping the square to 4:3 cut the tight face clips' chins and foreheads (the mesh then
  // misread smiles and nods).
  const [w, h] = execFileSync('ffprobe', ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=width,height', '-of', 'csv=p=0', src], { encoding: 'utf8' }).trim().split(',').map(Number);
  const scale = Math.min(640 / w!, 480 / h!);
  const fw = 2 * Math.floor((w! * scale) / 2);
  const fh = 2 * Math.floor((h! * scale) / 2);
  const [x, y] = [2 * Math.floor((640 - fw) / 4), 2 * Math.floor((480 - fh) / 4)];
  const fit = `scale=${fw}:${fh},pad=640:480:${x}:${y},fillborders=left=${x}:right=${640 - fw - x}:top=${y}:bottom=${480 - fh - y}:mode=smear`;
  ffmpeg(['-t', String(seconds), '-i', src, '-vf', `${fit},fps=${fps}${lead},format=yuv420p`, '-f', 'yuv4mpegpipe', out]);
  return out;
}

/** The clip's audio (or silence) as 48 kHz mono WAV for Chromium's fake microphone. */
export function wav(src: string, seconds: number, out: string): string {
  if (existsSync(out)) return out;
  if (hasAudio(src)) ffmpeg(['-t', String(seconds), '-i', src, '-vn', '-ac', '1', '-ar', '48000', out]);
  else ffmpeg(['-f', 'lavfi', '-t', String(seconds), '-i', 'anullsrc=r=48000:cl=mono', out]);
  return out;
}
