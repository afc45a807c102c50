// pocketsphinx 5prealpha's files and printouts (pure): the keyword list and dictionary we write,
// the feat.params we override, and the word/detection lines `-time yes` prints.
import type { Word, WordDetection } from './port.ts';

const WORD_LINE = /^(\S+) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)$/;

/** Parses `-time yes` output: hypothesis lines followed by `word start end posterior` lines. */
export function parsePocketsphinxTimes(stdout: string): Word[] {
  const words: Word[] = [];
  for (const line of stdout.split('\n')) {
    const m = WORD_LINE.exec(line.trim());
    if (!m) continue;
    const token = m[1] ?? '';
    // Sentence markers, silence and fillers ([NOISE], <sil>, ++BREATH++) are not words.
    if (/^[<[+]/.test(token)) continue;
    words.push({ word: token.replace(/\(\d+\)$/, ''), start: Number(m[2]), end: Number(m[3]), confidence: Number(m[4]) });
  }
  return words;
}

/**
 * What a keyword detection's printed "posterior" p means. kws_search.c stores
 * prob = (score of the words − score of the best phone-loop path over the same frames) − KWS_MAX,
 * in log units of base 1.0001 (-logbase) shifted right by SENSCR_SHIFT = 10 bits, and
 * continuous.c prints logmath_exp(prob) = 1.0001^prob with 6 decimals. Undoing that gives the
 * base-10 log-likelihood ratio of the words against the free phone loop. Checked: a detection
 * printed 0.869257 (ratio 10^4.39) is kept with -kws_threshold 1e4 and dropped with 1e5.
 */
const LOG_BASE = 1.0001;
const SENSCR_SHIFT = 10;
const KWS_MAX = 1500;
export function kwsScore(printed: number): number {
  return (Math.log(printed) / Math.log(LOG_BASE) + KWS_MAX) * 2 ** SENSCR_SHIFT * Math.log10(LOG_BASE);
}

/** Detection lines: `<words> <start> <end> <p>`; alternative pronunciations `word(2)` are folded. */
export function parseKwsDetections(stdout: string): WordDetection[] {
  const out: WordDetection[] = [];
  for (const line of stdout.split('\n')) {
    // With -kws the words are printed with a trailing space: "he was  0.200 2.790 0.932013".
    const m = /^(.*?)\s+(\d+\.\d+)\s+(\d+\.\d+)\s+(\d+(?:\.\d+)?)$/.exec(line.trim());
    if (!m) continue;
    const printed = Number(m[4]);
    const start = Number(m[2]), end = Number(m[3]);
    if (!(printed > 0) || !(end > start)) continue;
    const text = (m[1] ?? '').trim().split(/\s+/).map((w) => w.replace(/\(\d+\)$/, '')).join(' ');
    out.push({ text, start, end, score: Math.round(kwsScore(printed) * 100) / 100 });
  }
  return out;
}

/**
 * The keyword list (one line per pronunciation variant of each sequence, all with the same
 * threshold) and the dictionary naming each alternative pronunciation `word(n)`: kws_search.c
 * uses only the first pronunciation of a dictionary word, so alternatives must be spelled out.
 */
export function kwsLines(sequences: string[], prons: Map<string, string[]>, threshold: string, maxVariants: number): { keyphrases: string[]; dictionary: string[] } {
  const keyphrases = new Set<string>();
  for (const seq of sequences) {
    let variants: { words: string[]; rank: number }[] = [{ words: [], rank: 0 }];
    for (const w of seq.split(' ')) {
      const n = prons.get(w)?.length ?? 1;
      variants = variants.flatMap((v) => Array.from({ length: n }, (_, i) => ({ words: [...v.words, i ? `${w}(${i + 1})` : w], rank: v.rank + i })));
      // Keep the variants made of the most first-listed pronunciations.
      variants = variants.sort((a, b) => a.rank - b.rank).slice(0, maxVariants);
    }
    for (const v of variants) keyphrases.add(`${v.words.join(' ')} /${threshold}/`);
  }
  const dictionary: string[] = [];
  const words = new Set(sequences.flatMap((s) => s.split(' ')));
  for (const w of words) (prons.get(w) ?? []).forEach((p, i) => dictionary.push(`${i ? `${w}(${i + 1})` : w} ${p}`));
  return { keyphrases: [...keyphrases], dictionary };
}

/**
 * The model's feat.params with `-cmninit` set to a clip's cepstral mean; null when the model's
 * front end is not the one cepstral-mean.ts reproduces (then the model's own start value is kept).
 */
export function featParamsWithMean(modelFeatParams: string, mean: number[]): string | null {
  const get = (k: string): string | undefined => new RegExp(`^-${k}\\s+(\\S+)`, 'm').exec(modelFeatParams)?.[1];
  const expected: Record<string, string> = { lowerf: '130', upperf: '6800', nfilt: '25', transform: 'dct', lifter: '22' };
  if (Object.entries(expected).some(([k, v]) => get(k) !== v) || mean.length !== 13 || mean.some((x) => !Number.isFinite(x))) return null;
  const line = `-cmninit ${mean.map((x) => x.toFixed(2)).join(',')}`;
  return /^-cmninit .*$/m.test(modelFeatParams) ? modelFeatParams.replace(/^-cmninit .*$/m, line) : `${modelFeatParams.trimEnd()}\n${line}\n`;
}
