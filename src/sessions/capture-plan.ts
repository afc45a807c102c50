import { randomInt } from 'node:crypto';
import { CHALLENGE_TYPES, pickChallenges } from '../domain/liveness-challenges.ts';
import type { Profile } from '../domain/session.ts';
import type { Language } from '../engines/speech/port.ts';
import type { NonEnglishPhrasePolicy } from '../projects/settings.ts';
import { generatePhrase, type PhraseKind } from '../speech/phrase.ts';
import { SPOTTABLE_DIGITS } from '../speech/spot-digits.ts';
import type { CapturePlan } from './rows.ts';

/**
 * Timing of the prompts in a self-recorded video. The phrase is shown from the start; people need
 * ~6 s to read and say "My name is … Today is …". Each challenge then gets its own 4 s window:
 * ~1 s to read the prompt, ~1 s to move, margin for slow users (the verifier allows 0.5 s grace).
 */
export const PHRASE_SECONDS = 7;
export const CHALLENGE_SPACING_SECONDS = 4;
/**
 * How long the capture page waits for one challenge before it shows a retry prompt (issue 13: the
 * page waits for the user). 8 s = two of the old fixed 4 s windows: enough to read the prompt and
 * move slowly, short enough that a user who did not understand gets help quickly.
 */
export const CHALLENGE_TIMEOUT_SECONDS = 8;

export interface PlanInput {
  profile: Profile;
  expected?: { first_name?: string; last_name?: string } | undefined;
  now: Date;
  timeZone?: string;
  random?: (maxExclusive: number) => number;
  /** Whether an installed engine transcribes the language (SpeechEngines.forLanguage); default: English only. */
  transcribes?: (language: Language) => boolean;
  /** The project's `non_english_phrase` setting, applied to languages no engine transcribes. */
  nonEnglishPhrase?: NonEnglishPhrasePolicy;
}

/** The phrase kind to ask for, and how the pipeline will check it (projects/settings.ts explains the policies). */
function phraseChoice(i: PlanInput, name: string): { kind: PhraseKind | 'none'; check: 'transcript' | 'digits_spotting' | 'review' } {
  const requested = i.profile.phrase ?? (name ? 'name_date' : 'digits');
  const transcribed = (i.transcribes ?? ((l: Language) => l === 'en'))(i.profile.video_language);
  if (requested === 'none' || transcribed) return { kind: requested, check: 'transcript' };
  switch (i.nonEnglishPhrase ?? 'review') {
    case 'digits_spotting': return { kind: 'digits', check: 'digits_spotting' };
    case 'none': return { kind: 'none', check: 'transcript' };
    case 'review': return { kind: requested, check: 'review' };
  }
}

/** What the capture page shows (and the pipeline later verifies): the phrase and the challenge schedule. */
export function makeCapturePlan(i: PlanInput): CapturePlan | null {
  const p = i.profile;
  if (!p.steps.includes('video') || p.video_mode !== 'self_record') return null;
  const rnd = i.random ?? ((n: number) => randomInt(n));
  const name = [i.expected?.first_name, i.expected?.last_name].filter(Boolean).join(' ').trim();
  const { kind, check } = phraseChoice(i, name);
  const lang = p.video_language;
  const alphabet = check === 'digits_spotting' && lang !== 'en' ? SPOTTABLE_DIGITS[lang] : undefined;
  const phrase = kind === 'none' ? null : generatePhrase(kind, lang, { name, date: i.now, timeZone: i.timeZone, random: rnd, ...(alphabet ? { alphabet } : {}) });
  const allowed = p.challenges ?? [...CHALLENGE_TYPES];
  const start = phrase ? PHRASE_SECONDS : 1;
  // As many challenges (2–4) as fit before the recording stops.
  const fit = Math.floor((p.video_max_duration - start) / CHALLENGE_SPACING_SECONDS);
  const types = p.challenge_order === 'fixed'
    ? allowed
    : allowed.length && fit >= 2 ? pickChallenges(rnd, { allowed, max: Math.min(4, fit), accessible: p.accessible }) : [];
  return {
    phrase: phrase ? { kind: phrase.kind, text: phrase.text, check } : null,
    challenges: types.map((type, k) => ({ type, at_seconds: start + k * CHALLENGE_SPACING_SECONDS })),
  };
}
