// Face alignment for the identity embedder. face-api's recognition net is a port of dlib's
// ResNet-34 (dlib_face_recognition_resnet_model_v1), trained on dlib "face chips": 150×150 crops
// where the landmarks are mapped by a similarity transform onto dlib's mean face shape with 25 %
// padding. We reproduce that chip from five mesh points, rotation included (face-api's own
// pipeline only crops an axis-aligned box, which hurts tilted heads).

import type { RgbImage } from './port.ts';

const CHIP_SIZE = 150;
/** dlib get_face_chip_details default padding. */
const CHIP_PADDING = 0.25;

/**
 * dlib mean face shape (dlib/image_transforms/interpolation.h, normalised 0–1), averaged to five
 * points: right-eye centre, left-eye centre, nose tip (pt 30), mouth corners (pts 48, 54).
 */
const MEAN_SHAPE: ReadonlyArray<readonly [number, number]> = [
  [0.2255, 0.216],
  [0.7548, 0.216],
  [0.490127, 0.515625],
  [0.254149, 0.780233],
  [0.726104, 0.780233],
];

export function chipTargets(size = CHIP_SIZE, padding = CHIP_PADDING): Array<[number, number]> {
  return MEAN_SHAPE.map(([x, y]) => [((padding + x) / (1 + 2 * padding)) * size, ((padding + y) / (1 + 2 * padding)) * size]);
}

/** Least-squares similarity transform q ≈ z·p + t (complex z = scale·e^{iθ}), no reflection. */
export function fitSimilarity(src: ReadonlyArray<readonly [number, number]>, dst: ReadonlyArray<readonly [number, number]>) {
  const n = Math.min(src.length, dst.length);
  let px = 0, py = 0, qx = 0, qy = 0;
  for (let i = 0; i < n; i++) {
    px += src[i]![0]; py += src[i]![1]; qx += dst[i]![0]; qy += dst[i]![1];
  }
  px /= n; py /= n; qx /= n; qy /= n;
  let re = 0, im = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const ax = src[i]![0] - px, ay = src[i]![1] - py;
    const bx = dst[i]![0] - qx, by = dst[i]![1] - qy;
    re += ax * bx + ay * by; // conj(a)·b
    im += ax * by - ay * bx;
    norm += ax * ax + ay * ay;
  }
  const a = norm > 0 ? re / norm : 1;
  const b = norm > 0 ? im / norm : 0;
  return { a, b, tx: qx - (a * px - b * py), ty: qy - (b * px + a * py) };
}

/** Warps `img` so that `points` land on the dlib chip targets; bilinear, edge pixels replicated. */
export function alignedChip(img: RgbImage, points: ReadonlyArray<readonly [number, number]>, size = CHIP_SIZE, padding = CHIP_PADDING): RgbImage {
  return warpSimilarity(img, points, chipTargets(size, padding), size);
}

/**
 * A `size`×`size` chip of `img` in which `points` land as near as a similarity transform allows on
 * `targets` (chip pixels). Other embedders use other templates (ArcFace's five points at 112 px).
 */
export function warpSimilarity(img: RgbImage, points: ReadonlyArray<readonly [number, number]>, targets: ReadonlyArray<readonly [number, number]>, size: number): RgbImage {
  const { a, b, tx, ty } = fitSimilarity(points, targets);
  const det = a * a + b * b; // inverse of z is conj(z)/|z|²
  const out = new Uint8Array(size * size * 3);
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const dx = u + 0.5 - tx, dy = v + 0.5 - ty;
      const sx = (a * dx + b * dy) / det - 0.5;
      const sy = (-b * dx + a * dy) / det - 0.5;
      sampleBilinear(img, sx, sy, out, (v * size + u) * 3);
    }
  }
  return { width: size, height: size, data: out };
}

/** The chip mirrored left–right (test-time augmentation: the mean of both descriptors). */
export function mirrorImage(img: RgbImage): RgbImage {
  const out = new Uint8Array(img.data.length);
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 3, d = (y * img.width + (img.width - 1 - x)) * 3;
      out[d] = img.data[s] ?? 0; out[d + 1] = img.data[s + 1] ?? 0; out[d + 2] = img.data[s + 2] ?? 0;
    }
  }
  return { width: img.width, height: img.height, data: out };
}

function sampleBilinear(img: RgbImage, x: number, y: number, out: Uint8Array, o: number): void {
  const cx = Math.min(img.width - 1, Math.max(0, x));
  const cy = Math.min(img.height - 1, Math.max(0, y));
  const x0 = Math.floor(cx), y0 = Math.floor(cy);
  const x1 = Math.min(img.width - 1, x0 + 1), y1 = Math.min(img.height - 1, y0 + 1);
  const fx = cx - x0, fy = cy - y0;
  const d = img.data;
  for (let c = 0; c < 3; c++) {
    const p00 = d[(y0 * img.width + x0) * 3 + c] ?? 0, p10 = d[(y0 * img.width + x1) * 3 + c] ?? 0;
    const p01 = d[(y1 * img.width + x0) * 3 + c] ?? 0, p11 = d[(y1 * img.width + x1) * 3 + c] ?? 0;
    out[o + c] = Math.round((p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy);
  }
}
