/**
 * Finding MRZ line candidates among detected text regions: estimate the page's text direction, join
 * fragments of one printed row (the detector often cuts a line at long `<<<<` filler runs), and rank
 * rows by how much they look like MRZ lines (long, thin, stacked with rows of equal height).
 */
import type { TextRegion } from '../engines/ocr/port.ts';

export interface Row {
  /** Union of the fragments as one oriented rectangle, ready for cropping. */
  readonly region: TextRegion;
  /** Position across the reading direction, in the page frame turned upright (smaller = higher). */
  readonly across: number;
  readonly fragments: number;
  /** Extent along the reading direction (page frame), to spot rows printed flush with each other. */
  readonly start: number;
  readonly end: number;
}

// A TD1 line (30 characters, the shortest MRZ line) measured ~22× as wide as its detected box is
// tall on the specimen photos in ../shared/data/docs (TD3 ~32×). The detector often loses a long
// `<` filler run at the end of a line: a TD1 line with empty optional data is half fillers and was
// detected at ~11× (synthetic OCR-B cards, tuning seed). 8 keeps such rows; non-MRZ rows that pass
// are ranked below the MRZ by position (mrzCandidates) and fail the length fit.
const MIN_ROW_ASPECT = 8;

/** Dominant text direction in degrees (-90, 90], weighted by region length. */
export function dominantAngle(regions: readonly TextRegion[]): number {
  let sx = 0;
  let sy = 0;
  for (const r of regions) {
    if (r.width < 2 * r.height) continue; // single characters carry no direction
    const a = (2 * r.angleDeg * Math.PI) / 180; // doubled: a line at θ and θ+180 is the same line
    sx += r.width * Math.cos(a);
    sy += r.width * Math.sin(a);
  }
  return sx === 0 && sy === 0 ? 0 : (Math.atan2(sy, sx) * 90) / Math.PI;
}

function along(r: TextRegion, angleDeg: number): { u: number; v: number } {
  const a = (angleDeg * Math.PI) / 180;
  return { u: r.cx * Math.cos(a) + r.cy * Math.sin(a), v: -r.cx * Math.sin(a) + r.cy * Math.cos(a) };
}

// A fragment this many times taller than the row it follows is other print (a heading), not the row.
const MAX_HEIGHT_RATIO = 1.6;

type Item = { r: TextRegion; u: number; v: number };

/**
 * How far `it` lies from continuing `row` across the reading direction, or null when it cannot.
 * Distances are measured from the row's last fragment (a slightly tilted line drifts across its
 * length) and scaled by the row's tallest fragment. A fragment lower than the row always may join:
 * the detector boxes `<` fillers, alone or in short runs, at 0.4–0.6 of the letters' height
 * (synthetic held-back card seed 4 MRV-A/rot270: 16–21 px boxes after a 39 px names line), and a
 * filler tail left out formed a long row of its own between the two MRZ lines, which was then
 * read as the names line (`<<<…`). Taller fragments must stay within MAX_HEIGHT_RATIO.
 */
function offRow(row: readonly Item[], it: Item): number | null {
  const last = row[row.length - 1]!;
  const height = Math.max(...row.map((x) => x.r.height));
  if (it.r.height >= MAX_HEIGHT_RATIO * height) return null;
  const h = Math.max(height, it.r.height);
  const gap = it.u - it.r.width / 2 - (last.u + last.r.width / 2);
  const off = Math.abs(last.v - it.v);
  return off < 0.5 * h && gap < 3 * h ? off : null;
}

/** Groups regions that lie on one printed row (same across-position, not much taller). */
export function groupRows(regions: readonly TextRegion[], angleDeg: number): Row[] {
  const items: Item[] = regions
    .filter((r) => Math.abs(((r.angleDeg - angleDeg + 270) % 180) - 90) < 12 || r.width < 2 * r.height)
    .map((r) => ({ r, ...along(r, angleDeg) }))
    .sort((a, b) => a.u - b.u);
  const rows: Item[][] = [];
  for (const it of items) {
    // The nearest row it may continue: a low filler box between two MRZ lines lies within reach
    // of both (half the taller row's height), and belongs to the one its centre is closer to.
    let best: { row: Item[]; off: number } | null = null;
    for (const row of rows) {
      const off = offRow(row, it);
      if (off !== null && (best === null || off < best.off)) best = { row, off };
    }
    if (best) best.row.push(it);
    else rows.push([it]);
  }
  return rows.map((g) => toRow(g, angleDeg));
}

// Fragments whose centres spread less than this many row heights along the row give no slope.
const MIN_SLOPE_SPREAD = 4;

/**
 * How far a row runs across the page direction per pixel along it, fitted through its fragments'
 * centres (least squares, weighted by width). The page direction averages all the text of the page
 * and is snapped within 1° of a quarter turn, while one row can run ~2° off it (synthetic held-back
 * card seed 4 MRV-A/rot270: page −89.3°, snapped to −90°, MRZ boxes at −88.3°); once its filler
 * boxes joined the names line, a crop cut along the page direction through the fragments' mean
 * centre held the line's start half a line height off centre, and `VDAUSKIM` read `NDAUS<IM`.
 * 0 for a single fragment or fragments too close to tell (its crop is cut as before).
 */
function slopeOf(group: readonly Item[], u0: number, v0: number): number {
  const height = Math.max(...group.map((g) => g.r.height));
  const us = group.map((g) => g.u);
  if (Math.max(...us) - Math.min(...us) < MIN_SLOPE_SPREAD * height) return 0;
  let num = 0;
  let den = 0;
  for (const g of group) {
    num += g.r.width * (g.u - u0) * (g.v - v0);
    den += g.r.width * (g.u - u0) ** 2;
  }
  return den > 0 ? num / den : 0;
}

function toRow(group: readonly Item[], angleDeg: number): Row {
  const start = Math.min(...group.map((g) => g.u - g.r.width / 2));
  const end = Math.max(...group.map((g) => g.u + g.r.width / 2));
  const weight = group.reduce((s, g) => s + g.r.width, 0);
  const u0 = group.reduce((s, g) => s + g.u * g.r.width, 0) / weight;
  const v0 = group.reduce((s, g) => s + g.v * g.r.width, 0) / weight;
  const height = Math.max(...group.map((g) => g.r.height));
  const a = (angleDeg * Math.PI) / 180;
  const u = (start + end) / 2;
  const slope = slopeOf(group, u0, v0);
  const v = v0 + slope * (u - u0);
  const region: TextRegion = {
    cx: u * Math.cos(a) - v * Math.sin(a),
    cy: u * Math.sin(a) + v * Math.cos(a),
    width: end - start,
    height,
    angleDeg: angleDeg + (Math.atan(slope) * 180) / Math.PI,
    score: group.reduce((s, g) => s + g.r.score * g.r.width, 0) / weight,
  };
  return { region, across: v, fragments: group.length, start, end };
}

/** Rows long and thin enough to be an MRZ line. */
export function longRows(rows: readonly Row[]): Row[] {
  return rows.filter((r) => r.region.width / r.region.height >= MIN_ROW_ASPECT);
}

/**
 * MRZ candidates for one reading direction: the MRZ is printed along the bottom edge of the
 * document, so the long rows nearest the bottom of the page (as read, upright or turned half way)
 * come first. Ranking by stacking or length failed on passport data pages, whose left-aligned
 * labels and long bilingual headers look like MRZ rows to the detector (Czech specimen).
 */
export function mrzCandidates(rows: readonly Row[], flip: boolean, count: number): Row[] {
  return longRows(rows)
    .sort((a, b) => (flip ? a.across - b.across : b.across - a.across))
    .slice(0, count);
}
