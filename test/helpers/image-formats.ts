// Test images in every format the server accepts (and a few it refuses), converted on the spot
// from a PNG with sharp, ffmpeg and heif-enc (Debian libheif-examples, scripts/install-system.sh
// --test). Nothing is stored: each call converts anew into a temp folder.

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';

const run = promisify(execFile);

/** Runs `tool` on `png` written to a temp file, returns the file it writes (`out` name decides the format). */
async function convert(png: Uint8Array, out: string, args: (input: string, output: string) => [string, string[]]): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-fmt-'));
  try {
    const input = join(dir, 'in.png');
    const output = join(dir, out);
    await writeFile(input, png);
    const [tool, argv] = args(input, output);
    try {
      await run(tool, argv);
    } catch (err) {
      throw new Error(`${tool} is needed to make ${out} test images (scripts/install-system.sh --test): ${(err as Error).message}`);
    }
    return await readFile(output);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ffmpeg = (png: Uint8Array, out: string, ...extra: string[]) =>
  convert(png, out, (i, o) => ['ffmpeg', ['-y', '-v', 'error', '-i', i, ...extra, o]]);

/** Every accepted encoding of the same picture, by a name that says what it exercises. */
export async function encodings(png: Uint8Array): Promise<Record<string, Buffer>> {
  const s = () => sharp(png);
  return {
    'jpeg': await s().jpeg({ quality: 92 }).toBuffer(),
    'jpeg cmyk': await s().toColourspace('cmyk').jpeg({ quality: 92 }).toBuffer(),
    'png': await s().png().toBuffer(),
    'png 16-bit': await s().toColourspace('rgb16').png().toBuffer(),
    'webp': await s().webp({ quality: 92 }).toBuffer(),
    'avif': await s().avif({ quality: 80 }).toBuffer(),
    'tiff': await s().tiff().toBuffer(),
    'gif': await s().gif().toBuffer(),
    'bmp 24-bit': await ffmpeg(png, 'a.bmp'),
    'bmp 8-bit palette': await ffmpeg(png, 'a.bmp', '-pix_fmt', 'pal8'),
    'bmp 32-bit': await ffmpeg(png, 'a.bmp', '-pix_fmt', 'bgra'),
    'bmp 16-bit': await ffmpeg(png, 'a.bmp', '-pix_fmt', 'rgb555le'),
    'ppm': await ffmpeg(png, 'a.ppm'),
    'heic': await convert(png, 'a.heic', (i, o) => ['heif-enc', ['-q', '90', i, '-o', o]]),
  };
}

/** Grey encodings: colours are lost, shapes are not. */
export async function greyEncodings(png: Uint8Array): Promise<Record<string, Buffer>> {
  return {
    'pgm': await ffmpeg(png, 'a.pgm', '-pix_fmt', 'gray'),
    'pgm 16-bit': await ffmpeg(png, 'a.pgm', '-pix_fmt', 'gray16be'),
  };
}

/** An animated GIF whose first frame is `first` and second `second` (same size). */
export async function animatedGif(first: Uint8Array, second: Uint8Array): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-gif-'));
  try {
    await writeFile(join(dir, 'f0.png'), first);
    await writeFile(join(dir, 'f1.png'), second);
    await run('ffmpeg', ['-y', '-v', 'error', '-framerate', '2', '-i', join(dir, 'f%d.png'), '-loop', '0', join(dir, 'a.gif')]);
    return await readFile(join(dir, 'a.gif'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Starts of files in formats the server recognises and refuses (unsupported_image_format). */
export const REFUSED: Record<string, Uint8Array> = {
  svg: new TextEncoder().encode('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'),
  pdf: new TextEncoder().encode('%PDF-1.7\n1 0 obj << >> endobj\n'),
  jpeg2000: Uint8Array.from([0, 0, 0, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a, 0, 0, 0, 0x14]),
  jpegxl: Uint8Array.from([0xff, 0x0a, 0xfa, 0x1f, 0, 0, 0, 0]),
  psd: Uint8Array.from([0x38, 0x42, 0x50, 0x53, 0, 1, 0, 0, 0, 0, 0, 0]),
};
