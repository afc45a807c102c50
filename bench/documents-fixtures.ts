/**
 * Expectations of ../shared/data/docs/expected.csv for the documents benchmark. Each source repo
 * asserts a different notion of "valid"; we compare with the notion the source states:
 *  - cheminfo/mrz: check digits, field shapes AND known state codes (its list lacks specimen UTO);
 *  - PassportEye: valid_score 100 = check digits and field shapes;
 *  - Arg0s1080/mrz: check digits, field shapes, state codes (UTO known, BOS not) and, where the
 *    note says `check_expiry=True`, not expired.
 */
import type { ParsedMrz } from '../src/documents/mrz-parse.ts';

export type Row = Record<string, string>;

/** RFC 4180 CSV (quoted fields with doubled quotes and embedded commas/newlines). */
export function parseCsv(text: string): Row[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { record.push(field); field = ''; }
    else if (ch === '\n') { record.push(field); records.push(record); record = []; field = ''; }
    else if (ch !== '\r') field += ch;
  }
  if (field !== '' || record.length > 0) { record.push(field); records.push(record); }
  const [header = [], ...rows] = records;
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
}

export function statedValidity(row: Row, parsed: ParsedMrz, now: Date): boolean {
  const unknownState = parsed.warnings.some((w) => w.endsWith('_unknown'));
  if (row.id!.startsWith('txt:cheminfo_')) {
    return parsed.valid && !unknownState && !parsed.warnings.some((w) => w.endsWith('_specimen'));
  }
  if (row.id!.startsWith('txt:passporteye_') || row.id!.startsWith('img:passporteye')) return parsed.valid;
  const expiry = parsed.fields.expiry_date;
  const expired = expiry !== null && expiry < now.toISOString().slice(0, 10);
  const checkExpiry = /check_expiry=True/.test(row.note ?? '');
  return parsed.valid && !unknownState && !(checkExpiry && expired);
}

const yymmdd = (iso: string | null): string | null => (iso === null ? null : iso.slice(2).replace(/-/g, ''));
const SEX: Record<string, string> = { male: 'M', female: 'F', M: 'M', F: 'F' };

/** Our value for a field name used by one of the sources, or undefined when we do not map it. */
function ours(parsed: ParsedMrz, key: string): string | null | undefined {
  const f = parsed.fields;
  const table: Record<string, string | null | undefined> = {
    documentCode: f.document_type, document_type: f.document_type, type: f.document_type,
    issuingState: f.issuing_country, country: f.issuing_country,
    documentNumber: f.document_number, document_number: f.document_number, number: f.document_number,
    nationality: f.nationality,
    birthDate: yymmdd(f.birth_date), birth_date: yymmdd(f.birth_date), date_of_birth: yymmdd(f.birth_date),
    expirationDate: yymmdd(f.expiry_date), expiry_date: yymmdd(f.expiry_date), expiration_date: yymmdd(f.expiry_date),
    sex: f.sex, lastName: f.surname, surname: f.surname, firstName: f.given_names, name: f.given_names, names: f.given_names,
    personalNumber: f.personal_number ?? '',
  };
  return table[key];
}

function normalise(key: string, value: string): string {
  if (key === 'sex') return SEX[value] ?? value;
  if (key === 'type' || key === 'documentCode' || key === 'document_type') return value.replace(/</g, '');
  if (key === 'personal_number') return value.replace(/<.*$/, '');
  return value;
}

/** Mismatches between the stated fields and ours (fields we do not produce are skipped). */
export function fieldMismatches(statedJson: string, parsed: ParsedMrz): string[] {
  if (statedJson === '') return [];
  const stated = JSON.parse(statedJson) as Record<string, string | null>;
  const out: string[] = [];
  for (const [key, value] of Object.entries(stated)) {
    // null = the source's parser rejected the value (e.g. unknown state code): nothing to compare.
    if (value === null) continue;
    let mine = key === 'personal_number' ? (parsed.fields.personal_number ?? '') : ours(parsed, key);
    // cheminfo's documentNumber of a French ID card is the 5-digit serial; ours is the full
    // 12-character card number printed on the card (issue date + office + serial), which holds it.
    if (parsed.format === 'FRENCH_NATIONAL_ID' && key === 'documentNumber') mine = parsed.lines[1]!.slice(7, 12);
    if (mine === undefined) continue;
    const want = normalise(key, value);
    if ((mine ?? '') !== want) out.push(`${key}: stated ${JSON.stringify(want)}, ours ${JSON.stringify(mine)}`);
  }
  return out;
}

/** Check-digit verdicts of the reference parser (`mrz` 5.0.2), from ref_invalid_fields. */
export function referenceCheckFailures(row: Row): Set<string> {
  const names: Record<string, string> = {
    documentNumberCheckDigit: 'document_number', birthDateCheckDigit: 'birth_date', expirationDateCheckDigit: 'expiry_date',
    personalNumberCheckDigit: 'personal_number', compositeCheckDigit: 'composite',
  };
  const out = new Set<string>();
  for (const part of (row.ref_invalid_fields ?? '').split(';')) {
    const key = part.split(':')[0]?.trim() ?? '';
    if (names[key]) out.add(names[key]);
  }
  return out;
}
