/**
 * ICAO 9303 machine-readable-zone layouts: line shapes and, per character position, what the
 * position may hold. The masks drive OCR repair (a date can only hold digits) and field slicing.
 *
 *   A  letter or filler `<`            N  digit
 *   C  check digit (digit, or `<` where ICAO allows an empty optional field)
 *   X  letter, digit or filler         S  sex: M, F, X or `<`
 */

export type MrzFormat = 'TD1' | 'TD2' | 'TD3' | 'MRV-A' | 'MRV-B' | 'FRENCH_NATIONAL_ID';

export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export interface Layout {
  readonly format: MrzFormat;
  readonly lines: number;
  readonly length: number;
  readonly masks: readonly string[];
}

const rep = (ch: string, n: number): string => ch.repeat(n);

// Line 2 of TD3/MRV-A and TD2/MRV-B: number(9) check nationality(3) birth(6) check sex expiry(6) check.
const TRAVEL_LINE2_HEAD = rep('X', 9) + 'C' + rep('A', 3) + rep('N', 6) + 'C' + 'S' + rep('N', 6) + 'C';

export const LAYOUTS: Record<MrzFormat, Layout> = {
  TD3: { format: 'TD3', lines: 2, length: 44, masks: ['AA' + rep('A', 3) + rep('A', 39), TRAVEL_LINE2_HEAD + rep('X', 14) + 'CC'] },
  'MRV-A': { format: 'MRV-A', lines: 2, length: 44, masks: ['AA' + rep('A', 3) + rep('A', 39), TRAVEL_LINE2_HEAD + rep('X', 16)] },
  TD2: { format: 'TD2', lines: 2, length: 36, masks: ['AA' + rep('A', 3) + rep('A', 31), TRAVEL_LINE2_HEAD + rep('X', 7) + 'C'] },
  'MRV-B': { format: 'MRV-B', lines: 2, length: 36, masks: ['AA' + rep('A', 3) + rep('A', 31), TRAVEL_LINE2_HEAD + rep('X', 8)] },
  TD1: {
    format: 'TD1',
    lines: 3,
    length: 30,
    masks: [
      'AA' + rep('A', 3) + rep('X', 9) + 'C' + rep('X', 15),
      rep('N', 6) + 'C' + 'S' + rep('N', 6) + 'C' + rep('A', 3) + rep('X', 11) + 'C',
      rep('A', 30),
    ],
  },
  // French national identity card (1988–2021): a 2×36 national layout, not ICAO TD2.
  FRENCH_NATIONAL_ID: {
    format: 'FRENCH_NATIONAL_ID',
    lines: 2,
    length: 36,
    masks: [
      'AA' + rep('A', 3) + rep('A', 25) + rep('X', 6),
      rep('N', 4) + rep('X', 3) + rep('N', 5) + 'C' + rep('A', 14) + rep('N', 6) + 'C' + 'S' + 'C',
    ],
  },
};

/** Which layout a set of equal-length lines uses, from line count, length and document code. */
export function layoutFor(lines: readonly string[]): Layout | null {
  const first = lines[0] ?? '';
  const length = first.length;
  if (!lines.every((l) => l.length === length)) return null;
  const visa = first.startsWith('V');
  if (lines.length === 3 && length === 30) return LAYOUTS.TD1;
  if (lines.length !== 2) return null;
  if (length === 44) return visa ? LAYOUTS['MRV-A'] : LAYOUTS.TD3;
  if (length !== 36) return null;
  if (visa) return LAYOUTS['MRV-B'];
  return first.startsWith('IDFRA') ? LAYOUTS.FRENCH_NATIONAL_ID : LAYOUTS.TD2;
}

const CHECK_WEIGHTS = [7, 3, 1] as const;

/** ICAO 9303 part 3 §4.9 check digit: weights 7-3-1, letters A=10…Z=35, filler 0. */
export function checkDigit(value: string): number {
  let sum = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const v = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 90 ? c - 55 : 0;
    sum += v * CHECK_WEIGHTS[i % 3]!;
  }
  return sum % 10;
}

/** True when `digit` is the check digit of `value` (a `<` digit counts as 0, per ICAO). */
export function checkMatches(value: string, digit: string): boolean {
  const d = digit === '<' ? 0 : Number(digit);
  return Number.isInteger(d) && /^[0-9<]$/.test(digit) && checkDigit(value) === d;
}
