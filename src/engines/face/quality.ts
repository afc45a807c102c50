// Pure image-quality measures on a face crop. Normalisation constants are documented where they
// are defined; the combined score is a product so that any one bad factor pulls it down.

import type { Box, FaceQuality, RgbImage } from './port.ts';

/** Crops are resampled to this height before the Laplacian so sharpness does not depend on face size. */
const SHARPNESS_SIDE = 112;
/**
 * Laplacian variance at which sharpness reaches ~0.63 (1 - 1/e). Measured on the 112-px inner face
 * crops of face-api's sample1/3/6 (10 faces): crisp 236–1548 (→ 0.79–1.0), Gaussian blur of σ≈1 px
 * at crop scale 23–111 (→ 0.14–0.52), σ≈2 px 10–24 (→ ≤ 0.15).
 */
const SHARPNESS_SCALE = 150;
/** A face at least a quarter of the frame height is "large enough" (ISO/IEC 19794-5 portraits ≈ 0.5–0.7). */
const GOOD_FACE_SIZE = 0.25;

function luma(img: RgbImage, x: number, y: number): number {
  const i = (y * img.width + x) * 3;
  return 0.299 * (img.data[i] ?? 0) + 0.587 * (img.data[i + 1] ?? 0) + 0.114 * (img.data[i + 2] ?? 0);
}

/** Nearest-neighbour grey crop of `box`, resized to `side` px high (keeps aspect). */
function greyCrop(img: RgbImage, box: Box, side = SHARPNESS_SIDE): { w: number; h: number; v: Float32Array } {
  const h = side;
  const w = Math.max(1, Math.round((side * box.width) / Math.max(1, box.height)));
  const v = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(img.height - 1, Math.max(0, Math.floor(box.y + ((y + 0.5) * box.height) / h)));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(img.width - 1, Math.max(0, Math.floor(box.x + ((x + 0.5) * box.width) / w)));
      v[y * w + x] = luma(img, sx, sy);
    }
  }
  return { w, h, v };
}

/** Variance of the 4-neighbour Laplacian (Pech-Pacheco et al. 2000, a standard focus measure). */
export function laplacianVariance(g: { w: number; h: number; v: Float32Array }): number {
  let sum = 0;
  let sum2 = 0;
  let n = 0;
  for (let y = 1; y < g.h - 1; y++) {
    for (let x = 1; x < g.w - 1; x++) {
      const c = g.v[y * g.w + x] ?? 0;
      const l = (g.v[y * g.w + x - 1] ?? 0) + (g.v[y * g.w + x + 1] ?? 0) + (g.v[(y - 1) * g.w + x] ?? 0) + (g.v[(y + 1) * g.w + x] ?? 0) - 4 * c;
      sum += l;
      sum2 += l * l;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sum2 / n - mean * mean;
}

export function faceQuality(img: RgbImage, box: Box, occlusion: number): FaceQuality {
  // Inner 80 % of the box: skips background at the box edges that would inflate sharpness.
  const inner = { x: box.x + box.width * 0.1, y: box.y + box.height * 0.1, width: box.width * 0.8, height: box.height * 0.8 };
  const g = greyCrop(img, inner);
  const sharpness = 1 - Math.exp(-laplacianVariance(g) / SHARPNESS_SCALE);
  let total = 0;
  for (const v of g.v) total += v;
  const brightness = g.v.length ? total / g.v.length / 255 : 0;
  const faceSize = Math.min(1, box.height / img.height);
  const sizeF = Math.min(1, faceSize / GOOD_FACE_SIZE);
  // Mean face luma between ~0.25 and ~0.8 is usable; beyond that details wash out or drown in noise.
  const brightF = brightness < 0.25 ? brightness / 0.25 : brightness > 0.8 ? Math.max(0, (1 - brightness) / 0.2) : 1;
  const occ = Number.isNaN(occlusion) ? 0 : occlusion; // NaN = mesh did not run: unknown, not penalised
  const score = 100 * Math.sqrt(sizeF) * Math.sqrt(sharpness) * brightF * (1 - occ);
  return { faceSize, sharpness, brightness, occlusion, score: Math.round(score * 10) / 10 };
}
