// Synthetic frames for the screen-replay tests (screen-frame.test.ts, screen-grid.test.ts), drawn
// in memory: no media files, deterministic noise so the tests cannot flake.
import type { Box, RgbImage } from '../../../src/engines/face/port.ts';
import { rng } from './helpers.ts';

// 640×480 frames. A "live" frame: a room (a gradient wall, a door jamb
// and a shelf — straight edges a real background has), a head (skin ellipse with hair) and a torso
// that runs out of the frame at the bottom. A "replay": that frame shrunk onto a screen (picture
// border, dark bezel) on another wall, tilted a few degrees, with noise — what a camera pointed at a
// monitor sees; optionally with the display's pixel grid (dark gaps every `period` screen px).
export const W = 640, H = 480;
type Px = [number, number, number];

/** The live scene's colour at (x, y) with the head centred at (hx, hy). */
export function scene(x: number, y: number, hx: number, hy: number): Px {
  const inHead = ((x - hx) / 85) ** 2 + ((y - hy) / 110) ** 2 < 1;
  const inHair = ((x - hx) / 95) ** 2 + ((y - hy + 20) / 115) ** 2 < 1 && y < hy - 40;
  // Shoulders: a widening trapezoid from the neck to the bottom edge.
  const shoulder = y > hy + 95 && Math.abs(x - hx) < 50 + (y - hy - 95) * 1.6;
  if (inHair) return [40, 30, 25];
  if (inHead) return [205 - (x - hx) * 0.2, 160, 135];
  if (shoulder) return [50, 70, 120];
  if (Math.abs(x - 90) < 6) return [120, 100, 80]; // door jamb: a straight vertical edge left of the face
  if (Math.abs(y - 120) < 4 && x > 420) return [90, 80, 70]; // a shelf to the right of the head
  return [170 + x * 0.05, 175 + y * 0.03, 180];
}

export function image(px: (x: number, y: number) => Px, seed: number, amp = 6): RgbImage {
  const noise = rng(seed);
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const c = px(x, y);
    for (let k = 0; k < 3; k++) data[(y * W + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k]! + (noise() - 0.5) * amp)));
  }
  return { width: W, height: H, data };
}

export const live = (hx: number, hy: number, seed: number): { image: RgbImage; face: Box } =>
  ({ image: image((x, y) => scene(x, y, hx, hy), seed), face: { x: hx - 85, y: hy - 110, width: 170, height: 220 } });

/**
 * The live scene at `scale` on a screen whose picture's top-left is (sx, sy), tilted by `deg`
 * (rotation about the picture's centre), with a `bezel`-px dark border, on a beige wall.
 */
export function replay(hx: number, hy: number, seed: number, scale: number, deg: number, sx: number, sy: number, bezel = 14, grid = { period: 0, alpha: 0 }): { image: RgbImage; face: Box } {
  const pw = W * scale, ph = H * scale;
  const cx = sx + pw / 2, cy = sy + ph / 2;
  const c = Math.cos((deg * Math.PI) / 180), s = Math.sin((deg * Math.PI) / 180);
  const img = image((x, y) => {
    // Into the picture's own (unrotated) coordinates.
    const u = c * (x - cx) + s * (y - cy) + pw / 2;
    const v = -s * (x - cx) + c * (y - cy) + ph / 2;
    if (u >= 0 && u < pw && v >= 0 && v < ph) {
      const p = scene(u / scale, v / scale, hx, hy);
      // The gaps between the display's pixels, tilted with the screen.
      const gap = grid.period > 0 && ((u % grid.period) < 1 || (v % grid.period) < 1) ? 1 - grid.alpha : 1;
      return [(p[0] * 0.85 + 20) * gap, (p[1] * 0.85 + 20) * gap, (p[2] * 0.85 + 25) * gap]; // the display's washed-out contrast
    }
    if (u >= -bezel && u < pw + bezel && v >= -bezel && v < ph + bezel) return [18, 18, 20];
    return [115, 100, 85];
  }, seed, 8);
  // The face box as a detector would return it: the head's bounds mapped through the screen.
  const fx = sx + (hx - 85) * scale, fy = sy + (hy - 110) * scale;
  return { image: img, face: { x: fx, y: fy, width: 170 * scale, height: 220 * scale } };
}

