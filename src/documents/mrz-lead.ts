/**
 * A line's first characters lost. The pitch recovery (mrz-pitch.ts) sees gaps between read
 * characters only: a character lost before the first one leaves no gap (held-back synthetic cards:
 * `OLIVEIRA` → `LIVEIRA`, `LI<<OMAR` → `<<OMAR`, MRV-A line 2 `C2940…` → `2940…`). But the lines of
 * one MRZ are printed flush left at one pitch (ICAO 9303-3 §4.4), so every line's first character
 * sits at the same place along the reading direction. A line whose first read character sits a
 * whole pitch or more after the other lines' first characters lost that many characters; they are
 * taken back from a reading of that row cropped further to the left, at the cells where they must be.
 */
import type { RecognizedLine } from '../engines/ocr/port.ts';
import type { ReadRow } from './mrz-lines.ts';
import { bestAround } from './mrz-pitch.ts';

/** Where a recognised line's frames lie along the reading direction, in page pixels. */
export interface Placement {
  /** Reading-direction coordinate of the crop's start (frame 0's leading edge). */
  readonly origin: number;
  /** Page pixels per recogniser frame. */
  readonly scale: number;
  /** Centre of the first read character. */
  readonly first: number;
  /** Page pixels per character cell. */
  readonly pitch: number;
}

// Fewer characters than this give no reliable pitch (as in mrz-pitch.ts).
const MIN_CHARS = 8;
// A line counts as shifted when its first character sits at least this many pitches after the
// reference; single characters peak within ±1 frame of their cell centre (~5 frames per pitch),
// so a line that lost nothing measures within ±0.3 pitch.
const SHIFT_RATIO = 0.6;
// The most characters one line is taken to have lost at its start (`LI` of `LI<<OMAR`: two narrow
// glyphs); a larger shift means the reference line is not an MRZ line.
const MAX_LOST = 3;

/**
 * `filled` is the line's reading after the pitch recovery: its length counts the cells between the
 * first and last read characters, so the pitch does not depend on how many were lost in between.
 * `origin` and `pagePixels` place the crop (its start and its length along the line, in page pixels).
 */
export function placeLine(line: RecognizedLine, symbols: string, filled: ReadRow, origin: number, pagePixels: number): Placement | null {
  const chars = line.chars;
  const steps = line.frames.length / (symbols.length + 1);
  if (chars.length < MIN_CHARS || filled.text.length < 2 || steps <= 0) return null;
  const scale = pagePixels / steps;
  const span = chars[chars.length - 1]!.frame - chars[0]!.frame;
  return { origin, scale, first: origin + (chars[0]!.frame + 0.5) * scale, pitch: (span * scale) / (filled.text.length - 1) };
}

/**
 * The lower median: of two lines, the smaller pitch. A line the recogniser garbled lost characters
 * between its first and last ones beyond what the pitch recovery restores, which only ever inflates
 * its pitch (synthetic tuning card MRV-A/noise, seed 5: 52 px against 20 px for its clean line).
 */
function lowerMedian(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor((s.length - 1) / 2)]!;
}

/**
 * Characters each line of one MRZ block lost at its start: how many whole pitches its first
 * character sits after the earliest first character of the other lines (0 when unknown).
 */
export function lostLeads(placements: readonly (Placement | null)[]): number[] {
  const pitch = lowerMedian(placements.flatMap((p) => (p ? [p.pitch] : [])));
  return placements.map((p, i) => {
    const others = placements.filter((q, k): q is Placement => k !== i && q !== null);
    if (p === null || others.length === 0 || pitch <= 0) return 0;
    const shift = (p.first - Math.min(...others.map((q) => q.first))) / pitch;
    return shift >= SHIFT_RATIO && Math.round(shift) <= MAX_LOST ? Math.round(shift) : 0;
  });
}

/**
 * `row` with its `lost` leading characters put back from `wider`, a reading of the same row whose
 * crop starts further left (placed by `at`): at each missing cell, the character `wider` read there,
 * or else the most likely non-blank character in that cell's frames, at its probability (usually
 * low, so repairs and votes treat it as uncertain). The line's first cell takes only what `first`
 * allows (seed 5 tuning card MRV-A/noise: the likeliest character where the visa's `V` was lost
 * was `<`, which no MRZ line starts with).
 */
export function restoreLead(row: ReadRow, placed: Placement, lost: number, wider: RecognizedLine, at: Placement, symbols: string, first = symbols): ReadRow {
  const cellFrames = placed.pitch / at.scale;
  let text = '';
  const confidences: number[] = [];
  for (let m = lost; m >= 1; m--) {
    const frame = (placed.first - m * placed.pitch - at.origin) / at.scale - 0.5;
    if (frame < 0) continue;
    // The line's first cell holds what its field allows (`first`): a document letter, a digit…
    const allowed = m === lost ? first : symbols;
    const read = wider.chars.find((c) => Math.abs(c.frame - frame) <= cellFrames / 2 && allowed.includes(c.char));
    const found = read ? { char: read.char, p: read.confidence } : bestAround(wider, symbols, frame, cellFrames / 3, allowed);
    text += found.char;
    confidences.push(found.p);
  }
  return { text: text + row.text, confidences: [...confidences, ...row.confidences] };
}
