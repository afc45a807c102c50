import { execFile } from 'node:child_process';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

// Test media made on the spot with ffmpeg and sharp (never third-party data), cached per run.

const run = promisify(execFile);
export const MEDIA_DIR = join(process.cwd(), 'test-artifacts', 'media');
export const FACE_SAMPLES = join(process.cwd(), 'node_modules/@vladmandic/face-api/demo');

async function cached(name: string, make: (out: string) => Promise<void>): Promise<string> {
  await mkdir(MEDIA_DIR, { recursive: true });
  const out = join(MEDIA_DIR, name);
  if (!(await stat(out).catch(() => null))) {
    const tmp = `${out}.tmp-${process.pid}${name.slice(name.lastIndexOf('.'))}`;
    await make(tmp);
    await import('node:fs/promises').then((fs) => fs.rename(tmp, out));
  }
  return out;
}

/** A colour-bar video with a tone: decodes fine, has no face. */
export function testPatternVideo(seconds = 3, container: 'webm' | 'mp4' = 'webm') {
  return cached(`pattern-${seconds}s.${container}`, async (out) => {
    const codec = container === 'webm' ? ['-c:v', 'libvpx', '-b:v', '300k', '-c:a', 'libopus'] : ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac'];
    await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=640x480:rate=15:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`, ...codec, '-shortest', out]);
  });
}

/** A video made from a still face image with a slow zoom/pan (a person holding still-ish). */
export function faceVideo(image: string, seconds = 4, name = 'face') {
  return cached(`${name}-${seconds}s.webm`, async (out) => {
    const frames = seconds * 15;
    await run('ffmpeg', ['-y', '-v', 'error', '-loop', '1', '-i', image, '-f', 'lavfi', '-i', `sine=frequency=220:duration=${seconds}`,
      '-vf', `scale=1280:-2,zoompan=z='1+0.1*sin(2*PI*on/${frames})':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)':d=1:s=640x480:fps=15`,
      '-t', String(seconds), '-pix_fmt', 'yuv420p', '-c:v', 'libvpx', '-b:v', '500k', '-c:a', 'libopus', '-shortest', out]);
  });
}

export async function jpeg(width = 640, height = 480, color = { r: 120, g: 140, b: 160 }): Promise<Uint8Array> {
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: color } }).jpeg().toBuffer());
}

export async function sample(n: number): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(FACE_SAMPLES, `sample${n}.jpg`)));
}
