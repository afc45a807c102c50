// Pronunciations for words the CMU dictionary lacks (mostly people's names in "My name is …"),
// from espeak-ng's letter-to-sound rules: `espeak-ng -q --ipa -v en-us WORD` prints IPA, which
// is mapped here to the 39 ARPAbet phones of pocketsphinx's en-us model. espeak-ng is a Debian
// package we already install for test speech; pocketsphinx 5prealpha has no g2p of its own.
import { foreignTable } from './foreign-phones.ts';
import { runChecked } from '../process.ts';

/**
 * IPA symbols (as espeak-ng en-us prints them) → ARPAbet, longest first. Stress and length marks
 * are dropped (the en-us acoustic model has no stress). Flaps and glottal stops become T, as the
 * CMU dictionary writes "butter" B AH T ER and "button" B AH T AH N.
 */
const IPA_TO_ARPABET: [string, string[]][] = [
  ['aɪ', ['AY']], ['aʊ', ['AW']], ['eɪ', ['EY']], ['oʊ', ['OW']], ['əʊ', ['OW']], ['ɔɪ', ['OY']],
  ['tʃ', ['CH']], ['dʒ', ['JH']], ['n̩', ['AH', 'N']], ['l̩', ['AH', 'L']], ['m̩', ['AH', 'M']],
  ['ɑ', ['AA']], ['ɒ', ['AA']], ['æ', ['AE']], ['a', ['AE']], ['ʌ', ['AH']], ['ə', ['AH']], ['ɐ', ['AH']],
  ['ɔ', ['AO']], ['ɛ', ['EH']], ['e', ['EH']], ['ɜ', ['ER']], ['ɝ', ['ER']], ['ɚ', ['ER']],
  ['ɪ', ['IH']], ['ᵻ', ['IH']], ['i', ['IY']], ['ʊ', ['UH']], ['u', ['UW']], ['o', ['OW']],
  ['p', ['P']], ['b', ['B']], ['t', ['T']], ['d', ['D']], ['k', ['K']], ['ɡ', ['G']], ['g', ['G']],
  ['f', ['F']], ['v', ['V']], ['θ', ['TH']], ['ð', ['DH']], ['s', ['S']], ['z', ['Z']], ['ʃ', ['SH']],
  ['ʒ', ['ZH']], ['h', ['HH']], ['m', ['M']], ['n', ['N']], ['ŋ', ['NG']], ['l', ['L']], ['ɫ', ['L']],
  ['ɹ', ['R']], ['r', ['R']], ['w', ['W']], ['ʍ', ['W']], ['j', ['Y']], ['ɾ', ['T']], ['ʔ', ['T']],
  ['x', ['K']], ['ç', ['HH']], ['ɬ', ['L']],
];
const IGNORED = new Set(['ˈ', 'ˌ', 'ː', 'ˑ', '̃', '-', '_', '‿', '.', '|']);

/**
 * ARPAbet phones of an IPA string, or null when it holds a symbol we cannot map. `voice`: the
 * espeak-ng voice that printed it; a non-English voice's sounds go through foreign-phones.ts first.
 */
export function ipaToArpabet(ipa: string, voice = 'en-us'): string[] | null {
  const table = voice.startsWith('en') ? IPA_TO_ARPABET : [...foreignTable(voice), ...IPA_TO_ARPABET];
  const out: string[] = [];
  const s = ipa.normalize('NFC').trim();
  let i = 0;
  while (i < s.length) {
    const c = s[i] ?? '';
    if (IGNORED.has(c) || /\s/.test(c)) { i++; continue; }
    const hit = table.find(([sym]) => s.startsWith(sym, i));
    if (!hit) return null;
    // A vowel written twice ("ɑːɑ", "əə") is one sound for the decoder.
    for (const ph of hit[1]) if (!(out.at(-1) === ph && /^[AEIOU]/.test(ph))) out.push(ph);
    i += hit[0].length;
  }
  return out.length ? out : null;
}

interface G2pOptions { binary?: string; voice?: string; timeoutMs?: number; signal?: AbortSignal }

/** Letters only: the word goes to espeak-ng as an argument, never through a shell. */
const SPEAKABLE = /^[\p{L}'’-]{1,40}$/u;

/** ARPAbet pronunciation of one word by espeak-ng's rules; null when espeak-ng is missing or the word is odd. */
export async function pronounce(word: string, o: G2pOptions = {}): Promise<string[] | null> {
  if (!SPEAKABLE.test(word)) return null;
  try {
    const r = await runChecked(o.binary ?? 'espeak-ng', ['-q', '--ipa', '-v', o.voice ?? 'en-us', word],
      { timeoutMs: o.timeoutMs ?? 10_000, ...(o.signal ? { signal: o.signal } : {}) });
    return ipaToArpabet(r.stdout, o.voice ?? 'en-us');
  } catch {
    return null;
  }
}
