/**
 * Line assembly: recognised rows (top to bottom) → candidate MRZ blocks of exactly 2×44, 2×36 or
 * 3×30 characters. OCR drops or doubles characters inside long `<` filler runs, so lengths are
 * fixed by resizing the filler run, never by touching letters or digits.
 */
import { MRZ_ALPHABET } from './mrz-format.ts';

export interface ReadRow {
  readonly text: string;
  /** Per-character confidence, aligned with `text`. */
  readonly confidences: readonly number[];
}

export interface Block {
  readonly lines: string[];
  readonly confidences: number[][];
  /** Characters inserted or removed to reach the layout's line length. */
  readonly edits: number;
  /** Index of the block's first line among the rows it was assembled from. */
  readonly start: number;
}

const SHAPES = [
  { lines: 2, length: 44 },
  { lines: 2, length: 36 },
  { lines: 3, length: 30 },
] as const;

// Rows more than this many characters off an MRZ length are not MRZ lines (or are unreadable);
// 4 covers a lost `<<<<` group, the largest loss seen on the specimen photos.
const MAX_LENGTH_EDIT = 4;

export function cleanRow(text: string, confidences: readonly number[]): ReadRow {
  let out = '';
  const conf: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!.toUpperCase();
    if (!MRZ_ALPHABET.includes(ch)) continue;
    out += ch;
    conf.push(confidences[i] ?? 0);
  }
  return { text: out, confidences: conf };
}

/** Where a run of `<` is longest: the place to add or remove fillers. */
function longestFillerRun(text: string): { start: number; length: number } {
  let best = { start: text.length, length: 0 };
  for (const m of text.matchAll(/<+/g)) {
    if (m[0].length > best.length) best = { start: m.index, length: m[0].length };
  }
  return best;
}

/**
 * In a names field, `<<<` can only start the trailing filler (ICAO 9303-3 §4.6: components are
 * separated by `<` or `<<`), so anything after it is a filler misread (`K` over guilloches).
 */
export function clearNameTail(text: string): string {
  const at = text.indexOf('<<<');
  return at === -1 ? text : text.slice(0, at) + '<'.repeat(text.length - at);
}

/**
 * How a line ends. `names`: a names field, whose `<<<` starts the trailing filler (see clearNameTail);
 * `optional`: optional data, left-justified and often all fillers (TD1 line 1 after the document
 * number); `closed`: a check digit. The detector often cuts off a line's trailing filler run, so an
 * open end (`names`, `optional`) may take back any number of fillers; check digits still judge
 * the result (TD1's composite covers all of line 1's optional data).
 */
export type LineEnd = 'names' | 'optional' | 'closed';

/** Brings a row to `length` characters by resizing a filler run; null if that is not possible. */
export function fitLength(input: ReadRow, length: number, end: LineEnd): ReadRow | null {
  const row = end === 'names' ? { ...input, text: clearNameTail(input.text) } : input;
  const diff = length - row.text.length;
  if (diff === 0) return row;
  const open = end !== 'closed' && /<$/.test(row.text);
  if (Math.abs(diff) > MAX_LENGTH_EDIT && !(open && diff > 0)) return null;
  // Open lines end in fillers: pad or trim there first.
  const run = open ? trailingRun(row.text) : longestFillerRun(row.text);
  if (diff < 0 && run.length <= -diff) return null;
  if (diff > 0 && run.length === 0 && end === 'closed') return null;
  const at = run.length === 0 ? row.text.length : run.start + run.length;
  const text = diff > 0 ? row.text.slice(0, at) + '<'.repeat(diff) + row.text.slice(at) : row.text.slice(0, at + diff) + row.text.slice(at);
  const conf = [...row.confidences];
  if (diff > 0) conf.splice(at, 0, ...new Array<number>(diff).fill(0.5));
  else conf.splice(at + diff, -diff);
  return { text, confidences: conf };
}

function trailingRun(text: string): { start: number; length: number } {
  const m = /<+$/.exec(text);
  return m ? { start: m.index, length: m[0].length } : { start: text.length, length: 0 };
}

/**
 * The first line of 2-line layouts and the last line of TD1 hold the names; TD1's first line ends
 * in optional data (synthetic card TD1/noise, seed 7: `IDNLDTY360737<9` read exactly, its 15
 * trailing fillers cut to 8, too many to restore inside a line).
 */
function lineEnd(lines: number, k: number): LineEnd {
  if (lines === 2) return k === 0 ? 'names' : 'closed';
  return k === 2 ? 'names' : k === 0 ? 'optional' : 'closed';
}

/**
 * Every run of consecutive rows that fits an MRZ shape, best (fewest edits) first.
 */
export function assembleBlocks(rows: readonly ReadRow[]): Block[] {
  const blocks: Block[] = [];
  for (const shape of SHAPES) {
    for (let i = 0; i + shape.lines <= rows.length; i++) {
      const fitted: ReadRow[] = [];
      let edits = 0;
      for (let k = 0; k < shape.lines; k++) {
        const row = rows[i + k]!;
        const fit = fitLength(row, shape.length, lineEnd(shape.lines, k));
        if (fit === null) break;
        edits += Math.abs(row.text.length - shape.length);
        fitted.push(fit);
      }
      if (fitted.length === shape.lines) {
        blocks.push({ lines: fitted.map((r) => r.text), confidences: fitted.map((r) => [...r.confidences]), edits, start: i });
      }
    }
  }
  return blocks.sort((a, b) => a.edits - b.edits);
}
