import { glareSpot } from './glare.ts';

// Live image checks for the document step: darkness, blur, glare. They run on a 320-px-wide
// grayscale copy (a few ms on a mid-range phone) and only produce hints: the server decides
// whether a document is readable, so a false alarm here costs a tap ("use anyway"), never a block.
//
// THRESHOLDS ARE UNCALIBRATED starting points, chosen by reasoning, not measured on a labelled set:
// - DARK_MEAN 60/255: below it, phone-camera noise dominates the fine print of an ID card.
// - BLUR_LAPLACIAN_VAR 40: variance of the 4-neighbour Laplacian at 320 px; sharp printed text
//   gives several hundred, a defocused card a few tens.
// - GLARE_FRACTION 0.02 of the frame covered by one glare spot (glare.ts): a specular reflection
//   on a laminated card is a compact blown-out patch on a darker card; 2 % of a 320×240 frame is a
//   ~40×40 px spot. White paper or a white background is NOT glare (see glare.ts).
// Calibrate them on real captures before trusting them more than as hints.
export const DARK_MEAN = 60;
export const BLUR_LAPLACIAN_VAR = 40;
export const GLARE_FRACTION = 0.02;

export interface Quality {
  mean: number;
  laplacianVar: number;
  glareFraction: number;
  issues: ('dark' | 'blur' | 'glare')[];
}

/** Variance of the 4-neighbour Laplacian: high for sharp edges (print, eyelashes), low when blurred. */
export function laplacianVariance(luma: Uint8ClampedArray | Uint8Array, w: number, hgt: number): number {
  let lsum = 0;
  let lsq = 0;
  let count = 0;
  for (let y = 1; y < hgt - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const lap = luma[i - 1]! + luma[i + 1]! + luma[i - w]! + luma[i + w]! - 4 * luma[i]!;
      lsum += lap;
      lsq += lap * lap;
      count++;
    }
  }
  const lmean = count ? lsum / count : 0;
  return count ? lsq / count - lmean * lmean : 0;
}

/** Pure: luminance plane (row-major, w×h) → quality measures and issues. */
export function assessLuma(luma: Uint8ClampedArray | Uint8Array, w: number, hgt: number): Quality {
  let sum = 0;
  for (let i = 0; i < luma.length; i++) sum += luma[i]!;
  const mean = sum / Math.max(1, luma.length);
  const laplacianVar = laplacianVariance(luma, w, hgt);
  const glareFraction = glareSpot(luma, w, hgt);
  const issues: Quality['issues'] = [];
  if (mean < DARK_MEAN) issues.push('dark');
  else if (laplacianVar < BLUR_LAPLACIAN_VAR) issues.push('blur');
  if (glareFraction > GLARE_FRACTION) issues.push('glare');
  return { mean, laplacianVar, glareFraction, issues };
}

const work = typeof document !== 'undefined' ? document.createElement('canvas') : null;

/** Grayscale copy of a video frame or canvas (Rec. 601 luma), at most 320 px wide. */
export function lumaOf(src: HTMLVideoElement | HTMLCanvasElement, region?: { x: number; y: number; w: number; h: number }): { luma: Uint8ClampedArray; w: number; h: number } {
  const sw = src instanceof HTMLVideoElement ? src.videoWidth : src.width;
  const sh = src instanceof HTMLVideoElement ? src.videoHeight : src.height;
  const r = region ?? { x: 0, y: 0, w: sw, h: sh };
  const scale = Math.min(1, 320 / Math.max(1, r.w));
  const w = Math.max(1, Math.round(r.w * scale));
  const hgt = Math.max(1, Math.round(r.h * scale));
  const canvas = work ?? document.createElement('canvas');
  canvas.width = w;
  canvas.height = hgt;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return { luma: new Uint8ClampedArray(0), w: 0, h: 0 };
  ctx.drawImage(src, r.x, r.y, r.w, r.h, 0, 0, w, hgt);
  const rgba = ctx.getImageData(0, 0, w, hgt).data;
  const luma = new Uint8ClampedArray(w * hgt);
  for (let i = 0, j = 0; j < luma.length; i += 4, j++) luma[j] = (rgba[i]! * 299 + rgba[i + 1]! * 587 + rgba[i + 2]! * 114) / 1000;
  return { luma, w, h: hgt };
}

export function assess(src: HTMLVideoElement | HTMLCanvasElement): Quality {
  const { luma, w, h } = lumaOf(src);
  return assessLuma(luma, w, h);
}
