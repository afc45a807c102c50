// Nearest English phones for the sounds espeak-ng prints for Spanish, French, German and
// Portuguese. The only acoustic model we ship is pocketsphinx's en-us (39 ARPAbet phones): to spot
// a known word of another language (its digits) it is spelled in the English phones that sound
// closest, and the word-chain judge (speech/word-chain.ts) decides between it and its decoys
// (the other nine digits of the same language, spelled the same way).
//
// Choices, by articulation (place and manner for consonants, height/backness/rounding for vowels):
//   taps and trills (ɾ r ʁ ʀ ɹ)  → R   an English listener's nearest r; English flaps (ɾ → T) do
//                                      not apply: Spanish "tres" is T R EH S, not T T EH S
//   β ɣ ʝ (soft stops)          → B G Y
//   ɲ ʎ (palatal nasal/lateral) → N Y, L Y
//   y ʏ (front rounded)         → UW  (IY for Brazilian Portuguese, whose espeak "y" is an [i])
//   ø œ (mid front rounded)     → ER  the English vowel nearest in F1/F2 (French "deux" D ER)
//   ɨ (Portuguese reduced e)    → IH
//   ɔø (German "neun")          → OY
//   nasal vowels (ɛ̃ ũ …)        → the oral vowel: the nasal mark is dropped (ŋ after them stays)
//   a (open central, all four)  → AA  English AE is a fronter, raised vowel ("cat"); the English
//                                      table's a → AE is for en-us diphthong parts
//   oɪ (Portuguese "dois")      → OY
//   ʃ in Portuguese "três"      → SH as in English
import type { Language } from './port.ts';

const FOREIGN_IPA: [string, string[]][] = [
  // Precomposed nasal vowels (NFC joins vowel + tilde into one character): the oral vowel.
  ['ũ', ['UW']], ['õ', ['OW']], ['ã', ['AA']], ['ẽ', ['EH']], ['ĩ', ['IY']],
  ['ɔø', ['OY']], ['oɪ', ['OY']], ['a', ['AA']], ['ts', ['T', 'S']], ['ɲ', ['N', 'Y']], ['ʎ', ['L', 'Y']],
  ['β', ['B']], ['ɣ', ['G']], ['ʝ', ['Y']], ['ɥ', ['W']],
  ['ɾ', ['D']], ['r', ['R']], ['ʁ', ['HH']], ['ʀ', ['R']], ['ɹ', ['R']],
  ['y', ['UW']], ['ʏ', ['UW']], ['ø', ['ER']], ['œ', ['ER']], ['ɨ', ['IH']], ['ɵ', ['ER']],
];

/** Overrides of one language's espeak-ng voice, tried before FOREIGN_IPA. */
const PER_VOICE: Record<string, [string, string[]][]> = {
  // espeak-ng pt-br writes the final unstressed vowel of "nove", "sete" as "y"; it is said [i].
  'pt-br': [['y', ['IY']], ['r', ['D']]],
  pt: [['ɹ', ['D']]],
};

/**
 * espeak-ng voices whose pronunciations are all tried for a language (each word gets one
 * pronunciation per voice): Castilian and Latin American Spanish differ in "cero"/"cinco"
 * (θ/s); European and Brazilian Portuguese differ in most vowels and in "sete" (t/tʃ).
 */
export const SPOTTING_VOICES: Record<Exclude<Language, 'en'>, string[]> = {
  es: ['es', 'es-419'],
  fr: ['fr'],
  de: ['de'],
  pt: ['pt-br', 'pt'],
};

/** The symbol table for one espeak-ng voice: its overrides, then the foreign sounds (English ones follow in g2p.ts). */
export function foreignTable(voice: string): [string, string[]][] {
  return [...(PER_VOICE[voice] ?? []), ...FOREIGN_IPA];
}

/**
 * Spotted words arrive accent-folded (speech/normalize.ts foldText); espeak-ng needs the accents
 * back to pronounce these digits right (German "funf" is read fʊnf, "fünf" fynf; Portuguese
 * "tres" tɹɨʃ, "três" tɹeʃ).
 */
const RESPELL: Partial<Record<Language, Record<string, string>>> = {
  fr: { zero: 'zéro' },
  de: { funf: 'fünf' },
  pt: { tres: 'três' },
};

export function respell(word: string, language: Language): string {
  return RESPELL[language]?.[word] ?? word;
}
