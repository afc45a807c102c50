// Digits said in a language no installed engine can transcribe (es/fr/de/pt without whisper.cpp):
// the digits' words, pronounced by espeak-ng and spelled in the English model's phones
// (engines/speech/foreign-phones.ts), are spotted and chained exactly as English digits are,
// each digit against the nine others of the same language. There is no transcript to fall back
// on: the chain alone decides, so a failed chain is a wrong answer, never a guess.
import type { Language, Transcriber } from '../engines/speech/port.ts';
import { readWav } from '../engines/speech/audio.ts';
import type { ChainParams } from './word-chain.ts';
import { hasSpeech, measureSpeechActivity } from './silence.ts';
import { DEFAULT_CHAIN, spotChain, type ExpectedPhrase, type VerifyEvidence, type VerifyResult } from './phrase.ts';

/**
 * Chain thresholds for digits of another language heard through the English model, chosen by
 * `npm run bench:speech -- --languages` on its calibration split (espeak-ng es/fr-fr/de/pt-br +
 * noise, codes of SPOTTABLE_DIGITS): 9/32 right codes accepted, against 4/32 with the English
 * thresholds, and none of its 228 wrong ones. The sweep's best (acceptPerPhone 0: 10/32) is one
 * code more at the edge of the grid; 1 keeps a margin for that one code. A digit may score down
 * to -2 per phone (a right digit said by those voices scored -8 to +10 per word): it must still
 * beat every other digit heard in its place, which is what rejects wrong codes. Held-out split:
 * docs/speech.md.
 */
export const FOREIGN_DIGITS_CHAIN: ChainParams = { ...DEFAULT_CHAIN, acceptPerPhone: 1, numberMinPerPhone: -2 };

/**
 * The digits asked for in each language: those the English model tells apart from the other nine
 * when said alone by the calibration split's espeak-ng voice (es, fr-fr, de, pt-br, pink noise):
 * the right word scored best of the ten and above the foreign floor. Left out: es cero, tres,
 * siete, nueve; fr zéro, quatre, cinq; de sechs; pt zero, três, quatro. Every other digit is
 * still a decoy, so a wrong digit said in place of one of these is still caught. Six digits of
 * six to nine keep a guess at one in 46,656 (es) to 531,441 (de).
 */
export const SPOTTABLE_DIGITS: Record<Exclude<Language, 'en'>, number[]> = {
  es: [1, 2, 4, 5, 6, 8],
  fr: [1, 2, 3, 6, 7, 8, 9],
  de: [0, 1, 2, 3, 4, 5, 7, 8, 9],
  pt: [1, 2, 5, 6, 7, 8, 9],
};

/** Verifies a digits phrase by spotting alone; `spotter` must spot `language` (SpeechEngines.spotterFor). */
export async function verifyDigitsBySpotting(wavPath: string, expected: ExpectedPhrase, language: Language, spotter: Transcriber,
  signal?: AbortSignal, params: ChainParams = FOREIGN_DIGITS_CHAIN): Promise<VerifyResult> {
  if (expected.kind !== 'digits') throw new Error(`only digit phrases can be verified by spotting alone, not ${expected.kind}`);
  const pcm = await readWav(wavPath);
  const speech = measureSpeechActivity(pcm.samples, pcm.sampleRate * pcm.channels);
  const evidence: VerifyEvidence = { engine: spotter.name, method: null, speech, transcript: null, chain: null,
    match: null, spokenForms: [], timingsMs: { transcribe: null, spot: null } };
  if (!hasSpeech(speech)) return { status: 'NO_SPEECH', reason: 'no_speech', userInput: null, confidence: null, evidence };
  const t0 = performance.now();
  const chain = await spotChain(wavPath, pcm, expected, language, spotter, evidence, params, signal);
  evidence.timingsMs.spot = Math.round(performance.now() - t0);
  evidence.method = 'keyword_spotting';
  const heard = chain.steps.map((st) => st.heard).filter((h): h is string => h !== null).join(' ');
  const confidence = Math.round(1000 / (1 + Math.exp(-(chain.scorePerPhone - params.acceptPerPhone)))) / 1000;
  return chain.accepted
    ? { status: 'SUCCESS', reason: 'phrase_spotted', userInput: heard, confidence, evidence }
    : { status: 'WRONG_ANSWER', reason: 'phrase_mismatch', userInput: heard, confidence, evidence };
}
