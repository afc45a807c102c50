// Small grey thumbnails and perceptual hashes of a frame and of its face crop, computed straight from
// the decoded RGB buffer (area averaging, no re-encode): the raw material of the replay checks.

import type { Box, RgbImage } from '../engines/face/port.ts';
import { clampBox } from '../engines/face/image.ts';

export interface FrameSignature {
  /** 64-bit difference hash of the face crop (9×8 grey), as a hex string. */
  faceHash: string;
  /** 32×32 grey face crop, zero mean / unit variance, for correlation between frames. */
  faceNorm: Float32Array;
  /** 32×32 grey face crop in 0–255 levels, for near-exact duplicate detection. */
  faceThumb: Float32Array;
  /** 64×48 grey whole frame in 0–255 levels. */
  frameThumb: Float32Array;
}

/** Area-average a rectangle of the image into a w×h grey thumbnail (ITU-R BT.601 luma). */
function greyThumb(img: RgbImage, rect: Box, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const { x0, y0, width: rw, height: rh } = clampBox(img, rect);
  const x1 = Math.min(img.width, x0 + rw);
  const y1 = Math.min(img.height, y0 + rh);
  const sums = new Float64Array(w * h);
  const counts = new Uint32Array(w * h);
  // Sampling every pixel of a 640×480 frame costs ~2 ms; stride 2 halves it without visible change
  // of the averages (each output cell still covers ≥ 25 samples for faces ≥ 80 px).
  const step = rw * rh > 200_000 ? 2 : 1;
  // Output column of every sampled x, computed once (this loop runs over every pixel of the crop).
  const colCell = new Int32Array(Math.ceil(rw / step));
  for (let k = 0; k < colCell.length; k++) colCell[k] = Math.min(w - 1, Math.floor((k * step * w) / rw));
  const d = img.data;
  for (let y = y0; y < y1; y += step) {
    const rowBase = Math.min(h - 1, Math.floor(((y - y0) * h) / rh)) * w;
    let p = (y * img.width + x0) * 3;
    for (let k = 0; k < colCell.length && x0 + k * step < x1; k++, p += 3 * step) {
      const cell = rowBase + colCell[k]!;
      sums[cell]! += 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
      counts[cell]! += 1;
    }
  }
  for (let i = 0; i < out.length; i++) out[i] = counts[i] ? sums[i]! / counts[i]! : 0;
  return out;
}

function dHash(img: RgbImage, rect: Box): string {
  const t = greyThumb(img, rect, 9, 8);
  let hex = '';
  for (let row = 0; row < 8; row++) {
    let byte = 0;
    for (let col = 0; col < 8; col++) byte = (byte << 1) | ((t[row * 9 + col]! < t[row * 9 + col + 1]!) ? 1 : 0);
    hex += byte.toString(16).padStart(2, '0');
  }
  return hex;
}

function normalise(t: Float32Array): Float32Array {
  let mean = 0;
  for (const v of t) mean += v;
  mean /= t.length;
  let varSum = 0;
  for (const v of t) varSum += (v - mean) ** 2;
  const sd = Math.sqrt(varSum / t.length) || 1;
  return t.map((v) => (v - mean) / sd);
}

/** The face box grown by 10 % each side: the crop keeps the jaw and hairline, which a swap changes. */
function faceRect(img: RgbImage, box: Box | null): Box {
  if (!box) return { x: 0, y: 0, width: img.width, height: img.height };
  const gx = box.width * 0.1;
  const gy = box.height * 0.1;
  return { x: box.x - gx, y: box.y - gy, width: box.width + 2 * gx, height: box.height + 2 * gy };
}

export function frameSignature(img: RgbImage, faceBox: Box | null): FrameSignature {
  const rect = faceRect(img, faceBox);
  const faceThumb = greyThumb(img, rect, 32, 32);
  return {
    faceHash: dHash(img, rect),
    faceNorm: normalise(faceThumb),
    faceThumb,
    frameThumb: greyThumb(img, { x: 0, y: 0, width: img.width, height: img.height }, 64, 48),
  };
}

export function hamming(a: string, b: string): number {
  let d = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i += 2) {
    let x = parseInt(a.slice(i, i + 2), 16) ^ parseInt(b.slice(i, i + 2), 16);
    while (x) { d += x & 1; x >>= 1; }
  }
  return d;
}

/** Pearson correlation of two normalised thumbnails (1 = same picture up to brightness/contrast). */
export function correlation(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s / a.length;
}

/** Mean absolute difference in grey levels. */
export function meanAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
