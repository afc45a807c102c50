/**
 * Per-field repair of OCR output: OCR-B look-alikes (`0`/`O`, `1`/`I`, `8`/`B` …) are resolved by
 * what the position may hold, then free alphanumeric fields that fail their check digit are retried
 * with single look-alike substitutions, accepted only if the check digit then holds.
 */
import { checkSpecs, verify } from './mrz-checks.ts';
import type { Layout } from './mrz-format.ts';
import { clearNameTail } from './mrz-lines.ts';
import { isKnownState } from './mrz-parse.ts';

// Confusions of the PP-OCRv4 recogniser on OCR-B seen on ../shared/data/docs specimens, plus the
// classic OCR-B pairs listed by PassportEye (passporteye/mrz/text.py) and the `mrz` autocorrector.
const TO_DIGIT: Record<string, string> = { O: '0', Q: '0', D: '0', U: '0', I: '1', L: '1', T: '7', Z: '2', S: '5', B: '8', G: '6', A: '4' };
const TO_LETTER: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B' };
const SWAPS: Record<string, readonly string[]> = {
  '0': ['O', 'D', 'Q'], O: ['0', 'D', 'Q'], D: ['0', 'O'], Q: ['0', 'O'],
  '1': ['I', 'L'], I: ['1', 'L'], L: ['1', 'I'],
  '8': ['B'], B: ['8'], '5': ['S'], S: ['5'], '2': ['Z'], Z: ['2'], '6': ['G'], G: ['6'],
  '<': ['K'], K: ['<'],
};

interface Repair {
  readonly line: number;
  readonly index: number;
  readonly from: string;
  readonly to: string;
}

interface RepairResult {
  readonly lines: string[];
  readonly repairs: Repair[];
}

function fixChar(ch: string, kind: string): string {
  if (kind === 'N') return TO_DIGIT[ch] ?? ch;
  if (kind === 'C') return ch === '<' ? ch : (TO_DIGIT[ch] ?? ch);
  if (kind === 'A') return TO_LETTER[ch] ?? ch;
  if (kind === 'S') return ch === 'H' || ch === 'N' ? 'M' : ch === 'E' || ch === 'P' ? 'F' : ch;
  return ch;
}

/** Positional repair: digits where only digits are allowed, letters where only letters are. */
function repairPositions(lines: readonly string[], layout: Layout, repairs: Repair[]): string[] {
  return lines.map((line, li) => {
    const mask = layout.masks[li] ?? '';
    let out = '';
    for (let i = 0; i < line.length; i++) {
      const from = line[i]!;
      const to = fixChar(from, mask[i] ?? 'X');
      if (to !== from) repairs.push({ line: li, index: i, from, to });
      out += to;
    }
    return out;
  });
}

/** Single look-alike substitutions inside a failing check span, kept only if the check then holds. */
function repairByChecks(lines: string[], layout: Layout, repairs: Repair[]): string[] {
  let current = lines;
  const composite = checkSpecs(layout.format, current).find((s) => s.name === 'composite');
  for (const spec of checkSpecs(layout.format, current)) {
    if (spec.name === 'composite' || verify(spec, current)) continue;
    // Where a composite digit exists it must hold too: one check digit alone accepts a wrong swap
    // one time in ten (a test caught `1`→`I` in a personal number whose true error was elsewhere).
    const fixed = trySwaps(current, layout, spec.spans, (candidate) => verify(spec, candidate) && (composite === undefined || verify(composite, candidate)));
    if (fixed !== null) {
      repairs.push(fixed.repair);
      current = fixed.lines;
    }
  }
  return current;
}

function trySwaps(
  lines: string[],
  layout: Layout,
  spans: readonly (readonly [number, number, number])[],
  accept: (lines: string[]) => boolean,
): { lines: string[]; repair: Repair } | null {
  const found: { lines: string[]; repair: Repair }[] = [];
  for (const [li, start, end] of spans) {
    const mask = layout.masks[li] ?? '';
    for (let i = start; i < end; i++) {
      if (mask[i] !== 'X') continue; // fixed-type positions were settled by repairPositions
      const from = lines[li]![i]!;
      for (const to of SWAPS[from] ?? []) {
        const candidate = [...lines];
        candidate[li] = lines[li]!.slice(0, i) + to + lines[li]!.slice(i + 1);
        if (accept(candidate)) found.push({ lines: candidate, repair: { line: li, index: i, from, to } });
      }
    }
  }
  // A check digit accepts a wrong substitution one time in ten: only an unambiguous fix is kept.
  return found.length === 1 ? found[0]! : null;
}

/**
 * `U` (value 30) and `0` weigh the same in the 7-3-1 check digit, so check digits cannot tell them
 * apart; a `U` or `O` run between digits of a free field is taken as zeros (Estonian specimen
 * KB0000000 read as KB0UU0000). Other letters between digits (`L898902C3`) are left alone.
 */
function repairRoundLetters(lines: readonly string[], layout: Layout, repairs: Repair[]): string[] {
  return lines.map((line, li) => {
    const mask = layout.masks[li] ?? '';
    return line.replace(/(?<=[0-9])[UO]+(?=[0-9])/g, (run, offset: number) => {
      let out = '';
      for (let k = 0; k < run.length; k++) {
        const i = offset + k;
        const keep = mask[i] !== 'X';
        out += keep ? run[k] : '0';
        if (!keep) repairs.push({ line: li, index: i, from: run[k]!, to: '0' });
      }
      return out;
    });
  });
}

// A character read below this confidence is a likely misread (upright MRZ characters read at
// 0.85–0.99 on the specimen photos); only such a character is re-guessed from its check digit.
const SUSPECT_CONFIDENCE = 0.6;
const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<';

/**
 * A field whose check digit fails, with exactly one suspect character, gets the one value that
 * satisfies the check (and the composite, where one exists). In TD3 the composite weights the
 * document and personal numbers exactly like their own check digits (offsets 0 and 24 ≡ 0 mod 3),
 * so it adds nothing there: the low OCR confidence is what singles out the position.
 */
function repairBySearch(lines: string[], layout: Layout, confidences: readonly (readonly number[])[], repairs: Repair[]): string[] {
  let current = lines;
  const composite = checkSpecs(layout.format, current).find((s) => s.name === 'composite');
  for (const spec of checkSpecs(layout.format, current)) {
    if (spec.name === 'composite' || verify(spec, current)) continue;
    const positions: [number, number][] = [...spec.spans.flatMap(([l, s, e]) => Array.from({ length: e - s }, (_, k) => [l, s + k] as [number, number])), [spec.digit[0], spec.digit[1]]];
    const suspects = positions.filter(([l, i]) => (confidences[l]?.[i] ?? 1) < SUSPECT_CONFIDENCE);
    if (suspects.length !== 1) continue;
    const [li, i] = suspects[0]!;
    const kind = layout.masks[li]?.[i] ?? 'X';
    const from = current[li]![i]!;
    const found: string[][] = [];
    // Free fields: keep the class OCR saw. J, T (19, 29) weigh like 9 mod 10, so letters and digits
    // mixed would always tie; a digit misread as another digit is the common case.
    const pool = kind === 'N' || kind === 'C' || /[0-9]/.test(from) ? DIGITS : LETTERS;
    for (const to of pool) {
      if (to === from) continue;
      const candidate = [...current];
      candidate[li] = current[li]!.slice(0, i) + to + current[li]!.slice(i + 1);
      const specNow = checkSpecs(layout.format, candidate).find((s) => s.name === spec.name)!;
      if (verify(specNow, candidate) && (composite === undefined || verify(composite, candidate))) found.push(candidate);
    }
    if (found.length === 1) {
      current = found[0]!;
      repairs.push({ line: li, index: i, from, to: current[li]![i]! });
    }
  }
  return current;
}

/** Names fields per layout: [line, start, end). */
const NAME_FIELDS: Record<Layout['format'], readonly (readonly [number, number, number])[]> = {
  TD3: [[0, 5, 44]], 'MRV-A': [[0, 5, 44]], TD2: [[0, 5, 36]], 'MRV-B': [[0, 5, 36]], TD1: [[2, 0, 30]],
  FRENCH_NATIONAL_ID: [[0, 5, 30], [1, 13, 27]],
};

function repairNameTails(lines: readonly string[], layout: Layout, repairs: Repair[]): string[] {
  const out = [...lines];
  for (const [li, start, end] of NAME_FIELDS[layout.format]) {
    const line = out[li] ?? '';
    const field = clearNameTail(line.slice(start, end));
    for (let i = 0; i < field.length; i++) {
      if (field[i] !== line[start + i]) repairs.push({ line: li, index: start + i, from: line[start + i]!, to: field[i]! });
    }
    out[li] = line.slice(0, start) + field + line.slice(end);
  }
  return out;
}

// Letters PP-OCRv4 confuses in OCR-B on blurred or low-resolution lines (synthetic tuning set:
// CAN read as OAN, UTO as UT0 before positional repair).
const LETTER_SWAPS: Record<string, string> = {
  O: 'CDQGU', C: 'OGE', D: 'OB', Q: 'O', G: 'CO', B: 'DE', E: 'FB', F: 'EP', P: 'FR', R: 'PB', I: 'LTJ', L: 'I', T: 'I', J: 'I',
  M: 'NH', N: 'MH', H: 'NM', U: 'VO', V: 'UY', Y: 'V', K: 'X<', X: 'K', '<': 'K',
};

/** Issuing state and nationality fields: [line, start]. */
const STATE_FIELDS: Record<Layout['format'], readonly (readonly [number, number])[]> = {
  TD3: [[0, 2], [1, 10]], 'MRV-A': [[0, 2], [1, 10]], TD2: [[0, 2], [1, 10]], 'MRV-B': [[0, 2], [1, 10]], TD1: [[0, 2], [1, 15]],
  FRENCH_NATIONAL_ID: [[0, 2]],
};

/**
 * State codes are not covered by check digits, but must be on ICAO's list: an unknown code with
 * exactly one single look-alike substitution that gives a listed code takes it. Two or more
 * candidates stay unrepaired (and parse with a `_unknown` warning), as before.
 */
function repairStateCodes(lines: readonly string[], layout: Layout, repairs: Repair[]): string[] {
  const out = [...lines];
  for (const [li, start] of STATE_FIELDS[layout.format]) {
    const line = out[li] ?? '';
    const code = line.slice(start, start + 3);
    if (code.length < 3 || isKnownState(code)) continue;
    const found: { code: string; index: number }[] = [];
    for (let i = 0; i < 3; i++) {
      for (const to of LETTER_SWAPS[code[i]!] ?? '') {
        const candidate = code.slice(0, i) + to + code.slice(i + 1);
        if (/^[A-Z]+<*$/.test(candidate) && isKnownState(candidate)) found.push({ code: candidate, index: i });
      }
    }
    if (found.length !== 1) continue;
    const { code: fixed, index } = found[0]!;
    repairs.push({ line: li, index: start + index, from: code[index]!, to: fixed[index]! });
    out[li] = line.slice(0, start) + fixed + line.slice(start + 3);
  }
  return out;
}

export function repairMrz(lines: readonly string[], layout: Layout, confidences?: readonly (readonly number[])[]): RepairResult {
  const repairs: Repair[] = [];
  const named = repairNameTails(repairPositions(lines, layout, repairs), layout, repairs);
  const positional = repairStateCodes(repairRoundLetters(named, layout, repairs), layout, repairs);
  // The suspect-character search goes first: when OCR flags one character, it beats guessing among
  // look-alike swaps, one of which passes a check digit by chance one time in ten.
  const searched = confidences === undefined ? positional : repairBySearch(positional, layout, confidences, repairs);
  return { lines: repairByChecks(searched, layout, repairs), repairs };
}
