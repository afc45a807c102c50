/**
 * Which characters each check digit protects, per layout (ICAO 9303 parts 4–7; the French national
 * ID card per its 1988 specification), and their verification.
 */
import { checkMatches, type MrzFormat } from './mrz-format.ts';

type CheckName = 'document_number' | 'birth_date' | 'expiry_date' | 'personal_number' | 'composite';

/** A run of characters: [line, start, end). */
export type Span = readonly [number, number, number];

interface CheckSpec {
  readonly name: CheckName;
  readonly spans: readonly Span[];
  /** [line, index] of the check digit. */
  readonly digit: readonly [number, number];
  /** A second accepted way to compute the same check (see td1DocumentCheck). */
  readonly altSpans?: readonly Span[];
}

export interface CheckResult {
  readonly name: CheckName;
  readonly valid: boolean;
}

const travel = (withComposite: boolean, length: 36 | 44, personal: boolean): CheckSpec[] => {
  const specs: CheckSpec[] = [
    { name: 'document_number', spans: [[1, 0, 9]], digit: [1, 9] },
    { name: 'birth_date', spans: [[1, 13, 19]], digit: [1, 19] },
    { name: 'expiry_date', spans: [[1, 21, 27]], digit: [1, 27] },
  ];
  if (personal) specs.push({ name: 'personal_number', spans: [[1, 28, 42]], digit: [1, 42] });
  if (withComposite) {
    specs.push({ name: 'composite', spans: [[1, 0, 10], [1, 13, 20], [1, 21, length - 1]], digit: [1, length - 1] });
  }
  return specs;
};

/**
 * TD1 document numbers longer than 9 characters put `<` at position 14 and continue in the optional
 * field; the number's check digit is then the last character before the next filler (ICAO 9303-5
 * §4.2.2 note j). Issuers differ on whether the `<` at position 14 enters the computation (Belgian
 * cards include it, Portuguese ones do not — cheminfo/mrz fixtures), so both are accepted, as the
 * `mrz` package does.
 */
function td1DocumentCheck(line0: string): CheckSpec {
  if (line0[14] === '<' && line0[15] !== undefined && line0[15] !== '<') {
    const end = line0.indexOf('<', 15);
    const last = (end === -1 ? line0.length : end) - 1;
    return { name: 'document_number', spans: [[0, 5, 14], [0, 15, last]], altSpans: [[0, 5, last]], digit: [0, last] };
  }
  return { name: 'document_number', spans: [[0, 5, 14]], digit: [0, 14] };
}

export function checkSpecs(format: MrzFormat, lines: readonly string[]): CheckSpec[] {
  switch (format) {
    case 'TD3':
      return travel(true, 44, true);
    case 'MRV-A':
      return travel(false, 44, false);
    case 'TD2':
      return travel(true, 36, false);
    case 'MRV-B':
      return travel(false, 36, false);
    case 'TD1':
      return [
        td1DocumentCheck(lines[0] ?? ''),
        { name: 'birth_date', spans: [[1, 0, 6]], digit: [1, 6] },
        { name: 'expiry_date', spans: [[1, 8, 14]], digit: [1, 14] },
        { name: 'composite', spans: [[0, 5, 30], [1, 0, 7], [1, 8, 15], [1, 18, 29]], digit: [1, 29] },
      ];
    case 'FRENCH_NATIONAL_ID':
      return [
        { name: 'document_number', spans: [[1, 0, 12]], digit: [1, 12] },
        { name: 'birth_date', spans: [[1, 27, 33]], digit: [1, 33] },
        { name: 'composite', spans: [[0, 0, 36], [1, 0, 35]], digit: [1, 35] },
      ];
  }
}

function spanText(lines: readonly string[], spans: readonly Span[]): string {
  return spans.map(([l, s, e]) => (lines[l] ?? '').slice(s, e)).join('');
}

export function verify(spec: CheckSpec, lines: readonly string[]): boolean {
  const digit = (lines[spec.digit[0]] ?? '')[spec.digit[1]] ?? '';
  const value = spanText(lines, spec.spans);
  // An empty optional personal number may carry `<` as its check digit (ICAO 9303-4 §4.2.2).
  if (spec.name === 'personal_number' && digit === '<') return /^<*$/.test(value);
  return checkMatches(value, digit) || (spec.altSpans !== undefined && checkMatches(spanText(lines, spec.altSpans), digit));
}

export function runChecks(format: MrzFormat, lines: readonly string[]): CheckResult[] {
  return checkSpecs(format, lines).map((spec) => ({ name: spec.name, valid: verify(spec, lines) }));
}
