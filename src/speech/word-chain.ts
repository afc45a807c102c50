// Was the expected phrase said? (pure) Decided from word detections (engine `spotWords`): the
// best chain of detections in the phrase's word order, each word scored against a free phone
// loop, words the speaker swallowed skipped at a cost; numbers must be heard, and heard better
// than their near misses ("nineteenth" for "eighteenth", another digit).
//
// Why words and not the whole phrase as one keyword: pocketsphinx's keyword chain has no room for
// a pause between words, and its VAD restarts the search at every pause longer than 0.5 s, so
// "one … two … three" and JFK's "ask not what your country can do for you, ask what …" could
// never be spotted whole (bench/speech.ts, per-clip details).
import type { Language, WordDetection, WordSpotting } from '../engines/speech/port.ts';
import { canonicalTokens, foldText } from './normalize.ts';
import { MONTHS, numberToWords, ordinalToWords, yearToWords } from './numbers.ts';
import type { PhraseKind } from './match.ts';

interface ChainUnit {
  /** Canonical token ("my", "18", "2026"). */
  token: string;
  /** Spoken forms, any of which counts ("eighteenth", "eighteen"). */
  forms: string[];
  /**
   * Numbers must be heard (never skipped) and heard better than their decoys; at least half the
   * words of the person's name must be heard. They are what makes the phrase this session's.
   */
  required: boolean;
  role: 'word' | 'name' | 'number';
  /** Spoken forms of near-miss values: day ±1/±10, year ±1, every other digit. */
  decoys: string[];
}

const isNumber = (t: string): boolean => /^\d+$/.test(t);

function numberForms(v: number, kind: PhraseKind, nearMonth: boolean, lang: Language): string[] {
  const f = (s: string): string => foldText(s, lang);
  if (kind === 'digits' && v < 10) return v === 0 && lang === 'en' ? ['zero', 'oh'] : [f(numberToWords(v, lang))];
  if (nearMonth && v >= 1 && v <= 31) return [...new Set([f(ordinalToWords(v, lang)), f(numberToWords(v, lang))])];
  if (v >= 1100 && v < 2100) return yearToWords(v, lang).map(f);
  return v < 1_000_000 ? [f(numberToWords(v, lang))] : [];
}

/**
 * Values a number could be mistaken for or swapped with. Digits and days of the month: every
 * other value (a user reading the wrong line, or saying yesterday's date, must not pass); years
 * ±1; other numbers ±1 and ±10.
 */
function nearMisses(v: number, kind: PhraseKind, nearMonth: boolean): number[] {
  if (kind === 'digits' && v < 10) return [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => d !== v);
  if (nearMonth && v >= 1 && v <= 31) return Array.from({ length: 31 }, (_, i) => i + 1).filter((d) => d !== v);
  if (v >= 1100 && v < 2100) return [v - 1, v + 1];
  return [v - 1, v + 1, v - 10, v + 10].filter((x) => x >= 0);
}

/**
 * `part` is `whole` or a run of its words: "first" in "thirty first". Such a decoy is left out,
 * as it scores the same words as the expected form and wins whenever the rest of the form is
 * said less clearly (flite: "first" 20.3 against "thirty first" 13.4).
 */
function containsWords(whole: string, part: string): boolean {
  return ` ${whole} `.includes(` ${part} `);
}

/** Every combination of one form per token, capped (a run of three digits has one form each). */
function combine(lists: string[][]): string[] {
  let out = [''];
  for (const l of lists) out = out.flatMap((o) => l.map((x) => (o ? `${o} ${x}` : x))).slice(0, 16);
  return out;
}

/**
 * The units of an expected phrase, in order. A run of the same number ("5 5", "3 3") is one unit:
 * pocketsphinx merges overlapping detections of the same word, so "five five" said in one breath
 * yields a single "five" and the second could never be found.
 */
export function chainUnits(kind: PhraseKind, text: string, lang: Language, templateWords: ReadonlySet<string> = new Set()): ChainUnit[] {
  const toks = canonicalTokens(text, lang);
  const months = new Set(MONTHS[lang].map((m) => foldText(m, lang)));
  const units: ChainUnit[] = [];
  for (let i = 0; i < toks.length;) {
    const t = toks[i] ?? '';
    if (!isNumber(t)) {
      // In "My name is … Today is …" every word the template does not hold is the name.
      const name = kind === 'name_date' && !templateWords.has(t) && !months.has(t);
      units.push({ token: t, forms: [t], required: false, role: name ? 'name' : 'word', decoys: [] });
      i++;
      continue;
    }
    let run = 1;
    while (toks[i + run] === t) run++;
    const v = Number(t);
    const nearMonth = [i - 2, i - 1, i + run, i + run + 1].some((j) => months.has(toks[j] ?? ''));
    const one = numberForms(v, kind, nearMonth, lang);
    const forms = combine(Array.from({ length: run }, () => one));
    // Near misses of a run: one of its numbers replaced. "oh" is never a decoy: a single vowel,
    // it matches the end of "zero", "two", "four" and stole their place (flite, espeak-ng).
    const decoys = new Set<string>();
    for (let k = 0; k < run; k++) {
      for (const x of nearMisses(v, kind, nearMonth)) {
        const alt = numberForms(x, kind, nearMonth, lang).filter((f) => f !== 'oh');
        combine(Array.from({ length: run }, (_, j) => (j === k ? alt : one))).forEach((d) => decoys.add(d));
      }
    }
    units.push({ token: Array.from({ length: run }, () => t).join(' '), forms, required: true, role: 'number', decoys: [...decoys].filter((d) => !forms.some((f) => containsWords(f, d))) });
    i += run;
  }
  return units;
}

/**
 * A digit string as one unit: every digit sequence it may be said as, and every sequence with one
 * digit changed as decoys. Why: read quickly, digits run together ("four two four" came out "far
 * too far", flite), so single digits score poorly one by one although the whole sequence is
 * heard; spotted whole, the sequence competes with its one-digit near misses (bench/speech.ts:
 * flite digits 6/20 by words alone). Said with pauses, the per-word chain still does it.
 */
export function wholeDigitsUnit(text: string, lang: Language): ChainUnit | null {
  const toks = canonicalTokens(text, lang);
  if (!toks.length || !toks.every((t) => /^\d$/.test(t))) return null;
  const forms = (d: string): string[] => numberForms(Number(d), 'digits', false, lang);
  const all = combine(toks.map(forms));
  const decoys = new Set<string>();
  toks.forEach((t, k) => {
    for (const x of nearMisses(Number(t), 'digits', false)) {
      decoys.add(toks.map((u, j) => (j === k ? forms(String(x)).filter((f) => f !== 'oh')[0] ?? '' : forms(u)[0] ?? '')).join(' '));
    }
  });
  return { token: toks.join(' '), forms: all, required: true, role: 'number', decoys: [...decoys] };
}

/** Every word sequence to ask the engine for: the units' forms and their decoys. */
export function sequencesToSpot(units: ChainUnit[]): string[] {
  return [...new Set(units.flatMap((u) => [...u.forms, ...u.decoys]))];
}

export interface ChainParams {
  /** Cost of skipping a word: base + per phone, in log10 likelihood-ratio units. */
  skipBase: number;
  skipPerPhone: number;
  /**
   * Most speech between consecutive heard words, plus an allowance per skipped word. Silence does
   * not count (the caller's `speechBetween`): a user may pause for breath anywhere, but a chain
   * must not pick its words out of seconds of other talk.
   */
  maxGapS: number;
  gapPerSkippedS: number;
  /** How far a word may start before the previous one ended (detections are approximate). */
  overlapS: number;
  /** A word's contribution is capped at this many units per phone, so one loud word cannot carry a phrase. */
  capPerPhone: number;
  /** Accept when the chain's score per phone of the phrase reaches this. */
  acceptPerPhone: number;
  /** Each number must score at least this per phone. */
  numberMinPerPhone: number;
  /** Each word of the name must score at least this per phone. */
  nameMinPerPhone: number;
  /** A decoy heard between a number's neighbours must score this much less than the number. */
  decoyMargin: number;
}

interface ChainStep { token: string; heard: string | null; start: number | null; end: number | null; score: number | null; phones: number }

export interface ChainVerdict {
  accepted: boolean;
  /** Why not: the chain scored too low, a number was not heard, or a near miss scored as well. */
  failure: null | 'low_score' | 'number_missing' | 'number_decoy' | 'name_missing' | 'unsupported';
  scorePerPhone: number;
  steps: ChainStep[];
  decoy: { token: string; heard: string; score: number; expectedScore: number } | null;
  /** Units no spoken form of which the engine could pronounce (left out of the score). */
  unsupported: string[];
}

interface Node { d: WordDetection; s: number; prev: Node | null; unit: number }

const REQUIRED_SKIP = 1e6;

/** Phones of the unit's first spoken form (the one we print: "zero", "eighteenth"); null when the engine cannot spot any form. */
function unitPhones(u: ChainUnit, sp: WordSpotting): number | null {
  const first = u.forms.map((f) => sp.phones[f]).find((x): x is number => x !== undefined);
  return first ?? null;
}

type Between = (fromS: number, toS: number) => number;

function bestPath(units: ChainUnit[], phones: number[], sp: WordSpotting, p: ChainParams, between: Between): { score: number; end: Node | null } {
  // A number left out makes the verdict number_missing anyway; a finite cost keeps the rest of
  // the chain for the evidence.
  const skip = units.map((u, i) => (u.required ? REQUIRED_SKIP : 0) + p.skipBase + p.skipPerPhone * (phones[i] ?? 0));
  const skipped = (a: number, b: number): number => { let s = 0; for (let k = a; k < b; k++) s += skip[k] ?? 0; return s; };
  const rows: Node[][] = [];
  units.forEach((u, i) => {
    const cands = sp.detections.filter((d) => u.forms.includes(d.text));
    rows.push(cands.map((d) => {
      const gain = Math.min(d.score, p.capPerPhone * (phones[i] ?? 0));
      let best: Node = { d, s: gain - skipped(0, i), prev: null, unit: i };
      for (let j = 0; j < i; j++) {
        const gapMax = p.maxGapS + p.gapPerSkippedS * (i - j - 1);
        for (const e of rows[j] ?? []) {
          if (d.start < e.d.end - p.overlapS || between(e.d.end, d.start) > gapMax) continue;
          const s = e.s - skipped(j + 1, i) + gain;
          if (s > best.s) best = { d, s, prev: e, unit: i };
        }
      }
      return best;
    }));
  });
  let score = -skipped(0, units.length), end: Node | null = null;
  rows.forEach((row, i) => row.forEach((n) => { const s = n.s - skipped(i + 1, units.length); if (s > score) { score = s; end = n; } }));
  return { score, end };
}

/** Chains the detections and judges them. */
/** `speechBetween` gives the seconds of speech in a stretch; by default every second counts. */
export function judgeChain(allUnits: ChainUnit[], sp: WordSpotting, p: ChainParams, speechBetween: Between = (a, b) => Math.max(0, b - a)): ChainVerdict {
  const supported = allUnits.map((u) => unitPhones(u, sp));
  const unsupported = allUnits.filter((_, i) => supported[i] === null).map((u) => u.token);
  const units = allUnits.filter((_, i) => supported[i] !== null);
  const phones = supported.filter((x): x is number => x !== null);
  const total = phones.reduce((a, b) => a + b, 0);
  const base = { scorePerPhone: -Infinity, steps: [] as ChainStep[], decoy: null, unsupported };
  if (!units.length || allUnits.some((u, i) => u.required && supported[i] === null)) return { ...base, accepted: false, failure: 'unsupported' };
  const { score, end } = bestPath(units, phones, sp, p, speechBetween);
  const steps: ChainStep[] = units.map((u, i) => ({ token: u.token, heard: null, start: null, end: null, score: null, phones: phones[i] ?? 0 }));
  for (let n: Node | null = end; n; n = n.prev) Object.assign(steps[n.unit] ?? {}, { heard: n.d.text, start: n.d.start, end: n.d.end, score: n.d.score });
  const scorePerPhone = Math.round((score / Math.max(1, total)) * 100) / 100;
  const verdict = (failure: ChainVerdict['failure'], decoy: ChainVerdict['decoy'] = null): ChainVerdict =>
    ({ accepted: failure === null, failure, scorePerPhone, steps, decoy, unsupported });
  const names = units.map((u, i) => ({ u, st: steps[i] })).filter((x) => x.u.role === 'name');
  const namesHeard = names.filter((x) => x.st && x.st.score !== null && x.st.score >= p.nameMinPerPhone * x.st.phones).length;
  if (namesHeard < Math.ceil(names.length / 2)) return verdict('name_missing');
  for (const [i, u] of units.entries()) {
    const st = steps[i];
    if (u.role !== 'number' || !st) continue;
    if (st.score === null || st.start === null || st.end === null || st.score < p.numberMinPerPhone * st.phones) return verdict('number_missing');
    const rival = rivalOf(sp.detections.filter((d) => u.decoys.includes(d.text)), steps, i, p);
    if (rival && rival.score > st.score - p.decoyMargin) {
      return verdict('number_decoy', { token: u.token, heard: rival.text, score: rival.score, expectedScore: st.score });
    }
  }
  return verdict(scorePerPhone >= p.acceptPerPhone ? null : 'low_score');
}

/**
 * The best decoy heard where the number was said. The stretch is from the end of the previous
 * heard word to the start of the next, as the chain may have matched the number anywhere in it.
 * A decoy counts when it lies (¾) in that stretch and either covers half of the number's own
 * detection or does not touch it; a decoy overlapping only the number's edge is a sound shared
 * by two numbers ("one" in the end of "seven", espeak-ng), not another number.
 */
function rivalOf(decoys: WordDetection[], steps: ChainStep[], i: number, p: ChainParams): WordDetection | undefined {
  const st = steps[i];
  if (!st || st.start === null || st.end === null) return undefined;
  const [s0, e0] = [st.start, st.end];
  const prev = steps.slice(0, i).reverse().find((x) => x.end !== null);
  const next = steps.slice(i + 1).find((x) => x.start !== null);
  const from = (prev?.end ?? s0 - p.maxGapS) - p.overlapS;
  const to = (next?.start ?? e0 + p.maxGapS) + p.overlapS;
  return decoys.filter((d) => {
    if (Math.min(d.end, to) - Math.max(d.start, from) < 0.75 * (d.end - d.start)) return false;
    const shared = Math.min(d.end, e0) - Math.max(d.start, s0);
    return shared <= 0 || shared >= 0.5 * (e0 - s0);
  }).sort((a, b) => b.score - a.score)[0];
}
