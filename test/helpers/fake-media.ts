import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Fake camera and microphone for Chromium's --use-file-for-fake-{video,audio}-capture, generated
// with ffmpeg / espeak-ng from images shipped in npm packages, cached under test-artifacts/media/.
// The camera is a slow zoom/pan over one face (sample6.jpg of @vladmandic/face-api, a group photo
// cropped to its left-hand person) so consecutive frames differ like a handheld phone's.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MEDIA_DIR = path.join(root, 'test-artifacts/media');
const SAMPLE = path.join(root, 'node_modules/@vladmandic/face-api/demo/sample6.jpg');

function run(cmd: string, args: string[], timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-2000)));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} exited ${code}: ${err}`));
    });
  });
}

async function cached(file: string, make: (tmp: string) => Promise<void>): Promise<string> {
  if (existsSync(file) && (await stat(file)).size > 0) return file;
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp${path.extname(file)}`;
  await make(tmp);
  await rename(tmp, file);
  return file;
}

export interface FakeCameraOptions {
  seconds?: number;
  fps?: number;
}

/** 640×480 MJPEG (Chromium loops it) of one face, gently zooming and panning. */
export function fakeCamera(opts: FakeCameraOptions = {}): Promise<string> {
  const seconds = opts.seconds ?? 4;
  const fps = opts.fps ?? 15;
  const file = path.join(MEDIA_DIR, `face-v2-${seconds}s-${fps}fps.mjpeg`);
  // Crop 560×420 (4:3) around the left person of sample6 (face centre ≈ x 347, y 640 of 1920×1537),
  // placed so the face centre sits at ~45 % of the height like the on-screen oval, then zoom 1.00–1.06 and pan ±8 px with a 4 s period: motion well under SteadyTracker's 3 %.
  const frames = seconds * fps;
  const vf = [
    'crop=560:420:67:451',
    'scale=1280:960',
    `zoompan=z='1.03+0.03*sin(2*PI*on/${fps * 4})':x='iw/2-(iw/zoom/2)+16*sin(2*PI*on/${fps * 4})':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=${fps}`,
    'format=yuvj420p',
  ].join(',');
  return cached(file, (tmp) => run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', SAMPLE, '-vf', vf, '-frames:v', String(frames), '-q:v', '4', '-f', 'mjpeg', tmp]));
}

/** 48 kHz mono 16-bit WAV of espeak-ng saying `phrase`, padded with a second of silence. */
export function fakeMicrophone(phrase = 'My name is Alex Morgan. Today is the twenty second of November.'): Promise<string> {
  const slug = Buffer.from(phrase).toString('base64url').slice(0, 24);
  const file = path.join(MEDIA_DIR, `voice-${slug}.wav`);
  return cached(file, async (tmp) => {
    const raw = `${tmp}.raw.wav`;
    await run('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', raw, phrase]);
    await run('ffmpeg', ['-v', 'error', '-y', '-i', raw, '-af', 'apad=pad_dur=1', '-ar', '48000', '-ac', '1', '-c:a', 'pcm_s16le', tmp]);
    await run('rm', ['-f', raw]);
  });
}

/** One 640×480 JPEG frame of the fake camera (a face photo for API-level uploads in tests). */
export async function fakeSelfieJpeg(): Promise<string> {
  const cam = await fakeCamera();
  const file = path.join(MEDIA_DIR, 'face-v2-frame.jpg');
  return cached(file, (tmp) => run('ffmpeg', ['-v', 'error', '-y', '-i', cam, '-frames:v', '1', '-q:v', '3', '-f', 'image2', tmp]));
}
