// Does a transcript say the expected phrase? (pure) Used when the engine cannot keyword-spot the
// phrase (whisper.cpp, or a pocketsphinx phrase with out-of-dictionary words).
import type { Language } from '../engines/speech/port.ts';
import { canonicalTokens, wordErrorRate } from './normalize.ts';

export type PhraseKind = 'name_date' | 'consent' | 'digits';

/**
 * Largest word error rate between the expected phrase and the transcript that still counts as the
 * phrase. Why 0.25: a whisper-class engine makes < 10 % word errors on clean read speech (whisper
 * paper, LibriSpeech test-clean: base 5.0 %, tiny 7.5 %), names add one or two errors to a
 * 10–14-word name_date phrase, while another sentence of the bench set scores ≥ 0.8 against the
 * expected one (bench/speech.ts, "wrong phrase" WER). Numbers never get this tolerance: every
 * number of the phrase must be heard exactly, so "March 19" never passes for "March 18".
 */
const MAX_PHRASE_WER = 0.25;

export interface TranscriptMatch {
  match: boolean;
  wordErrorRate: number;
  expected: string[];
  heard: string[];
  numbersMatch: boolean;
}

const isNumber = (t: string): boolean => /^\d+$/.test(t);

/**
 * Words a recogniser writes for a spoken digit when it has no context ("four seven to nine":
 * pocketsphinx on espeak-ng speech, bench/speech.ts). Applied to digit phrases only. "free"/"tree"
 * for three: th-fronting, common in real accents and heard by whisper in flite's rms voice
 * ("six free zero five zero zero", a CI run); neither word is another digit, so no wrong digit
 * string gains a match from it.
 */
const DIGIT_HOMOPHONES: Partial<Record<Language, Record<string, string>>> = {
  en: { to: '2', too: '2', for: '4', won: '1', ate: '8', free: '3', tree: '3' },
};

/** Numbers of `expected` appear in `heard` in the same order. */
function numbersInOrder(expected: string[], heard: string[]): boolean {
  const want = expected.filter(isNumber);
  let j = 0;
  for (const t of heard) if (j < want.length && t === want[j]) j++;
  return j === want.length;
}

/**
 * Loosest transcript that still confirms a short phrase the word chain accepted. Why: a phrase
 * of a few words ("ten of clubs", "one two three") is a handful of phones, and the chain found
 * such fragments in unrelated speech (JFK's "…do for you…" for "one two three": 4 of 182 wrong
 * pairs on the real clips); the free transcript of such audio is another sentence. 0.5 lets
 * pocketsphinx's usual slips through ("for queen of clubs", "want to three" for "one two
 * three"), and no number may be heard that the phrase does not hold ("seven of clubs" does not
 * confirm "ten of clubs").
 */
const MAX_CONFIRM_WER = 0.5;

export function confirmsPhrase(expectedText: string, heardText: string, lang: Language): boolean {
  const expected = canonicalTokens(expectedText, lang);
  const homophones = DIGIT_HOMOPHONES[lang] ?? {};
  const heard = canonicalTokens(heardText, lang).map((t) => homophones[t] ?? t);
  const left = expected.filter(isNumber);
  const extra = heard.filter(isNumber).filter((n) => {
    const i = left.indexOf(n);
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
  return wordErrorRate(expected, heard) <= MAX_CONFIRM_WER && extra.length === 0;
}
export function matchTranscript(kind: PhraseKind, expectedText: string, heardText: string, lang: Language): TranscriptMatch {
  const expected = canonicalTokens(expectedText, lang);
  const heard = canonicalTokens(heardText, lang);
  const wer = wordErrorRate(expected, heard);
  if (kind === 'digits') {
    // "4 7 2 9" may be said "forty-seven twenty-nine": compare the digit strings.
    const homophones = DIGIT_HOMOPHONES[lang] ?? {};
    const want = expected.filter(isNumber).join('');
    const got = heard.map((t) => homophones[t] ?? t).filter(isNumber).join('');
    const ok = want.length > 0 && want === got;
    return { match: ok, wordErrorRate: wer, expected, heard, numbersMatch: ok };
  }
  const numbersMatch = numbersInOrder(expected, heard);
  return { match: numbersMatch && wer <= MAX_PHRASE_WER, wordErrorRate: wer, expected, heard, numbersMatch };
}
