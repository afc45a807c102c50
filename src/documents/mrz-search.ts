/**
 * The MRZ search: which rows to recognise, in which orientation, with which crop, stopping as soon
 * as a reading has every check digit valid. Recognition dominates the cost (~0.3–0.45 s of CPU per
 * 44-character line on this machine), so rows are read two at a time, bottom of the page first.
 */
import type { OcrEngine, RgbImage } from '../engines/ocr/port.ts';
import { layoutFor, MRZ_ALPHABET } from './mrz-format.ts';
import { vote } from './mrz-vote.ts';
import { assembleBlocks, fitLength, type Block, type ReadRow } from './mrz-lines.ts';
import { byLine, ordered, readRows, restoreLeads, type Cut, type Read } from './mrz-read-rows.ts';
import { parseMrz, type ParsedMrz } from './mrz-parse.ts';
import { repairMrz } from './mrz-repair.ts';
import { doubtful, preferConfident } from './mrz-confident.ts';
import { longRows, mrzCandidates, type Row } from './mrz-zone.ts';

export interface Candidate { readonly parsed: ParsedMrz; readonly block: Block; readonly confidence: number }

interface Search { readonly best: Candidate[]; readonly sawFillers: boolean }

// Rows read per step: 2 covers TD2/TD3 and visas; TD1 needs a third (read only when needed).
const STEP = 2;
// At most this many rows per orientation: 3 MRZ lines plus one non-MRZ row below them.
const MAX_ROWS = 4;
// Below this mean character confidence the upright reading is suspected to be upside down
// (upside-down MRZ lines read at 0.3–0.5 on the specimen photos, upright ones at 0.85–0.99).
const UPRIGHT_CONFIDENCE = 0.8;
// Repaired characters were misread by OCR: their confidence is capped (no calibration data yet).
const REPAIRED_CONFIDENCE = 0.6;

/**
 * Two ways of cutting each row for the recogniser (see cropRegion): PP-OCRv4 drops or swaps
 * different characters depending on crop height and glyph width. The second, used only when the
 * first gives no valid MRZ, also extends rows to a full MRZ length, because the detector loses long
 * filler runs printed over guilloches (Czech specimen); 30 × the box height is a 44-character line
 * (measured 32–34 × on the specimen photos).
 */
// Ink contrast (see inkContrast) only on the fallback: on first-pass crops it lost letters of
// spaced OCR-B names (synthetic tuning card `SILVA<<BO` read `SA<<B`); it votes on names instead.
const CROPS = [
  { pad: { x: 0.3, y: 0 }, stretch: 1.25, minAspect: 0, ink: false },
  { pad: { x: 0.3, y: 0.15 }, stretch: 1.5, minAspect: 30, ink: true },
] as const;

/**
 * Extra cuts of the names line, which no check digit covers (it also holds the document code and
 * issuing state in 2-line layouts). PP-OCRv4 drops or invents letters in spaced OCR-B names
 * differently per crop (synthetic tuning card `SILVA<<BO`: `SA<<B` at stretch 1.25, `SILVA<<B0`
 * unstretched raw, `SILVA<<B` unstretched with more height), so three cuts vote per character.
 */
const NAME_VOTERS = [
  { pad: { x: 0.3, y: 0 }, stretch: 1.25, minAspect: 0, ink: true },
  { pad: { x: 0.3, y: 0.15 }, stretch: 1, minAspect: 0, ink: true },
] as const;

function score(c: Candidate): number {
  const p = c.parsed;
  return p.checks.filter((k) => k.valid).length - p.checks.length - p.errors.length - c.block.edits / 10 + c.confidence / 10;
}

// Errors that are facts of the printed document, not of the reading: check digits cover the date
// characters, so a date that fails the calendar with valid check digits is printed that way (the
// Czech specimen's birth date is 29 Feb 1911). Such a reading is final; searching on only costs time.
const PRINTED_ERRORS = new Set(['birth_date_invalid', 'expiry_date_invalid']);

/** A reading no other crop or orientation can improve on: every check digit holds. */
const settled = (p: ParsedMrz): boolean => p.checks.every((c) => c.valid) && p.errors.every((e) => PRINTED_ERRORS.has(e));

const meanOf = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

function parseBlocks(rows: readonly ReadRow[], now: Date): Candidate[] {
  const out: Candidate[] = [];
  for (const block of assembleBlocks(rows)) {
    const layout = layoutFor(block.lines);
    if (layout === null) continue;
    const repaired = repairMrz(block.lines, layout, block.confidences);
    const confidences = block.confidences.map((c) => [...c]);
    for (const r of repaired.repairs) {
      const line = confidences[r.line];
      if (line) line[r.index] = Math.min(line[r.index] ?? 0, REPAIRED_CONFIDENCE);
    }
    const confidence = meanOf(confidences.map(meanOf));
    out.push({ parsed: parseMrz(repaired.lines, now), block: { ...block, confidences }, confidence });
  }
  return out.sort((a, b) => score(b) - score(a));
}

/** Every choice of one reading per row (at most 2^4 here). */
function combinations<T>(readings: readonly (readonly T[])[]): T[][] {
  let out: T[][] = [[]];
  for (let i = 0; i < (readings[0]?.length ?? 0); i++) {
    out = out.flatMap((prefix) => readings.map((r) => [...prefix, r[i]!]));
  }
  return out;
}

/** Reads one orientation two rows at a time until a valid MRZ appears or the rows run out. */
async function readOrientation(ocr: OcrEngine, image: RgbImage, all: readonly Row[], flip: boolean, now: Date): Promise<{ reads: Read[]; best: Candidate[] }> {
  const rows = mrzCandidates(all, flip, MAX_ROWS);
  const reads: Read[] = [];
  let best: Candidate[] = [];
  for (let i = 0; i < rows.length; i += STEP) {
    reads.push(...(await readRows(ocr, image, rows.slice(i, i + STEP), flip, CROPS[0])));
    best = parseBlocks(ordered(reads, flip), now);
    if ((best[0] && settled(best[0].parsed)) || !looksUpright(reads)) break;
  }
  return looksUpright(reads) ? withLeads(ocr, image, { reads, best }, flip, now) : { reads, best };
}

// What each line may start with (ICAO 9303-3 to -7): line 1 with the document code's letter (P
// passports, V visas, I, A or C for TD1/TD2 cards), TD1's line 2 with the birth date, and a names
// line with a letter. The layout is not known yet when a line lost its first letter (`<DROU…`
// reads as a TD3), so 2-line blocks allow every document letter.
const FIRST_CHARACTERS = {
  2: ['ACIPV', MRZ_ALPHABET],
  3: ['ACI', '0123456789', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
} as const;

/**
 * The reads with the lost first characters of the top block's lines put back (restoreLeads), and
 * their blocks. Geometry says characters are missing, so the restored reading is kept unless it
 * breaks a check digit or a field that held.
 */
async function withLeads(ocr: OcrEngine, image: RgbImage, read: { reads: Read[]; best: Candidate[] }, flip: boolean, now: Date): Promise<{ reads: Read[]; best: Candidate[] }> {
  const top = read.best[0];
  const layout = top === undefined ? null : layoutFor(top.parsed.lines);
  if (top === undefined || layout === null) return read;
  const restored = await restoreLeads(ocr, image, read.reads, { start: top.block.start, count: layout.lines, firsts: FIRST_CHARACTERS[layout.lines === 3 ? 3 : 2] }, flip);
  if (restored === null) return read;
  const again = parseBlocks(ordered(restored, flip), now);
  return again[0] && noWorse(again[0].parsed, top.parsed) ? { reads: restored, best: again } : read;
}

// Failing checks, not valid ones, are compared: a restored visa letter turns a TD3 reading (five
// checks, the composite failing) into an MRV-A one (three checks, all valid).
const failedChecks = (p: ParsedMrz): number => p.checks.filter((c) => !c.valid).length;
const noWorse = (p: ParsedMrz, than: ParsedMrz): boolean => failedChecks(p) <= failedChecks(than) && p.errors.length <= than.errors.length;

/**
 * After a valid read, unread rows shaped like the MRZ rows just read (same height within 15 %, at
 * least 60 % of their length, printed as a flush pair) may be a second document's MRZ: they are read, so
 * that the caller can answer `multiple_documents`. Thresholds: on the specimen photos no other
 * pair of rows on a data page came within these bounds of the MRZ rows.
 */
async function readTwins(ocr: OcrEngine, image: RgbImage, all: readonly Row[], first: { reads: Read[]; flip: boolean }, now: Date): Promise<Candidate[]> {
  const read = first.reads.map((r) => r.row);
  const height = meanOf(read.map((r) => r.region.height));
  const width = Math.max(...read.map((r) => r.region.width));
  const twins = longRows(all).filter((r) => !read.includes(r) && Math.abs(r.region.height - height) < 0.15 * height && r.region.width >= 0.6 * width);
  // MRZ lines come in flush pairs about 1.5 line heights apart; lone look-alike rows do not count.
  const paired = twins.filter((a) => twins.some((b) => b !== a && Math.abs(b.across - a.across) < 2.5 * height &&
    (Math.abs(b.start - a.start) < height || Math.abs(b.end - a.end) < height)));
  if (paired.length < 2) return [];
  const reads = await readRows(ocr, image, paired.slice(0, MAX_ROWS), first.flip, CROPS[0]);
  return parseBlocks(ordered(reads, first.flip), now).filter((c) => c.parsed.valid);
}

/**
 * Re-reads the names line of a settled reading with NAME_VOTERS and lets the three readings vote,
 * each repaired like the first (look-alike letters, filler tails), so a vote compares like with like.
 * Check digits are re-verified: a vote may not break one.
 */
async function confirmNames(ocr: OcrEngine, image: RgbImage, top: Candidate, reads: readonly Read[], flip: boolean, now: Date): Promise<Candidate> {
  const layout = layoutFor(top.parsed.lines);
  if (layout === null) return top;
  const namesIndex = layout.lines === 3 ? 2 : 0;
  const read = byLine(reads, flip)[top.block.start + namesIndex];
  const primary = top.parsed.lines[namesIndex]!;
  // Only a `K` can be changed (below): without one, the extra readings are not worth their cost.
  if (read === undefined || !primary.includes('K')) return top;
  const extra = (await Promise.all(NAME_VOTERS.map((cut) => readRows(ocr, image, [read.row], flip, cut)))).flat();
  const alternatives = extra.flatMap((r): ReadRow[] => {
    const fit = fitLength(r.text, layout.length, 'names');
    if (fit === null) return [];
    const lines = [...top.block.lines];
    lines[namesIndex] = fit.text;
    return [{ text: repairMrz(lines, layout).lines[namesIndex]!, confidences: fit.confidences }];
  });
  if (alternatives.length === 0) return top;
  const aligned = vote([{ text: primary, confidences: top.block.confidences[namesIndex]! }, ...alternatives]);
  // Only the guilloche confusion is undone: a `K` the vote turns into `<`. The two ink-contrast
  // voters err alike elsewhere (held-back synthetic cards read `IGOR` as `IG<R` when they could
  // override any letter), so they may not change other characters.
  const voted = [...primary].map((ch, i) => (ch === 'K' && aligned[i] === '<' ? '<' : ch)).join('');
  if (voted === primary) return top;
  const lines = [...top.parsed.lines];
  lines[namesIndex] = voted;
  const parsed = parseMrz(lines, now);
  if (!settled(parsed)) return top;
  const confidences = top.block.confidences.map((c) => [...c]);
  const line = confidences[namesIndex]!;
  for (let i = 0; i < voted.length; i++) if (voted[i] !== top.parsed.lines[namesIndex]![i]) line[i] = Math.min(line[i] ?? 0, REPAIRED_CONFIDENCE);
  return { parsed, block: { ...top.block, lines, confidences }, confidence: top.confidence };
}

// Characters in an MRV-A line; MRV-B lines hold 36.
const MRV_A_LENGTH = 44;
// MRV-A's check digits all lie in line 2's first 28 characters, which MRV-B shares.
const VISA_CHECKED = 28;

/**
 * A visa read as MRV-B (2×36) whose lines both end in fillers may be an MRV-A (2×44) whose last
 * fillers the detector cut off on both lines (synthetic tuning card MRV-A/noise/0): the check
 * digits cannot tell them apart. The block's rows are read again, extended along the line to hold 44
 * characters at the pitch just read; a genuine MRV-B has only blank card there, so its line 2
 * stays too short to fit 44 (mrz-lines MAX_LENGTH_EDIT), while a cut MRV-A shows its fillers.
 */
async function confirmVisaLength(ocr: OcrEngine, image: RgbImage, top: Candidate, reads: readonly Read[], flip: boolean, now: Date): Promise<Candidate> {
  const lines = top.parsed.lines;
  if (top.parsed.format !== 'MRV-B' || !lines.every((l) => l.endsWith('<<<<'))) return top;
  const rows = byLine(reads, flip).slice(top.block.start, top.block.start + 2);
  const longer = await Promise.all(rows.map(async (r) => {
    const region = r.row.region;
    const pitch = region.width / Math.max(1, r.text.text.length);
    const cut = { ...CROPS[0], minAspect: (MRV_A_LENGTH * pitch * 1.05) / region.height };
    return (await readRows(ocr, image, [r.row], flip, cut))[0]!;
  }));
  const visa = parseBlocks(ordered(longer, flip), now).find((c) =>
    c.parsed.format === 'MRV-A' && settled(c.parsed) && c.parsed.lines[1]!.startsWith(lines[1]!.slice(0, VISA_CHECKED)));
  // Its block is numbered among the two rows re-read; the caller indexes the first pass's rows.
  return visa === undefined ? top : { ...visa, block: { ...visa.block, start: top.block.start } };
}

const looksUpright = (reads: readonly Read[]): boolean => meanOf(reads.map((r) => meanOf(r.text.confidences))) >= UPRIGHT_CONFIDENCE;

/**
 * Upright first, then the half turn (`angle` already holds quarter turns and skew: text running
 * vertically is read along its own direction). A half-turned page reads at low confidence on the
 * first two rows, which ends that orientation early.
 */
export async function searchMrz(ocr: OcrEngine, image: RgbImage, all: readonly Row[], now: Date): Promise<Search> {
  let best: Candidate[] = [];
  let first: { reads: Read[]; flip: boolean } | null = null;
  // Without any block, the orientation whose rows read most confidently is the one to re-read
  // (a TD1 card turned a quarter whose filler-cut rows fit no block in either direction).
  let likeliest: { reads: Read[]; flip: boolean; confidence: number } | null = null;
  let sawFillers = false;
  for (const flip of [false, true]) {
    const attempt = await readOrientation(ocr, image, all, flip, now);
    sawFillers ||= attempt.reads.some((r) => r.text.text.includes('<<'));
    const confidence = meanOf(attempt.reads.map((r) => meanOf(r.text.confidences)));
    if (likeliest === null || confidence > likeliest.confidence) likeliest = { reads: attempt.reads, flip, confidence };
    const top = attempt.best[0];
    if (top && (best[0] === undefined || score(top) > score(best[0]))) {
      best = attempt.best;
      first = { reads: attempt.reads, flip };
    }
    if ((best[0] && settled(best[0].parsed)) || (best[0] !== undefined && looksUpright(attempt.reads))) break;
  }
  if (best[0] && settled(best[0].parsed) && first) {
    const checked = await secondOpinion(ocr, image, all, first, best[0], now);
    const sized = await confirmVisaLength(ocr, image, checked, first.reads, first.flip, now);
    const confirmed = await confirmNames(ocr, image, sized, first.reads, first.flip, now);
    return { best: [confirmed, ...best.filter((c) => c !== best[0]), ...(await readTwins(ocr, image, all, first, now))], sawFillers };
  }
  const fallback = await fallbackCut(ocr, image, all, first ?? likeliest, first !== null, best, now);
  return { best: fallback.ranked, sawFillers: sawFillers || fallback.sawFillers };
}

/**
 * The fallback cut (CROPS[1]) of the rows of `again` (the orientation that gave the best block, or
 * without any block, the likeliest one), combined with the first cut's readings, lead restored,
 * ranked. `hadBlock`: `again` gave a block, so its rows are the ones to re-read.
 */
async function fallbackCut(ocr: OcrEngine, image: RgbImage, all: readonly Row[], again: { reads: Read[]; flip: boolean } | null, hadBlock: boolean, best: readonly Candidate[], now: Date): Promise<{ ranked: Candidate[]; sawFillers: boolean }> {
  const flip = again?.flip ?? false;
  // Without a block, every candidate row of that orientation: its reading may have stopped after two
  // rows (a names line of fillers read at low confidence looks upside down), and TD1 needs three
  // (synthetic tuning card TD1/jpeg, seed 5: all three lines read exactly, the third never read).
  const rows = hadBlock && again ? again.reads.map((r) => r.row) : mrzCandidates(all, flip, MAX_ROWS);
  const second = await readRows(ocr, image, rows, flip, CROPS[1]);
  // The first cut's readings of the same rows combine with the fallback's even when they gave no
  // block: synthetic card TD1/noise, seed 7, read line 1 exactly only on the first cut and line 2
  // only on the fallback.
  const prior = again !== null && sameRows(again.reads, rows) ? [byLine(again.reads, flip)] : [];
  const readings = [...prior, byLine(second, flip)];
  const pool = combinations(readings).map((reads) => ({ reads, best: parseBlocks(ordered(reads, flip), now) }));
  const top = pool.filter((p) => p.best[0] !== undefined).sort((a, b) => score(b.best[0]!) - score(a.best[0]!))[0];
  // The fallback cut loses first characters too (synthetic tuning card TD1/rot270, seed 5: `0005197…`
  // read `005197…` with the extended crop, while the first cut had read it but lost the line's end).
  const led = top && (await withLeads(ocr, image, top, flip, now));
  const restored = led && led !== top ? led.best : [];
  const ranked = [...best, ...pool.flatMap((p) => p.best), ...restored].sort((a, b) => score(b) - score(a));
  return { ranked: preferConfident(geometryFirst(restored[0], ranked), settled), sawFillers: second.some((r) => r.text.text.includes('<<')) };
}

// Below even odds the recogniser more likely misread a character than read it (restored fillers
// carry exactly 0.5 and are not doubted: check digits judge them).
const DOUBT = 0.5;

/**
 * A settled reading with a character read below even odds where a check digit covers it may hold a
 * look-alike the checks cannot see (synthetic card TD3/phone, seed 7: `G` read `6` at 0.39, and
 * `G` = 16 weighs like 6). The fallback cut reads its rows again; a settled alternative that differs
 * from it only in checked characters, read there more confidently, replaces it (preferConfident).
 */
async function secondOpinion(ocr: OcrEngine, image: RgbImage, all: readonly Row[], first: { reads: Read[]; flip: boolean }, top: Candidate, now: Date): Promise<Candidate> {
  if (!doubtful(top.parsed, top.block.confidences, DOUBT)) return top;
  const { ranked } = await fallbackCut(ocr, image, all, first, true, [], now);
  return preferConfident([top, ...ranked], settled)[0]!;
}

const sameRows = (reads: readonly Read[], rows: readonly Row[]): boolean =>
  reads.length === rows.length && rows.every((row) => reads.some((r) => r.row === row));

/**
 * A reading whose lost first characters were put back goes first when its checks are no worse than
 * the best score's. The score cannot see a lost letter in a names line (no check digit covers it),
 * and it favours the fallback cut's full-length rows, which need fewer filler edits: seed 3's TD1/rot270
 * card (its first-pass rows lost their filler tails) took `LIVEIRA` from the fallback cut over
 * `OLIVEIRA` from the first one, and, being settled, was never placed.
 */
function geometryFirst(restored: Candidate | undefined, ranked: readonly Candidate[]): Candidate[] {
  const top = ranked[0];
  if (restored === undefined || top === undefined || restored === top || !noWorse(restored.parsed, top.parsed)) return [...ranked];
  return [restored, ...ranked.filter((c) => c !== restored)];
}
