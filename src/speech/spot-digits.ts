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
 * Chain thresholds for digits of another language heard through the English model, picked by
 * `npm run bench:speech -- --languages` on its calibration split (espeak-ng es/fr-fr/de/pt-br +
 * noise): the most right strings accepted (5/32, against 2/32 with the English thresholds) with
 * none of its 228 wrong ones accepted. A digit may score down to -2 per phone (a right digit
 * said by those voices scored -8 to +10 per word): it must still beat every other digit heard in
 * its place, which is what rejects wrong strings. Numbers on the held-out split: docs/speech.md.
 */
export const FOREIGN_DIGITS_CHAIN: ChainParams = { ...DEFAULT_CHAIN, acceptPerPhone: 1, numberMinPerPhone: -2 };

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
