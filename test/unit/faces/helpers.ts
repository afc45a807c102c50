// Test images built from the photos @vladmandic/face-api ships (demo/sample1..6.jpg, group photos
// of women). Looked at by eye: the blonde woman on the right of sample1 is the blonde in the
// middle of sample3; the woman second from the right in sample6 is someone else.

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Box, RgbImage } from '../../../src/engines/face/port.ts';
import { decodeImage } from '../../../src/engines/face/image.ts';

const require = createRequire(import.meta.url);
export const SAMPLES = join(dirname(require.resolve('@vladmandic/face-api/dist/face-api.node-wasm.js')), '..', 'demo');

export const sample = (n: number): Promise<Buffer> => readFile(join(SAMPLES, `sample${n}.jpg`));

/** Face boxes measured with the engine on the full-size samples (x, y, w, h). */
export const PERSON_A_S1: Box = { x: 1438, y: 205, width: 279, height: 279 };
export const PERSON_A_S3: Box = { x: 1005, y: 187, width: 367, height: 367 };
export const PERSON_B_S6: Box = { x: 1081, y: 280, width: 368, height: 369 };

/** A head crop around `box` (`m` = margin per side relative to the box), resized to `side` px, as JPEG. */
export async function headCrop(n: number, box: Box, side: number, m = 0.35): Promise<Buffer> {
  const left = Math.max(0, Math.round(box.x - box.width * m));
  const top = Math.max(0, Math.round(box.y - box.height * m));
  const size = Math.round(box.width * (1 + 2 * m));
  const meta = await sharp(await sample(n)).metadata();
  const width = Math.min(size, (meta.width ?? 0) - left);
  const height = Math.min(size, (meta.height ?? 0) - top);
  return sharp(await sample(n)).extract({ left, top, width, height }).resize(side, side, { fit: 'cover' }).jpeg({ quality: 92 }).toBuffer();
}

/** A 640×480 grey frame with the given crops pasted at (x, y). */
export async function frame(parts: Array<{ img: Buffer; x: number; y: number }>): Promise<RgbImage> {
  const { data, info } = await sharp({ create: { width: 640, height: 480, channels: 3, background: { r: 120, g: 125, b: 130 } } })
    .composite(parts.map((p) => ({ input: p.img, left: p.x, top: p.y })))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

export async function blankJpeg(): Promise<Buffer> {
  return sharp({ create: { width: 400, height: 300, channels: 3, background: { r: 200, g: 200, b: 200 } } }).jpeg().toBuffer();
}

/** 150×150 RGB chips (descriptor input) cut from two people's head crops at a few offsets. */
export async function testChips(): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const img of [await decodeImage(await headCrop(1, PERSON_A_S1, 240)), await decodeImage(await headCrop(6, PERSON_B_S6, 240))]) {
    for (const off of [0, 45, 90]) {
      const c = new Uint8Array(150 * 150 * 3);
      for (let y = 0; y < 150; y++) c.set(img.data.subarray(((y + off) * img.width + off) * 3, ((y + off) * img.width + off + 150) * 3), y * 450);
      out.push(c);
    }
  }
  return out;
}
