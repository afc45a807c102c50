// Text normalisation so an expected phrase and a transcript compare fairly (pure): case, accents,
// punctuation, and numbers/dates in either spelling ("18" ≡ "eighteen" ≡ "eighteenth",
// "2026" ≡ "twenty twenty six" ≡ "two thousand and twenty six", "zweitausendsechsundzwanzig").
// The canonical form writes every number as digits; the spoken form (spokenVariants) writes
// them as words, for keyword spotting and speech synthesis.
import type { Language } from '../engines/speech/port.ts';
import { MONTHS, NUMBER_SYNONYMS, numberToWords, ordinalToWords, yearToWords } from './numbers.ts';

/** Lower case, no accents, no punctuation; apostrophes kept inside English words (cmudict has "i'm"). */
export function foldText(text: string, lang: Language): string {
  let s = text.toLowerCase().replace(/ß/g, 'ss').replace(/œ/g, 'oe').replace(/æ/g, 'ae');
  s = s.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[’ʼ`]/g, "'");
  // Written ordinals: 18th, 1st, 1er, 1re, 2e, 1º, 1ª (after accent folding º/ª stay as letters o/a).
  s = s.replace(/\b(\d+)(?:st|nd|rd|th|er|re|eme|e|o|a|º|ª)\b/g, '$1');
  s = lang === 'en' ? s.replace(/(^|[^a-z])'|'(?=[^a-z]|$)/g, '$1 ') : s.replace(/'/g, ' ');
  return s.replace(/[^\p{L}\p{N}']+/gu, ' ').trim().replace(/\s+/g, ' ');
}

interface Lexicon {
  /** Space-joined folded tokens of 0–99 (cardinal, ordinal, synonyms) → value. */
  chunks: Map<string, number>;
  /** Chunks that are only ordinals ("eighteenth", "primeiro"): they end a number. */
  ordinals: Set<string>;
  maxChunk: number;
  hundredValues: Map<string, number>;
  hundredMult: Set<string>;
  thousand: Set<string>;
  connector: string;
  /** German: morphemes a compound number word splits into. */
  morphemes: string[];
}

const CONNECTOR: Record<Language, string> = { en: 'and', es: 'y', fr: 'et', de: 'und', pt: 'e' };
const DE_SUFFIXES = ['sten', 'ster', 'stes', 'stem', 'ste', 'ten', 'ter', 'tes', 'tem', 'te', 'en', 'er', 'es', 'em', 'e'];

function buildLexicon(lang: Language): Lexicon {
  const fold = (s: string): string => foldText(s, lang);
  const morphemes = lang === 'de'
    ? ['null', 'eins', 'ein', 'eine', 'zwei', 'drei', 'vier', 'funf', 'sechs', 'sieben', 'acht', 'neun', 'zehn', 'elf', 'zwolf',
      'dreizehn', 'vierzehn', 'funfzehn', 'sechzehn', 'siebzehn', 'achtzehn', 'neunzehn', 'zwanzig', 'dreissig', 'vierzig',
      'funfzig', 'sechzig', 'siebzig', 'achtzig', 'neunzig', 'hundert', 'tausend', 'und', 'erst', 'dritt', 'sieb']
    : [];
  const lex: Lexicon = { chunks: new Map(), ordinals: new Set(), maxChunk: 1, hundredValues: new Map(), hundredMult: new Set(), thousand: new Set(),
    connector: CONNECTOR[lang], morphemes };
  const add = (words: string, v: number, ordinal = false): void => {
    const toks = lang === 'de' ? fold(words).split(' ').flatMap((t) => splitGermanNumber(t, morphemes) ?? [t]) : fold(words).split(' ');
    const key = toks.join(' ');
    if (!lex.chunks.has(key)) {
      lex.chunks.set(key, v);
      if (ordinal) lex.ordinals.add(key);
    }
    lex.maxChunk = Math.max(lex.maxChunk, toks.length);
  };
  for (let n = 0; n < 100; n++) add(numberToWords(n, lang), n);
  for (let n = 1; n < 100; n++) {
    add(ordinalToWords(n, lang), n, true);
    if (lang === 'fr' && n >= 80) add(numberToWords(n, lang).replace('vingts', 'vingt'), n);
  }
  if (lang === 'de') { add('erst', 1, true); add('dritt', 3, true); add('sieb', 7, true); }
  for (const [w, v] of Object.entries(NUMBER_SYNONYMS[lang])) {
    if (v < 100) add(w, v, /^prim|^premi/.test(w)); else lex.hundredValues.set(fold(w), v);
  }
  if (lang === 'es' || lang === 'pt') for (let h = 1; h < 10; h++) lex.hundredValues.set(fold(numberToWords(h * 100 + (h === 1 ? 1 : 0), lang).split(' ')[0] ?? ''), h * 100);
  const mult: Record<Language, string[]> = { en: ['hundred'], fr: ['cent', 'cents'], de: ['hundert'], es: [], pt: [] };
  mult[lang].forEach((w) => lex.hundredMult.add(w));
  lex.thousand.add(fold(numberToWords(2000, lang)).split(' ').at(-1)?.replace(/^zwei/, '') ?? '');
  if (lang === 'de') lex.thousand.add('tausend');
  return lex;
}

/** Splits a German compound number word ("zweitausendsechsundzwanzigste") into morphemes. */
function splitGermanNumber(token: string, morphemes: string[]): string[] | null {
  // Fewest segments wins, so "achtzehn" is not read as "acht" + "zehn".
  const best: (string[] | null)[] = new Array(token.length + 1).fill(null);
  best[0] = [];
  for (let i = 0; i < token.length; i++) {
    const head = best[i];
    if (!head) continue;
    for (const m of morphemes) {
      if (!token.startsWith(m, i)) continue;
      const cand = [...head, m];
      const cur = best[i + m.length];
      if (!cur || cur.length > cand.length) best[i + m.length] = cand;
    }
  }
  for (let end = token.length; end > 0; end--) {
    const segs = best[end];
    const rest = token.slice(end);
    if (!segs || !segs.length || (rest && !DE_SUFFIXES.includes(rest))) continue;
    if (segs[0] === 'und' || segs.at(-1) === 'und') return null;
    // Bare ordinal stems only count with a suffix ("erste", not "erst").
    if (!rest && ['erst', 'dritt', 'sieb'].includes(segs.at(-1) ?? '')) return null;
    return segs;
  }
  return null;
}

const LEXICONS: Record<Language, Lexicon> = { en: buildLexicon('en'), es: buildLexicon('es'), fr: buildLexicon('fr'),
  de: buildLexicon('de'), pt: buildLexicon('pt') };

/** Folded tokens; German compound numbers are split into morphemes. */
function tokenize(text: string, lang: Language): string[] {
  const toks = foldText(text, lang).split(' ').filter(Boolean);
  if (lang !== 'de') return toks;
  return toks.flatMap((t) => splitGermanNumber(t, LEXICONS.de.morphemes) ?? [t]);
}

function chunkAt(toks: string[], i: number, lex: Lexicon): { value: number; len: number; ordinal: boolean } | null {
  for (let len = Math.min(lex.maxChunk, toks.length - i); len > 0; len--) {
    const key = toks.slice(i, i + len).join(' ');
    const v = lex.chunks.get(key);
    if (v !== undefined) return { value: v, len, ordinal: lex.ordinals.has(key) };
  }
  return null;
}

/** "cien"/"cem" are exactly 100: nothing is added to them ("ciento veinte", "cento e vinte"). */
const EXACT_HUNDRED = new Set(['cien', 'cem']);

/** Reads one spoken number starting at i; null when toks[i] does not start one. */
function readNumber(toks: string[], i: number, lex: Lexicon, lang: Language): { value: number; next: number } | null {
  let total = 0, cur = 0, j = i, any = false, hasSub100 = false, chunks = 0, multipliers = 0, ordinal = false;
  while (j < toks.length) {
    const t = toks[j] ?? '';
    if (any && t === lex.connector && j + 1 < toks.length) {
      const after = toks[j + 1] ?? '';
      if ((!hasSub100 && chunkAt(toks, j + 1, lex)) || (cur === 0 && lex.hundredValues.has(after))) { j++; continue; }
      break;
    }
    if (lex.thousand.has(t) && total === 0 && cur < 1000) {
      total = (cur || 1) * 1000; cur = 0; hasSub100 = false; any = true; multipliers++; j++; continue;
    }
    if (lex.hundredMult.has(t) && cur < 10) { cur = (cur || 1) * 100; hasSub100 = false; any = true; multipliers++; j++; continue; }
    const hv = lex.hundredValues.get(t);
    if (hv !== undefined && cur === 0) {
      cur = hv; any = true; multipliers++; j++;
      if (EXACT_HUNDRED.has(t)) break;
      continue;
    }
    const c = hasSub100 ? null : chunkAt(toks, j, lex);
    // An ordinal ends a number and never continues one ("duzentos primeiro" is two numbers).
    if (!c || (any && c.ordinal)) break;
    cur += c.value; hasSub100 = true; any = true; chunks++; j += c.len;
    if (c.ordinal) { ordinal = true; break; }
  }
  if (!any) return null;
  let value = total + cur;
  // English years said in pairs: "twenty twenty six", "nineteen oh five".
  // An ordinal never starts a year, and in "eighteen twenty twenty six" the later pair is the year.
  if (lang === 'en' && !ordinal && chunks === 1 && multipliers === 0 && value >= 10 && value <= 20 && j < toks.length) {
    const oh = toks[j] === 'oh' ? 1 : 0;
    const c = chunkAt(toks, j + oh, lex);
    const later = c && !oh ? chunkAt(toks, j + c.len, lex) : null;
    const laterIsYear = !!c && c.value >= 10 && c.value <= 20 && !!later && later.value >= 10 && !later.ordinal;
    if (c && !c.ordinal && !laterIsYear && c.value >= (oh ? 1 : 10) && c.value < (oh ? 10 : 100)) {
      value = value * 100 + c.value; j += oh + c.len;
    }
  }
  return { value, next: j };
}

/** Written abbreviations a recogniser may print for a spoken word (pocketsphinx prints "mr"). */
const ABBREVIATIONS: Record<Language, Record<string, string>> = {
  en: { mr: 'mister', mrs: 'missus', dr: 'doctor', ok: 'okay' },
  es: { sr: 'senor', sra: 'senora', dr: 'doctor' },
  fr: { mme: 'madame', dr: 'docteur' },
  de: { hr: 'herr', fr: 'frau', dr: 'doktor' },
  pt: { sr: 'senhor', sra: 'senhora', dr: 'doutor' },
};

/** Canonical tokens: folded words, every number (written or spoken) as digits. */
export function canonicalTokens(text: string, lang: Language): string[] {
  const toks = tokenize(text, lang).map((t) => ABBREVIATIONS[lang][t] ?? t);
  const lex = LEXICONS[lang];
  const out: string[] = [];
  for (let i = 0; i < toks.length;) {
    const t = toks[i] ?? '';
    if (/^\d+$/.test(t)) { out.push(String(Number(t))); i++; continue; }
    const r = readNumber(toks, i, lex, lang);
    if (r) { out.push(String(r.value)); i = r.next; } else { out.push(t); i++; }
  }
  return out;
}

export function canonicalText(text: string, lang: Language): string {
  return canonicalTokens(text, lang).join(' ');
}

/** Word-level Levenshtein distance divided by the reference length (WER); 0 for two empties. */
export function wordErrorRate(ref: string[], hyp: string[]): number {
  if (!ref.length) return hyp.length ? 1 : 0;
  let prev = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      const sub = (prev[j - 1] ?? 0) + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      row.push(Math.min(sub, (prev[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1));
    }
    prev = row;
  }
  return (prev[hyp.length] ?? 0) / ref.length;
}

const MAX_VARIANTS = 12;

/** Spoken forms of a phrase: numbers in words, day-of-month also as ordinal, years both ways. */
export function spokenVariants(text: string, lang: Language): string[] {
  const toks = canonicalTokens(text, lang);
  const months = new Set(MONTHS[lang].map((m) => foldText(m, lang)));
  let variants: string[][] = [[]];
  toks.forEach((t, i) => {
    let opts = [t];
    if (/^\d+$/.test(t)) {
      const v = Number(t);
      const nearMonth = months.has(toks[i - 1] ?? '') || months.has(toks[i - 2] ?? '') || months.has(toks[i + 1] ?? '') || months.has(toks[i + 2] ?? '');
      const card = foldText(numberToWords(v, lang), lang);
      if (nearMonth && v >= 1 && v <= 31) opts = [...new Set([foldText(ordinalToWords(v, lang), lang), card])];
      else if (v >= 1100 && v < 2100) opts = yearToWords(v, lang).map((y) => foldText(y, lang));
      else opts = [card];
    }
    variants = variants.flatMap((vs) => opts.map((o) => [...vs, o])).slice(0, MAX_VARIANTS);
  });
  return variants.map((vs) => vs.join(' '));
}
