// Screen replay, second signal (issue 13): a display's pixel grid. A screen shows its picture
// through a regular grid of pixels (the dark gaps between them, the "screen door"); filmed, that
// grid survives — at the display's pixel pitch or aliased against the camera's sensor into moiré —
// as a narrow peak in the spatial spectrum of the face region, where skin, hair and sensor noise have
// a smooth spectrum that falls off with frequency and has no isolated peaks. This signal does not
// look at the screen's border at all, so it sees a screen held so close that its bezel leaves the
// view, or a face so large that the border falls outside the band the geometric check searches
// (screen-frame.ts).
//
// The measure: Welch's average of the power spectra of 64×64 Hann-windowed tiles covering the face
// box (full decoded resolution: the grid is 2–5 px), and its strongest **peak prominence** — the
// power around a frequency (3×3 bins) over its background (the ring 3–4 bins away, and the same
// direction 3 bins nearer and farther: an edge's power runs along a line through the origin). Frequencies
// below MIN_BIN (periods > 10 px: the face's own shape) and the compression block grid's frequencies
// (see BLOCK_PERIOD) are not candidates.

import type { Box, RgbImage } from '../engines/face/port.ts';
import { fft } from '../engines/signal/fft.ts';

/** Tile side: a power of two for the FFT; bins at k/64 cycles/px. */
const TILE = 64;
const HALF = TILE / 2;
/** Lowest frequency searched, in bins: 6/64 cycles/px = periods ≤ 10.7 px (a face's features are longer). */
const MIN_BIN = 6;
/**
 * Highest: bins within 2 of Nyquist (periods ≈ 2 px) are left out — a camera's Bayer demosaicing
 * and the chroma subsampling of every codec leave periodic traces there on live video too.
 */
const MAX_BIN = HALF - 2;
/**
 * VP8 (4×4 transforms, 16×16 macroblocks) and JPEG (8×8) blocks repeat every 4 px on every decoded
 * frame, live or not: their traces lie on frequencies that are multiples of TILE / BLOCK_PERIOD bins
 * along either axis, so those columns and rows are not candidates.
 */
const BLOCK_PERIOD = 4;
/** Bins nearer / farther along a frequency's direction where a ridge (an edge) would still be strong. */
const RADIAL_STEP = 3;
/** At most this many tiles per frame (the face box's centre first): bounds the cost on a large face. */
const MAX_TILES = 12;

// The Hann window of a tile's rows and columns.
const HANN = Float64Array.from({ length: TILE }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / (TILE - 1)));

/**
 * Adds the power spectrum of the tile at (x0, y0) to `acc` (rows ky = 0…TILE−1, columns kx =
 * 0…HALF: a real tile's spectrum is symmetric). Grey is BT.601 luma, read for the tile's pixels
 * only; the tile's mean is removed before the window. A 2-D FFT (rows, then the HALF + 1 columns a
 * real tile needs): ~10× fewer operations than the direct DFT it replaced, the same spectrum up to
 * float rounding.
 */
function addTileSpectrum(img: RgbImage, x0: number, y0: number, acc: Float64Array): void {
  const re = new Float64Array(TILE * TILE);
  const im = new Float64Array(TILE * TILE);
  const d = img.data;
  let mean = 0;
  for (let y = 0; y < TILE; y++) {
    for (let x = 0, p = ((y0 + y) * img.width + x0) * 3; x < TILE; x++, p += 3) mean += re[y * TILE + x] = 0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]!;
  }
  mean /= TILE * TILE;
  for (let y = 0; y < TILE; y++) for (let x = 0; x < TILE; x++) re[y * TILE + x] = (re[y * TILE + x]! - mean) * HANN[x]! * HANN[y]!;
  for (let y = 0; y < TILE; y++) fft(re.subarray(y * TILE, (y + 1) * TILE), im.subarray(y * TILE, (y + 1) * TILE));
  const cr = new Float64Array(TILE), ci = new Float64Array(TILE);
  for (let kx = 0; kx <= HALF; kx++) {
    for (let y = 0; y < TILE; y++) { cr[y] = re[y * TILE + kx]!; ci[y] = im[y * TILE + kx]!; }
    fft(cr, ci);
    for (let ky = 0; ky < TILE; ky++) acc[ky * (HALF + 1) + kx]! += cr[ky]! * cr[ky]! + ci[ky]! * ci[ky]!;
  }
}

/** Tile origins covering the face box (clipped to the image), nearest the box's centre first. */
function tiles(img: RgbImage, face: Box): Array<[number, number]> {
  const x0 = Math.max(0, Math.round(face.x)), y0 = Math.max(0, Math.round(face.y));
  const x1 = Math.min(img.width, Math.round(face.x + face.width)), y1 = Math.min(img.height, Math.round(face.y + face.height));
  const nx = Math.floor((x1 - x0) / TILE), ny = Math.floor((y1 - y0) / TILE);
  const cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
  const out: Array<[number, number]> = [];
  // Centred in the box: the leftover margin split on both sides.
  const ox = x0 + Math.floor((x1 - x0 - nx * TILE) / 2), oy = y0 + Math.floor((y1 - y0 - ny * TILE) / 2);
  for (let j = 0; j < ny; j++) for (let i = 0; i < nx; i++) out.push([ox + i * TILE, oy + j * TILE]);
  const d = (t: [number, number]) => (t[0] + HALF - cx) ** 2 + (t[1] + HALF - cy) ** 2;
  return out.sort((a, b) => d(a) - d(b)).slice(0, MAX_TILES);
}

/** A bin index brought into −HALF…HALF−1 (the spectrum of a sampled tile repeats every TILE bins). */
const wrap = (k: number) => ((((k + HALF) % TILE) + TILE) % TILE) - HALF;
const isBlockBin = (k: number) => k !== 0 && k % (TILE / BLOCK_PERIOD) === 0;

export interface GridPeak {
  /** Peak power (3×3 bins) over the geometric-mean power 3–4 bins around it; a few units on a smooth spectrum. */
  prominence: number;
  /** Where: period in px along x and y of the peak frequency (Infinity on an axis). */
  period: [number, number];
  /** Tiles averaged (0: the face box is smaller than one tile; prominence is then 0). */
  tiles: number;
}

/** The strongest isolated spectral peak of the face region (see the module comment). */
export function gridPeak(img: RgbImage, face: Box): GridPeak {
  const origins = tiles(img, face);
  if (!origins.length) return { prominence: 0, period: [Infinity, Infinity], tiles: 0 };
  const p = new Float64Array(TILE * (HALF + 1));
  for (const [x, y] of origins) addTileSpectrum(img, x, y, p);
  // Power at any (kx, ky): the spectrum repeats every TILE bins, and P(−k) = P(k) for a real tile.
  // Unfolded once into a full TILE × TILE table, with its logs: the scan below reads each bin ~80 times.
  const full = new Float64Array(TILE * TILE), logFull = new Float64Array(TILE * TILE);
  for (let y = -HALF; y < HALF; y++) {
    for (let x = -HALF; x < HALF; x++) {
      const v = x >= 0 ? p[(y < 0 ? y + TILE : y) * (HALF + 1) + x]! : p[(y > 0 ? TILE - y : -y) * (HALF + 1) - x]!;
      const i = (y + HALF) * TILE + x + HALF;
      full[i] = v;
      logFull[i] = Math.log(v + 1e-9);
    }
  }
  const index = (kx: number, ky: number) => (wrap(ky) + HALF) * TILE + wrap(kx) + HALF;
  const at = (kx: number, ky: number) => full[index(kx, ky)]!;
  const around = (kx: number, ky: number) => { let sum = 0; for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) sum += at(kx + dx, ky + dy); return sum; };
  let best: GridPeak = { prominence: 0, period: [Infinity, Infinity], tiles: origins.length };
  for (let ky = -MAX_BIN; ky <= MAX_BIN; ky++) {
    for (let kx = 0; kx <= MAX_BIN; kx++) {
      if (Math.max(Math.abs(kx), Math.abs(ky)) < MIN_BIN || isBlockBin(kx) || isBlockBin(ky)) continue;
      // Background, the larger of two: the geometric mean of the ring 3–4 bins around (a mean of
      // logs, so one strong neighbour barely moves it), and the power 3 bins nearer to and farther
      // from the origin along the same direction. A straight edge (a hairline, a glasses frame, a
      // collar) is not a peak but a ridge through the origin: its power continues along the ridge.
      let peak = 0, logs = 0, n = 0;
      for (let dy = -4; dy <= 4; dy++) {
        for (let dx = -4; dx <= 4; dx++) {
          const d = Math.max(Math.abs(dx), Math.abs(dy));
          if (d <= 1) peak += at(kx + dx, ky + dy);
          else if (d >= 3) { logs += logFull[index(kx + dx, ky + dy)]!; n++; }
        }
      }
      const r = Math.hypot(kx, ky);
      const along = (dr: number) => { const f = (r + dr) / r; return around(Math.round(kx * f), Math.round(ky * f)); };
      const background = Math.max(9 * Math.exp(logs / n), along(-RADIAL_STEP), along(RADIAL_STEP));
      const prominence = peak / background;
      if (prominence > best.prominence) best = { prominence, period: [kx ? TILE / kx : Infinity, ky ? TILE / Math.abs(ky) : Infinity], tiles: origins.length };
    }
  }
  return best;
}
