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

/** Groups regions that lie on one printed row (same across-position, similar height). */
export function groupRows(regions: readonly TextRegion[], angleDeg: number): Row[] {
  const items = regions
    .filter((r) => Math.abs(((r.angleDeg - angleDeg + 270) % 180) - 90) < 12 || r.width < 2 * r.height)
    .map((r) => ({ r, ...along(r, angleDeg) }))
    .sort((a, b) => a.u - b.u);
  const rows: (typeof items)[] = [];
  for (const it of items) {
    const row = rows.find((g) => {
      const last = g[g.length - 1]!;
      const h = Math.max(last.r.height, it.r.height);
      const gap = it.u - it.r.width / 2 - (last.u + last.r.width / 2);
      return Math.abs(last.v - it.v) < 0.5 * h && it.r.height / last.r.height < 1.6 && last.r.height / it.r.height < 1.6 && gap < 3 * h;
    });
    if (row) row.push(it);
    else rows.push([it]);
  }
  return rows.map((g) => toRow(g, angleDeg));
}

function toRow(group: readonly { r: TextRegion; u: number; v: number }[], angleDeg: number): Row {
  const start = Math.min(...group.map((g) => g.u - g.r.width / 2));
  const end = Math.max(...group.map((g) => g.u + g.r.width / 2));
  const weight = group.reduce((s, g) => s + g.r.width, 0);
  const v = group.reduce((s, g) => s + g.v * g.r.width, 0) / weight;
  const height = Math.max(...group.map((g) => g.r.height));
  const a = (angleDeg * Math.PI) / 180;
  const u = (start + end) / 2;
  const region: TextRegion = {
    cx: u * Math.cos(a) - v * Math.sin(a),
    cy: u * Math.sin(a) + v * Math.cos(a),
    width: end - start,
    height,
    angleDeg,
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
