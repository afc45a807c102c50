/**
 * MRZ text → document fields and check-digit results. Check digits are verified by our own
 * ICAO code for all six layouts (the `mrz` package reads visas as passports and fails them); the
 * `mrz` package supplies the list of known state codes.
 */
import { states } from 'mrz';
import { runChecks, type CheckResult } from './mrz-checks.ts';
import { layoutFor, type MrzFormat } from './mrz-format.ts';

export interface DocumentFields {
  readonly document_type: string;
  readonly issuing_country: string;
  readonly document_number: string;
  readonly surname: string;
  readonly given_names: string;
  readonly nationality: string | null;
  /** ISO date, or null when the MRZ holds no valid date (e.g. unknown day `<<`). */
  readonly birth_date: string | null;
  readonly sex: 'M' | 'F' | 'X';
  readonly expiry_date: string | null;
  readonly personal_number?: string;
}

export type FieldName = keyof DocumentFields;

export interface ParsedMrz {
  readonly format: MrzFormat;
  readonly lines: readonly string[];
  readonly fields: DocumentFields;
  readonly checks: readonly CheckResult[];
  /** All check digits hold and every field has a valid shape (dates, charset). */
  readonly valid: boolean;
  /** Shape problems that make the MRZ invalid (e.g. `birth_date_invalid`). */
  readonly errors: readonly string[];
  /** Not fatal: e.g. a state code absent from ICAO's list (specimens use UTO). */
  readonly warnings: readonly string[];
}

export class MrzFormatError extends Error {
  readonly code = 'mrz_format';
}

// Specimen and ICAO-reserved codes used on sample documents (ICAO 9303-3 §5): not real states,
// reported as warnings only so that specimens parse.
const SPECIMEN_STATES = new Set(['UTO', 'XXA', 'XXB', 'XXC', 'XXX', 'EUE', 'UNO', 'UNA', 'UNK', 'XOM', 'XPO']);

/** A state code ICAO lists, or a specimen code (filler-padded `D<<` is Germany). */
export function isKnownState(code: string): boolean {
  const c = code.replace(/</g, '');
  return c in states || SPECIMEN_STATES.has(c);
}

const clean = (s: string): string => s.replace(/</g, ' ').replace(/\s+/g, ' ').trim();

function names(field: string): { surname: string; given_names: string } {
  const trimmed = field.replace(/<+$/, '');
  const cut = trimmed.indexOf('<<');
  if (cut === -1) return { surname: clean(trimmed), given_names: '' };
  return { surname: clean(trimmed.slice(0, cut)), given_names: clean(trimmed.slice(cut + 2)) };
}

/** YYMMDD → ISO date. Birth dates are never in the future; expiry dates at most 50 years ahead. */
export function mrzDate(yymmdd: string, kind: 'birth' | 'expiry', now: Date): string | null {
  const m = /^(\d\d)(\d\d)(\d\d)$/.exec(yymmdd);
  if (!m) return null;
  const [yy, mm, dd] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const thisYear = now.getUTCFullYear();
  let year = 2000 + yy;
  if (kind === 'birth' && year > thisYear) year -= 100;
  if (kind === 'expiry' && year > thisYear + 50) year -= 100;
  const date = new Date(Date.UTC(year, mm - 1, dd));
  if (date.getUTCMonth() !== mm - 1 || date.getUTCDate() !== dd) return null;
  return date.toISOString().slice(0, 10);
}

function sexOf(ch: string): 'M' | 'F' | 'X' {
  return ch === 'M' || ch === 'F' ? ch : 'X';
}

interface Raw {
  type: string; issuer: string; number: string; nameField: string; nationality: string;
  birth: string; sex: string; expiry: string; personal?: string;
}

function slice(format: MrzFormat, lines: readonly string[]): Raw {
  const [l0 = '', l1 = '', l2 = ''] = lines;
  if (format === 'TD1') {
    const long = l0[14] === '<' && l0[15] !== '<';
    const end = l0.indexOf('<', 15);
    const number = long ? l0.slice(5, 14) + l0.slice(15, (end === -1 ? 30 : end) - 1) : l0.slice(5, 14);
    return { type: l0.slice(0, 2), issuer: l0.slice(2, 5), number, nameField: l2, nationality: l1.slice(15, 18),
      birth: l1.slice(0, 6), sex: l1[7] ?? '<', expiry: l1.slice(8, 14) };
  }
  if (format === 'FRENCH_NATIONAL_ID') {
    return { type: l0.slice(0, 2), issuer: l0.slice(2, 5), number: l1.slice(0, 12),
      nameField: `${l0.slice(5, 30).replace(/<+$/, '')}<<${l1.slice(13, 27)}`, nationality: 'FRA',
      birth: l1.slice(27, 33), sex: l1[34] ?? '<', expiry: '' };
  }
  const width = l0.length;
  return { type: l0.slice(0, 2), issuer: l0.slice(2, 5), number: l1.slice(0, 9), nameField: l0.slice(5, width),
    nationality: l1.slice(10, 13), birth: l1.slice(13, 19), sex: l1[20] ?? '<', expiry: l1.slice(21, 27),
    ...(format === 'TD3' ? { personal: l1.slice(28, 42) } : {}) };
}

function shapeProblems(raw: Raw, fields: DocumentFields): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  if (fields.birth_date === null && !/^\d\d<<<<$|^\d\d\d\d<<$/.test(raw.birth)) errors.push('birth_date_invalid');
  if (raw.expiry !== '' && fields.expiry_date === null) errors.push('expiry_date_invalid');
  // A holder always has a primary identifier (ICAO 9303 part 3: one name goes there), so a names
  // field of fillers only is a misread — a row of filler tail taken for the names line — and no
  // check digit would catch it.
  if (!/^[A-Z<]+$/.test(raw.nameField) || !/[A-Z]/.test(raw.nameField)) errors.push('names_invalid');
  if (!/^[MFX<]$/.test(raw.sex)) errors.push('sex_invalid');
  for (const [name, code] of [['issuing_country', raw.issuer], ['nationality', raw.nationality]] as const) {
    const c = code.replace(/</g, '');
    if (!/^[A-Z]{1,3}$/.test(c)) errors.push(`${name}_invalid`);
    else if (!(c in states) && !SPECIMEN_STATES.has(c)) warnings.push(`${name}_unknown`);
    else if (SPECIMEN_STATES.has(c)) warnings.push(`${name}_specimen`);
  }
  return { errors, warnings };
}

/** Parses exactly-shaped MRZ lines (after repair). Throws MrzFormatError for an unknown shape. */
export function parseMrz(lines: readonly string[], now: Date = new Date()): ParsedMrz {
  const layout = layoutFor(lines);
  if (layout === null) {
    throw new MrzFormatError(`unrecognised MRZ shape: ${lines.length} line(s) of ${lines.map((l) => l.length).join('/')} characters`);
  }
  const raw = slice(layout.format, lines);
  const fields: DocumentFields = {
    document_type: raw.type.replace(/</g, ''),
    issuing_country: raw.issuer.replace(/</g, ''),
    document_number: raw.number.replace(/</g, ''),
    ...names(raw.nameField),
    nationality: raw.nationality.replace(/</g, '') || null,
    birth_date: mrzDate(raw.birth, 'birth', now),
    sex: sexOf(raw.sex),
    expiry_date: raw.expiry === '' ? null : mrzDate(raw.expiry, 'expiry', now),
    ...(raw.personal !== undefined && raw.personal.replace(/</g, '') !== '' ? { personal_number: raw.personal.replace(/</g, '') } : {}),
  };
  const checks = runChecks(layout.format, lines);
  const { errors, warnings } = shapeProblems(raw, fields);
  if (lines.some((l) => !/^[A-Z0-9<]+$/.test(l))) errors.push('charset_invalid');
  return { format: layout.format, lines: [...lines], fields, checks, valid: errors.length === 0 && checks.every((c) => c.valid), errors, warnings };
}
