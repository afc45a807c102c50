/**
 * DB (differentiable binarisation) post-processing of the PaddleOCR text-probability map: connected
 * components → oriented rectangles (principal axes of the pixel cloud) → "unclip" expansion.
 * Written in plain typed arrays: OpenCV.js contours cost more than the detector itself here.
 */
import type { TextRegion } from './port.ts';

// PaddleOCR defaults (tools/infer/utility.py): det_db_thresh 0.3, det_db_box_thresh 0.6,
// det_db_unclip_ratio 1.5; boxes whose short side is under 3 px of the map are noise.
const PIXEL_THRESHOLD = 0.3;
const BOX_THRESHOLD = 0.6;
const UNCLIP_RATIO = 1.5;
const MIN_SIDE = 3;

export function findRegions(map: Float32Array, width: number, height: number): TextRegion[] {
  const labels = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const regions: TextRegion[] = [];
  let next = 1;
  for (let start = 0; start < map.length; start++) {
    if (labels[start] !== 0 || map[start]! <= PIXEL_THRESHOLD) continue;
    const pixels = flood(map, labels, stack, width, height, start, next++);
    const region = toRegion(map, pixels, width);
    if (region !== null) regions.push(region);
  }
  return regions;
}

function flood(
  map: Float32Array,
  labels: Int32Array,
  stack: Int32Array,
  width: number,
  height: number,
  start: number,
  label: number,
): Int32Array {
  let top = 0;
  let count = 0;
  const members: number[] = [];
  stack[top++] = start;
  labels[start] = label;
  while (top > 0) {
    const p = stack[--top]!;
    members.push(p);
    count++;
    const x = p % width;
    const y = (p - x) / width;
    const neighbours = [x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1, y > 0 ? p - width : -1, y < height - 1 ? p + width : -1];
    for (const n of neighbours) {
      if (n >= 0 && labels[n] === 0 && map[n]! > PIXEL_THRESHOLD) {
        labels[n] = label;
        stack[top++] = n;
      }
    }
  }
  return Int32Array.from(members.slice(0, count));
}

function toRegion(map: Float32Array, pixels: Int32Array, width: number): TextRegion | null {
  const n = pixels.length;
  if (n < MIN_SIDE * MIN_SIDE) return null;
  let sx = 0;
  let sy = 0;
  let score = 0;
  for (const p of pixels) {
    sx += p % width;
    sy += Math.floor(p / width);
    score += map[p]!;
  }
  const cx = sx / n;
  const cy = sy / n;
  if (score / n < BOX_THRESHOLD) return null;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  for (const p of pixels) {
    const dx = (p % width) - cx;
    const dy = Math.floor(p / width) - cy;
    cxx += dx * dx;
    cyy += dy * dy;
    cxy += dx * dy;
  }
  const angle = 0.5 * Math.atan2(2 * cxy, cxx - cyy);
  const [ux, uy] = [Math.cos(angle), Math.sin(angle)];
  let [minU, maxU, minV, maxV] = [Infinity, -Infinity, Infinity, -Infinity];
  for (const p of pixels) {
    const dx = (p % width) - cx;
    const dy = Math.floor(p / width) - cy;
    const u = dx * ux + dy * uy;
    const v = -dx * uy + dy * ux;
    minU = Math.min(minU, u);
    maxU = Math.max(maxU, u);
    minV = Math.min(minV, v);
    maxV = Math.max(maxV, v);
  }
  const w = maxU - minU + 1;
  const h = maxV - minV + 1;
  if (Math.min(w, h) < MIN_SIDE) return null;
  // Unclip: the DB map covers a shrunk text kernel; grow by area * ratio / perimeter on every side.
  const d = (w * h * UNCLIP_RATIO) / (2 * (w + h));
  const midU = (minU + maxU) / 2;
  const midV = (minV + maxV) / 2;
  return {
    cx: cx + midU * ux - midV * uy + 0.5,
    cy: cy + midU * uy + midV * ux + 0.5,
    width: w + 2 * d,
    height: h + 2 * d,
    angleDeg: (angle * 180) / Math.PI,
    score: score / n,
  };
}
