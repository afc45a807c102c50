/**
 * Reading MRZ rows: each row cut out of the page (see cropRegion), recognised with the MRZ
 * alphabet, its dropped characters put back by pitch (mrz-pitch.ts), and its frames placed on the
 * page (mrz-lead.ts), so that a row can be read again with its crop started further left when the
 * line lost its first characters.
 */
import { cropRegion, inkContrast } from '../engines/ocr/crop.ts';
import type { OcrEngine, RecognizedLine, RgbImage } from '../engines/ocr/port.ts';
import { MRZ_ALPHABET } from './mrz-format.ts';
import { lostLeads, placeLine, restoreLead, type Placement } from './mrz-lead.ts';
import { cleanRow, type ReadRow } from './mrz-lines.ts';
import { fillPitchGaps } from './mrz-pitch.ts';
import type { Row } from './mrz-zone.ts';

/** How a row is cut for the recogniser (see cropRegion); `minAspect` extends short rows at their end. */
export type Cut = { readonly pad: { x: number; y: number }; readonly stretch: number; readonly minAspect: number; readonly ink: boolean };

export interface Read {
  readonly row: Row;
  readonly text: ReadRow;
  /** The recogniser's output and where its frames lie on the page (null: crop cut by the image edge). */
  readonly line: RecognizedLine;
  readonly at: Placement | null;
  /** The cut it was read with: a re-read of the row uses the same one. */
  readonly cut: Cut;
}

/** Reads in page order, top line first, as read (`flip`: the page turned half way). */
export function byLine(reads: readonly Read[], flip: boolean): Read[] {
  return [...reads].sort((a, b) => (flip ? b.row.across - a.row.across : a.row.across - b.row.across));
}

export function ordered(reads: readonly Read[], flip: boolean): ReadRow[] {
  return byLine(reads, flip).map((r) => r.text);
}

function extend(row: Row, flip: boolean, minAspect: number): Row {
  const r = row.region;
  const width = Math.max(r.width, minAspect * r.height);
  if (width === r.width) return row;
  const shift = ((width - r.width) / 2) * (flip ? -1 : 1);
  const a = (r.angleDeg * Math.PI) / 180;
  return { ...row, region: { ...r, width, cx: r.cx + shift * Math.cos(a), cy: r.cy + shift * Math.sin(a) } };
}

export async function readRows(ocr: OcrEngine, image: RgbImage, rows: readonly Row[], flip: boolean, crop: Cut): Promise<Read[]> {
  const regions = rows.map((r) => extend(r, flip, crop.minAspect).region);
  const crops = await Promise.all(regions.map(async (region) => {
    const line = await cropRegion(image, region, flip, crop.pad, crop.stretch);
    return crop.ink ? inkContrast(line) : line;
  }));
  const lines = await ocr.recognize(crops, { alphabet: MRZ_ALPHABET });
  return lines.map((l, i) => {
    const filled = fillPitchGaps(l, MRZ_ALPHABET);
    const row = rows[i]!;
    const pad = crop.pad.x * regions[i]!.height;
    // The crop starts `pad` before the row's reading start (extend keeps that start), unless the
    // image edge cut it there: such a crop is not placed. One cut at its end (rows extended to a
    // full MRZ length run off the image) keeps its start and its frame scale.
    const at = startsInside(image, regions[i]!, flip, pad) ? placeLine(l, MRZ_ALPHABET, filled, readingStart(row, flip) - pad, crops[i]!.width / crop.stretch) : null;
    return { row, text: cleanRow(filled.text, filled.confidences), line: l, at, cut: crop };
  });
}

/** True when the crop of `region` (padded by `pad` along the line) starts inside the image. */
function startsInside(image: RgbImage, region: Row['region'], flip: boolean, pad: number): boolean {
  const a = ((region.angleDeg + (flip ? 180 : 0)) * Math.PI) / 180;
  const half = region.width / 2 + pad;
  const x = region.cx - half * Math.cos(a);
  const y = region.cy - half * Math.sin(a);
  return x >= 0 && y >= 0 && x <= image.width && y <= image.height;
}

/** Where a row's reading starts, as a coordinate that grows along the reading direction. */
const readingStart = (row: Row, flip: boolean): number => (flip ? -row.end : row.start);

/** `row` extended by `by` page pixels before its reading start. */
function lengthenLead(row: Row, flip: boolean, by: number): Row {
  const r = row.region;
  const a = (r.angleDeg * Math.PI) / 180;
  const shift = (by / 2) * (flip ? 1 : -1);
  const region = { ...r, width: r.width + by, cx: r.cx + shift * Math.cos(a), cy: r.cy + shift * Math.sin(a) };
  return flip ? { ...row, region, end: row.end + by } : { ...row, region, start: row.start - by };
}

/**
 * The lines of a block (`lines`: its first line's index among the reads in page order, how many,
 * and what each line's first character may be) that start a pitch or more after the others lost their first characters
 * (mrz-lead.ts): each is read again with its crop started one pitch before the first missing cell,
 * and the missing characters are put in front of its first reading. Returns the reads with those
 * rows replaced, or null when no line looks shifted.
 */
export async function restoreLeads(ocr: OcrEngine, image: RgbImage, reads: readonly Read[], lines: { start: number; count: number; firsts: readonly string[] }, flip: boolean): Promise<Read[] | null> {
  const block = byLine(reads, flip).slice(lines.start, lines.start + lines.count);
  const lost = lostLeads(block.map((r) => r.at));
  if (lost.every((k) => k === 0)) return null;
  const restored = new Map<Read, Read>();
  for (const [i, read] of block.entries()) {
    const k = lost[i]!;
    if (k === 0 || read.at === null) continue;
    const wider = (await readRows(ocr, image, [lengthenLead(read.row, flip, (k + 1) * read.at.pitch)], flip, read.cut))[0]!;
    if (wider.at === null) continue;
    restored.set(read, { ...read, text: restoreLead(read.text, read.at, k, wider.line, wider.at, MRZ_ALPHABET, lines.firsts[i]) });
  }
  return restored.size === 0 ? null : reads.map((r) => restored.get(r) ?? r);
}
