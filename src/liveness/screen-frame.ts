// Screen replay (issue 13): a genuine take played on a phone, tablet, laptop or monitor and filmed.
// It performs exactly the asked challenges and its face is the selfie's owner, so no liveness or
// identity check can see it. What the camera does see is the screen itself: the replayed picture
// (face, shoulders, the victim's room) ends at a straight-edged rectangle — the picture's border and
// the device's bezel — that encloses the face on three or four sides. A live person's body runs out
// of the camera's view at the frame border; below the chin there is a neck and a torso, not a
// straight line, and a room's straight edges (doors, shelves) rarely box the face in on three sides.
//
// The check: on a grey copy of the frame (≤ 320 px wide), for each side of the face, the straight
// line (within ±MAX_TILT_DEG of the side's axis: screens are held at an angle) whose points carry the
// strongest edge across the face's extent — its coverage is the share of points with a strong edge
// across the line. A frame is framed when three sides reach the coverage limit. The line may cut a
// little into the face box: a large replayed face's box runs past the picture's borders. It does
// not see a screen held so close that its borders leave the view; the second signal, the display's
// pixel grid inside the face (screen-grid.ts), does not need the borders. A frame shows a screen
// when either signal sees it.

import type { Box, RgbImage } from '../engines/face/port.ts';
import type { CheckOutcome } from './outcome.ts';
import { gridPeak } from './screen-grid.ts';

/** Most a screen's edge is tilted from horizontal / vertical in the camera image. */
const MAX_TILT_DEG = 12;
const TILT_STEP_DEG = 0.5;
/** Sobel response across the line that counts as an edge: ≈ a 10-grey-level step. */
const EDGE_MIN = 40;
/** Grey copy width: enough for a bezel a few pixels wide, cheap to scan (~20 ms a frame). */
const WORK_WIDTH = 320;
/** Lines this close to the image border are the border (or a letterbox bar's), not a screen. */
const BORDER_MARGIN = 3;

export interface ScreenOptions {
  /** Share of a side line's points on a strong edge for that side to count as a screen border. */
  minCoverage?: number;
  /** How far inside the face box a side's border may lie, a share of the face's size (see screenSides). */
  sideReach?: number;
  /** Pixel-grid peak prominence (screen-grid.ts) from which a frame shows a display's pixel grid. */
  minGridProminence?: number;
  /** Share of sampled frames that must show a screen (framed on three sides, or a pixel grid). */
  minFramedShare?: number;
}

/**
 * Calibrated on the calibration split (bench/screen-replay.ts --acceptance-media; docs/acceptance.md
 * "session 8"): at reach 0.15, genuine frames' framing ≤ 0.57 and screens' ≥ 0.62 (0.55, the value at
 * reach −0.05, would sit inside the genuine tail); genuine grid prominence ≤ 3.2, monitor/close/phone
 * screens ≥ 16.6, a laptop's faint 4-px grid 11.7–12.9.
 * minFramedShare 0.75: the screen recordings were framed on every sampled frame, while a genuine
 * calibration clip (d13: ceiling lines above, a striped shirt below, through the browser subset) had
 * 4 of 8 frames at 0.60–0.64; half the frames was too thin a rule for that tail.
 */
export const SCREEN_DEFAULTS: Required<ScreenOptions> = { minCoverage: 0.6, sideReach: 0.15, minGridProminence: 12, minFramedShare: 0.75 };

export interface SideCoverage { top: number; bottom: number; left: number; right: number }

interface Grey { w: number; h: number; gx: Float32Array; gy: Float32Array }

/** Area-averaged grey copy at ≤ WORK_WIDTH and its Sobel gradients. */
function gradients(img: RgbImage): Grey & { scale: number } {
  const f = Math.max(1, Math.ceil(img.width / WORK_WIDTH));
  const w = Math.floor(img.width / f);
  const h = Math.floor(img.height / f);
  const g = new Float32Array(w * h);
  const d = img.data;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) {
        let p = ((y * f + dy) * img.width + x * f) * 3;
        for (let dx = 0; dx < f; dx++, p += 3) s += 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
      }
      g[y * w + x] = s / (f * f);
    }
  }
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const a = g[i - w - 1]!, b = g[i - w]!, c = g[i - w + 1]!, l = g[i - 1]!, r = g[i + 1]!, e = g[i + w - 1]!, m = g[i + w]!, n = g[i + w + 1]!;
      gx[i] = c + 2 * r + n - a - 2 * l - e;
      gy[i] = e + 2 * m + n - a - 2 * b - c;
    }
  }
  return { w, h, gx, gy, scale: f };
}

/**
 * Pixels with a strong edge across lines running along `axis` (normal gradient ≥ EDGE_MIN and
 * dominant), widened by 1 px across: a tilted line is rasterised to the nearest row/column.
 */
function edgeMap(g: Grey, axis: 'h' | 'v'): Uint8Array {
  const normal = axis === 'h' ? g.gy : g.gx;
  const tangent = axis === 'h' ? g.gx : g.gy;
  const edge = new Uint8Array(g.w * g.h);
  for (let i = 0; i < edge.length; i++) {
    const n = Math.abs(normal[i]!);
    edge[i] = n >= EDGE_MIN && n >= Math.abs(tangent[i]!) ? 1 : 0;
  }
  const wide = new Uint8Array(edge.length);
  const step = axis === 'h' ? g.w : 1;
  for (let i = step; i < edge.length - step; i++) wide[i] = edge[i]! | edge[i - step]! | edge[i + step]!;
  return wide;
}

const TILTS = Array.from({ length: Math.round((2 * MAX_TILT_DEG) / TILT_STEP_DEG) + 1 }, (_, k) => Math.tan(((-MAX_TILT_DEG + k * TILT_STEP_DEG) * Math.PI) / 180));

/**
 * Best coverage of a straight line running along `axis` ('h': y = off + t·(x − mid), 'v': x = off +
 * t·(y − mid)) with off in [offFrom, offTo], over the points along from `from` to `to`. A Hough vote:
 * every edge pixel votes once per tilt for the line through it, so the cost is edges × tilts.
 */
function bestLine(g: Grey, edge: Uint8Array, axis: 'h' | 'v', offFrom: number, offTo: number, from: number, to: number): number {
  const along = axis === 'h' ? g.w : g.h;
  const across = axis === 'h' ? g.h : g.w;
  const a0 = Math.max(1, Math.round(from));
  const a1 = Math.min(along - 2, Math.round(to));
  const o0 = Math.max(BORDER_MARGIN, Math.round(offFrom));
  const o1 = Math.min(across - 1 - BORDER_MARGIN, Math.round(offTo));
  if (a1 - a0 < 8 || o1 < o0) return 0;
  const mid = (a0 + a1) / 2;
  const span = o1 - o0 + 1;
  const drift = Math.ceil(Math.tan((MAX_TILT_DEG * Math.PI) / 180) * (a1 - a0) / 2) + 1;
  const votes = new Uint16Array(TILTS.length * span);
  // The line of tilt k whose rasterised point at `a` is c has off = round(c − t·(a − mid)) (the
  // inverse of c = round(off + t·(a − mid))); c is an integer, so that is c + round(−t·(a − mid)):
  // one shift per tilt and position along, the same votes without a multiply and round per edge pixel.
  const shifts = new Int32Array(TILTS.length);
  const c0 = Math.max(1, o0 - drift), c1 = Math.min(across - 2, o1 + drift);
  for (let a = a0; a <= a1; a++) {
    for (let k = 0; k < TILTS.length; k++) shifts[k] = Math.round(-TILTS[k]! * (a - mid)) - o0;
    for (let c = c0; c <= c1; c++) {
      if (!(axis === 'h' ? edge[c * g.w + a] : edge[a * g.w + c])) continue;
      for (let k = 0, row = 0; k < TILTS.length; k++, row += span) {
        const off = c + shifts[k]!; // off − o0
        if (off >= 0 && off < span) votes[row + off]!++;
      }
    }
  }
  let best = 0;
  for (const v of votes) if (v > best) best = v;
  return Math.min(1, best / (a1 - a0 + 1));
}

/**
 * Coverage of the best straight edge on each side of the face (0–1), searched across the face's
 * extent. `reach`: how far (a share of the face's size) a side's line may lie inside the face box —
 * the picture's border cuts the face box when the replayed face is large (a selfie-distance take
 * whose hair or chin runs past the picture); negative: the line must stay that far outside.
 */
export function screenSides(img: RgbImage, face: Box, reach = SCREEN_DEFAULTS.sideReach): SideCoverage {
  const g = gradients(img);
  const s = g.scale;
  const x0 = face.x / s, y0 = face.y / s, fw = face.width / s, fh = face.height / s;
  const cx = x0 + fw / 2, cy = y0 + fh / 2;
  // The line must run along 1.8 face widths / heights centred on the face (clipped to the image):
  // a picture's border does, the outline of a shoulder or a door jamb beside the head rarely does.
  const hFrom = cx - 0.9 * fw, hTo = cx + 0.9 * fw;
  const vFrom = cy - 0.9 * fh, vTo = cy + 0.9 * fh;
  const horizontal = edgeMap(g, 'h');
  const vertical = edgeMap(g, 'v');
  return {
    top: bestLine(g, horizontal, 'h', 0, y0 + reach * fh, hFrom, hTo),
    bottom: bestLine(g, horizontal, 'h', y0 + fh * (1 - reach), g.h, hFrom, hTo),
    left: bestLine(g, vertical, 'v', 0, x0 + reach * fw, vFrom, vTo),
    right: bestLine(g, vertical, 'v', x0 + fw * (1 - reach), g.w, vFrom, vTo),
  };
}

/** How well three sides are framed: the third-best side's coverage (1 = three full straight borders). */
export function framing(sides: SideCoverage): number {
  return [sides.top, sides.bottom, sides.left, sides.right].sort((a, b) => b - a)[2]!;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * `screen_replay` (blocking): in at least minFramedShare of the frames that have a face, a screen
 * shows — the face is enclosed on three sides by straight edges covering ≥ minCoverage of their
 * length, or the face region carries a display's pixel grid (prominence ≥ minGridProminence). The
 * two signals are independent (edges around the face / periodic texture inside it), so a frame
 * counts when either sees the screen.
 */
export function checkScreenReplay(frames: ReadonlyArray<{ t: number; image: RgbImage; face: Box }>, options: ScreenOptions = {}): CheckOutcome {
  return screenVerdict(frames.map((f) => screenFrame(f, options)), options);
}

/** One frame's screen measures (~20 ms at 640 px): callers with idle time between frames run it as each arrives. */
export function screenFrame(f: { t: number; image: RgbImage; face: Box }, options: ScreenOptions = {}): ScreenFrame {
  const o = { ...SCREEN_DEFAULTS, ...options };
  const sides = screenSides(f.image, f.face, o.sideReach);
  const grid = gridPeak(f.image, f.face);
  return {
    t: r3(f.t), framing: r3(framing(sides)), top: r3(sides.top), bottom: r3(sides.bottom), left: r3(sides.left), right: r3(sides.right),
    grid: Math.round(grid.prominence * 10) / 10, grid_period: grid.period.map((p) => (Number.isFinite(p) ? Math.round(p * 100) / 100 : null)),
  };
}

export interface ScreenFrame {
  t: number; framing: number; top: number; bottom: number; left: number; right: number; grid: number; grid_period: Array<number | null>;
}

/** The check's outcome from the frames' measures (see checkScreenReplay). */
export function screenVerdict(per: readonly ScreenFrame[], options: ScreenOptions = {}): CheckOutcome {
  const o = { ...SCREEN_DEFAULTS, ...options };
  const screen = (p: ScreenFrame) => p.framing >= o.minCoverage || p.grid >= o.minGridProminence;
  const framed = per.filter(screen).length;
  const share = per.length ? framed / per.length : 0;
  return {
    reason: 'screen_replay', flagged: per.length > 0 && share >= o.minFramedShare, blocking: true,
    evidence: {
      frames: per, framed_share: r3(share), min_coverage: o.minCoverage, min_grid_prominence: o.minGridProminence, min_framed_share: o.minFramedShare,
      // Which signal saw it: a reviewer (and the calibration bench) can tell the two apart.
      edges_share: r3(per.length ? per.filter((p) => p.framing >= o.minCoverage).length / per.length : 0),
      grid_share: r3(per.length ? per.filter((p) => p.grid >= o.minGridProminence).length / per.length : 0),
    },
  };
}
