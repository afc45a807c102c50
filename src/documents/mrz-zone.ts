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
  return joinLineParts(rows).map((g) => toRow(g, angleDeg));
}

type Group = { r: TextRegion; u: number; v: number }[];

const extentOf = (g: Group): { start: number; end: number; height: number; v: number } => ({
  start: Math.min(...g.map((x) => x.u - x.r.width / 2)),
  end: Math.max(...g.map((x) => x.u + x.r.width / 2)),
  height: Math.max(...g.map((x) => x.r.height)),
  v: g.reduce((s, x) => s + x.v * x.r.width, 0) / g.reduce((s, x) => s + x.r.width, 0),
});

/**
 * Two long rows on one printed line, end to end, are one line. The detector boxes a names line's
 * filler tail as `<` glyphs at 0.4–0.6 of the letters' height; the grouping above refuses them (height
 * ratio) and they form a long row of their own, which a block then takes for the names line
 * (synthetic cards seed 4 MRV-A/rot270: fillers only; seed 7 TD1/rot270: `RIA<YUKI` of
 * `GARCIA<LOPEZ<<MARIA<YUKI`). Only rows that are long on their own are joined, end to end (they
 * overlap by less than one line height): letting single low boxes join a row put a box lying over the
 * Czech specimen's fillers into its names row and broke that reading (session 10, docs/documents.md).
 */
function joinLineParts(groups: readonly Group[]): Group[] {
  const out = groups.map((g) => [...g]);
  for (let i = 0; i < out.length; i++) {
    for (let k = i + 1; k < out.length; k++) {
      const a = extentOf(out[i]!);
      const b = extentOf(out[k]!);
      const h = Math.max(a.height, b.height);
      const long = (e: typeof a): boolean => e.end - e.start >= MIN_ROW_ASPECT * e.height;
      const overlap = Math.min(a.end, b.end) - Math.max(a.start, b.start);
      if (!long(a) || !long(b) || Math.abs(a.v - b.v) >= 0.5 * h || overlap >= h || -overlap >= 3 * h) continue;
      out[i] = [...out[i]!, ...out.splice(k, 1)[0]!].sort((x, y) => x.u - y.u);
      k = i;
    }
  }
  return out;
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
