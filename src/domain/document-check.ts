/**
 * Document data check (pure): turns a document reading (or a reading error) and the data the
 * session was created with into decision-policy findings: `document_expired`, `mrz_invalid`,
 * `document_unreadable`, `document_data_mismatch`.
 */
import { z } from 'zod';
import type { StageFinding } from './findings.ts';

/** What the check needs from a document reading (structurally a subset of DocumentReading). */
export interface DocumentReadingSummary {
  readonly fields: {
    readonly surname: string;
    readonly given_names: string;
    readonly document_number: string;
    readonly nationality: string | null;
    readonly birth_date: string | null;
    readonly expiry_date: string | null;
  };
  readonly mrz: { readonly valid: boolean; readonly checks: readonly { readonly name: string; readonly valid: boolean }[]; readonly errors?: readonly string[] };
}

export type DocumentOutcome =
  | { readonly outcome: 'read'; readonly reading: DocumentReadingSummary }
  | { readonly outcome: 'error'; readonly code: 'not_an_image' | 'no_document' | 'document_unreadable' | 'multiple_documents' };

/** Optional person data given when the session was created. */
interface ExpectedPerson {
  readonly first_name?: string;
  readonly last_name?: string;
  /** ISO date YYYY-MM-DD. */
  readonly birth_date?: string;
  readonly document_number?: string;
  /** ISO 3166-1 alpha-3 (ICAO codes). */
  readonly nationality?: string;
}

/** Validation of the person data a client sends when creating a session (untrusted input). */
export const expectedPersonSchema = z.object({
  first_name: z.string().trim().min(1).max(200).optional(),
  last_name: z.string().trim().min(1).max(200).optional(),
  birth_date: z.iso.date().optional(),
  document_number: z.string().trim().min(1).max(64).optional(),
  nationality: z.string().regex(/^[A-Za-z]{1,3}$/).optional(),
});

interface FieldComparison {
  readonly field: keyof ExpectedPerson;
  readonly expected: string;
  readonly document: string | null;
  readonly match: boolean;
  /** Name similarity 0–1 (1 for exact comparisons that match). */
  readonly similarity: number;
}

export interface DocumentCheck {
  readonly reasons: StageFinding[];
  readonly comparisons: FieldComparison[];
}

// Not calibrated on data (no labelled name pairs yet): 0.85 lets one OCR or transliteration edit
// through in names of 7+ letters (e.g. MULLER vs MUELLER is handled by transliteration variants).
const NAME_SIMILARITY_THRESHOLD = 0.85;

// ICAO 9303-3 §6 transliterations that are not plain accent removal; each entry lists the accepted
// MRZ spellings (German umlauts are written either way by issuers).
const SPECIAL: Record<string, readonly string[]> = {
  Ä: ['AE', 'A'], Ö: ['OE', 'O'], Ü: ['UE', 'U'], Å: ['AA', 'A'], ß: ['SS'], Æ: ['AE'], Ø: ['OE', 'O'],
  Œ: ['OE'], Ł: ['L'], Đ: ['D'], Þ: ['TH'], Ð: ['D'], Ħ: ['H'], Ñ: ['N', 'NXX'], Ĳ: ['IJ'],
};

/** Every MRZ-style spelling of a name: A–Z and single spaces (hyphens → space, apostrophes dropped). */
export function nameVariants(name: string): string[] {
  let variants = [''];
  for (const ch of name.toUpperCase()) {
    const special = SPECIAL[ch] ?? SPECIAL[ch.toUpperCase()];
    const options = special ?? [ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '')];
    variants = variants.flatMap((v) => options.map((o) => v + o));
    if (variants.length > 16) variants = variants.slice(0, 16); // bound pathological inputs
  }
  return [...new Set(variants.map((v) => v.replace(/['’`]/g, '').replace(/[^A-Z]+/g, ' ').trim()))];
}

function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Similarity of a provided name with the MRZ name: the MRZ may hold more given names than the
 * user typed, and truncates long names, so the provided tokens are compared with the same number
 * of leading MRZ tokens, and a provided name that the MRZ truncated matches on its prefix.
 */
export function nameSimilarity(provided: string, mrz: string): number {
  const target = mrz.trim();
  let best = 0;
  for (const variant of nameVariants(provided)) {
    if (variant === '' || target === '') continue;
    const count = variant.split(' ').length;
    const head = target.split(' ').slice(0, count).join(' ');
    const candidates = [head, target];
    if (variant.startsWith(target) && target.length >= 5) return 1; // MRZ truncation of a long name
    for (const c of candidates) {
      best = Math.max(best, 1 - levenshtein(variant, c) / Math.max(variant.length, c.length));
    }
  }
  return best;
}

const normaliseNumber = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
// ICAO allows the one-letter code D for Germany on its travel documents.
const normaliseState = (s: string): string => (s.toUpperCase().replace(/</g, '') === 'D' ? 'DEU' : s.toUpperCase());

function compare(reading: DocumentReadingSummary, expected: ExpectedPerson): FieldComparison[] {
  const f = reading.fields;
  const out: FieldComparison[] = [];
  const exact = (field: keyof ExpectedPerson, want: string, got: string | null, same: boolean): void => {
    out.push({ field, expected: want, document: got, match: same, similarity: same ? 1 : 0 });
  };
  const fuzzy = (field: keyof ExpectedPerson, want: string, got: string): void => {
    const similarity = Math.round(nameSimilarity(want, got) * 1000) / 1000;
    out.push({ field, expected: want, document: got, match: similarity >= NAME_SIMILARITY_THRESHOLD, similarity });
  };
  if (expected.last_name !== undefined) fuzzy('last_name', expected.last_name, f.surname);
  if (expected.first_name !== undefined) fuzzy('first_name', expected.first_name, f.given_names);
  if (expected.birth_date !== undefined) exact('birth_date', expected.birth_date, f.birth_date, expected.birth_date === f.birth_date);
  if (expected.document_number !== undefined) {
    exact('document_number', expected.document_number, f.document_number,
      normaliseNumber(expected.document_number) === normaliseNumber(f.document_number));
  }
  if (expected.nationality !== undefined) {
    const got = f.nationality;
    exact('nationality', expected.nationality, got, got !== null && normaliseState(got) === normaliseState(expected.nationality));
  }
  return out;
}

export function checkDocument(outcome: DocumentOutcome, expected: ExpectedPerson | undefined, now: Date): DocumentCheck {
  if (outcome.outcome === 'error') {
    return {
      reasons: [{ code: 'document_unreadable', message: `document could not be read (${outcome.code})`, details: { error: outcome.code } }],
      comparisons: [],
    };
  }
  const { reading } = outcome;
  const reasons: StageFinding[] = [];
  const expiry = reading.fields.expiry_date;
  if (expiry !== null && expiry < now.toISOString().slice(0, 10)) {
    reasons.push({ code: 'document_expired', message: `document expired on ${expiry}`, details: { expiry_date: expiry } });
  }
  if (!reading.mrz.valid) {
    const failed = reading.mrz.checks.filter((c) => !c.valid).map((c) => c.name);
    reasons.push({ code: 'mrz_invalid', message: 'MRZ check digits or field formats are invalid',
      details: { failed_checks: failed, errors: reading.mrz.errors ?? [] } });
  }
  const comparisons = expected === undefined ? [] : compare(reading, expected);
  const mismatched = comparisons.filter((c) => !c.match);
  if (mismatched.length > 0) {
    reasons.push({ code: 'document_data_mismatch', message: `document data differ from the session data: ${mismatched.map((m) => m.field).join(', ')}`,
      details: { fields: mismatched } });
  }
  return { reasons, comparisons };
}
