// The spoken-phrase ("willingness") step: which phrase to ask for, and whether one recorded
// attempt said it. Verification order: silence (energy) → engine for the language → keyword
// spotting of the whole phrase when the engine can → normalised transcript match.
import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Language, SpotResult, Transcriber, Transcript } from '../engines/speech/port.ts';
import { readWav } from '../engines/speech/audio.ts';
import { MONTHS } from './numbers.ts';
import { canonicalTokens, spokenVariants } from './normalize.ts';
import { matchTranscript, type PhraseKind, type TranscriptMatch } from './match.ts';
import { hasSpeech, measureSpeechActivity, type SpeechActivity } from './silence.ts';
import type { AttemptStatus } from './attempts.ts';

export type { PhraseKind } from './match.ts';
export { recordAttempt, attemptState, DEFAULT_MAX_ATTEMPTS, type Attempt, type AttemptOutcome, type AttemptStatus } from './attempts.ts';

export interface ExpectedPhrase { kind: PhraseKind; language: Language; text: string }

/** A person's name as it may appear in a phrase: letters, spaces, hyphens, apostrophes, dots. */
export const personNameSchema = z.string().trim().min(1).max(80).regex(/^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u);

const CONSENT: Record<Language, string> = {
  en: 'I confirm that I want to open an account.',
  es: 'Confirmo que quiero abrir una cuenta.',
  fr: 'Je confirme que je veux ouvrir un compte.',
  de: 'Ich bestätige, dass ich ein Konto eröffnen möchte.',
  pt: 'Confirmo que quero abrir uma conta.',
};

const NAME_DATE: Record<Language, (name: string, date: string) => string> = {
  en: (n, d) => `My name is ${n}. Today is ${d}.`,
  es: (n, d) => `Me llamo ${n}. Hoy es ${d}.`,
  fr: (n, d) => `Je m'appelle ${n}. Nous sommes le ${d}.`,
  de: (n, d) => `Mein Name ist ${n}. Heute ist der ${d}.`,
  pt: (n, d) => `Meu nome é ${n}. Hoje é ${d}.`,
};

/** A calendar date written as people of the language write it ("March 18, 2026", "18. März 2026"). */
export function formatDate(date: Date, lang: Language, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(date);
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value);
  const [y, m, d] = [get('year'), get('month'), get('day')];
  const month = MONTHS[lang][m - 1] ?? '';
  const cap = month.charAt(0).toUpperCase() + month.slice(1);
  switch (lang) {
    case 'en': return `${cap} ${d}, ${y}`;
    case 'de': return `${d}. ${cap} ${y}`;
    case 'fr': return `${d === 1 ? '1er' : d} ${month} ${y}`;
    case 'es': case 'pt': return `${d} de ${month} de ${y}`;
  }
}

export interface PhraseOptions {
  name?: string;
  date?: Date;
  timeZone?: string;
  /** Number of random digits (default 6: one in a million to guess, ~3 s to say). */
  digits?: number;
  /** Injected for tests; defaults to crypto.randomInt. */
  random?: (maxExclusive: number) => number;
}

export function generatePhrase(kind: PhraseKind, language: Language, o: PhraseOptions = {}): ExpectedPhrase {
  switch (kind) {
    case 'consent': return { kind, language, text: CONSENT[language] };
    case 'name_date': {
      const name = personNameSchema.parse(o.name);
      return { kind, language, text: NAME_DATE[language](name, formatDate(o.date ?? new Date(), language, o.timeZone)) };
    }
    case 'digits': {
      const n = o.digits ?? 6;
      if (!Number.isInteger(n) || n < 3 || n > 12) throw new RangeError('digits must be 3–12');
      const rnd = o.random ?? ((max: number) => randomInt(max));
      return { kind, language, text: Array.from({ length: n }, () => String(rnd(10))).join(' ') };
    }
  }
}

export type VerifyReason = 'no_speech' | 'transcriber_unavailable' | 'phrase_spotted' | 'transcript_match' | 'phrase_mismatch';

export interface VerifyEvidence {
  engine: string | null;
  method: 'keyword_spotting' | 'transcript_match' | null;
  speech: SpeechActivity;
  transcript: Transcript | null;
  spot: SpotResult | null;
  match: TranscriptMatch | null;
  /** The spoken forms that were spotted for (numbers and dates in words). */
  spokenForms: string[];
  timingsMs: { transcribe: number | null; spot: number | null };
}

export interface VerifyResult {
  status: AttemptStatus;
  reason: VerifyReason;
  /** What the recogniser heard; null when no engine ran. */
  userInput: string | null;
  /** 0–1: the spotting posterior, or the transcript's mean word confidence; null when not judged. */
  confidence: number | null;
  evidence: VerifyEvidence;
}

/**
 * Near-miss phrases spotted together with the expected one: the same phrase with one number
 * changed (day ±1, year ±1, each digit replaced by every other digit). Keyword spotting alone
 * accepted "march eighteenth" for an expected "march nineteenth" and "…one three" for "…one eight"
 * (bench/speech.ts, flite + noise); with the decoys in the same search the closer phrase wins.
 */
export function decoyTexts(expected: ExpectedPhrase): string[] {
  const toks = canonicalTokens(expected.text, expected.language);
  const out: string[] = [];
  toks.forEach((t, i) => {
    if (!/^\d+$/.test(t)) return;
    const v = Number(t);
    const alts = expected.kind === 'digits' ? [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].filter((d) => d !== v)
      : v >= 1100 && v < 2100 ? [v - 1, v + 1]
      : [v - 1, v + 1, v - 10, v + 10].filter((x) => x >= 1 && x <= 31);
    for (const a of alts) out.push([...toks.slice(0, i), String(a), ...toks.slice(i + 1)].join(' '));
  });
  return out;
}

/** `transcriber` is the engine chosen for the session's language (select.ts), or null. */
export async function verifyAttempt(
  wavPath: string,
  expected: ExpectedPhrase,
  language: Language,
  transcriber: Transcriber | null,
  signal?: AbortSignal,
): Promise<VerifyResult> {
  const pcm = await readWav(wavPath);
  const speech = measureSpeechActivity(pcm.samples, pcm.sampleRate * pcm.channels);
  const evidence: VerifyEvidence = { engine: transcriber?.name ?? null, method: null, speech, transcript: null, spot: null,
    match: null, spokenForms: [], timingsMs: { transcribe: null, spot: null } };
  if (!hasSpeech(speech)) return { status: 'NO_SPEECH', reason: 'no_speech', userInput: null, confidence: null, evidence };
  if (!transcriber || !transcriber.languages().includes(language)) {
    return { status: 'UNAVAILABLE', reason: 'transcriber_unavailable', userInput: null, confidence: null, evidence };
  }
  let t0 = performance.now();
  // Spot first: when the whole phrase is heard, the spotted phrase is what the recogniser heard
  // and the slower free transcription is skipped (pocketsphinx: ~0.3 s instead of ~1.5 s).
  if (transcriber.spot) {
    evidence.spokenForms = spokenVariants(expected.text, language);
    const decoys = decoyTexts(expected).flatMap((d) => spokenVariants(d, language).slice(0, 2))
      .filter((d) => !evidence.spokenForms.includes(d));
    const spot = await transcriber.spot(wavPath, [...evidence.spokenForms, ...decoys], language, signal);
    evidence.timingsMs.spot = Math.round(performance.now() - t0);
    evidence.spot = spot;
    // Only a detection of the expected phrase counts; a decoy winning falls through to the transcript.
    if (spot.detected && spot.phrase !== undefined && evidence.spokenForms.includes(spot.phrase)) {
      evidence.method = 'keyword_spotting';
      return { status: 'SUCCESS', reason: 'phrase_spotted', userInput: spot.phrase ?? null, confidence: spot.confidence, evidence };
    }
  }
  t0 = performance.now();
  const transcript = await transcriber.transcribe(wavPath, language, signal);
  evidence.timingsMs.transcribe = Math.round(performance.now() - t0);
  evidence.transcript = transcript;
  evidence.method = 'transcript_match';
  const match = matchTranscript(expected.kind, expected.text, transcript.text, language);
  evidence.match = match;
  if (match.match) return { status: 'SUCCESS', reason: 'transcript_match', userInput: transcript.text, confidence: transcript.confidence, evidence };
  // Energy said "speech" but the engine heard no word at all: ask again as for silence.
  if (!transcript.words.length && !transcript.text.trim()) {
    return { status: 'NO_SPEECH', reason: 'no_speech', userInput: '', confidence: null, evidence };
  }
  return { status: 'WRONG_ANSWER', reason: 'phrase_mismatch', userInput: transcript.text, confidence: transcript.confidence, evidence };
}
