import { z } from 'zod';
import { phraseAttemptSchema } from '../../sessions/rows.ts';
import { findingsSchema, measured } from './finding.ts';

const word = z.object({ word: z.string(), start: z.number(), end: z.number(), confidence: measured });

/** The phrase check on the video's phrase window (speech/phrase.ts VerifyResult, condensed). */
const videoPhrase = z.object({
  status: phraseAttemptSchema.shape.status,
  reason: z.string(),
  userInput: z.string().nullable(),
  confidence: measured,
  method: z.string().nullable(),
  timings_ms: z.object({ transcribe: measured, spot: measured }),
  /** The word chain's steps: evidence for reviewers. */
  chain: z.object({ score_per_phone: measured, failure: z.unknown(), words: z.unknown() }).nullable(),
});

/** `speech`: transcript of the video's speech and the spoken-phrase check, with the attempt records. */
export const speechResult = z.object({
  transcript: z.string().nullable(),
  reason: z.enum(['no_audio', 'transcriber_unavailable']).nullable(),
  phrase_check: z.enum(['transcript', 'digits_spotting', 'review']).nullable().optional(),
  transcript_window_seconds: z.tuple([z.number(), z.number()]).optional(),
  untranscribed_speech_seconds: z.number().optional(),
  phrase_window_seconds: z.tuple([z.number(), z.number()]).optional(),
  words: z.array(word).optional(),
  confidence: measured.optional(),
  engine: z.string().nullable().optional(),
  language: z.string().optional(),
  expected_phrase: z.object({ kind: z.string(), text: z.string(), check: z.string().optional() }).nullable().optional(),
  video_phrase: videoPhrase.nullable().optional(),
  attempts: z.array(phraseAttemptSchema),
  attempts_state: z.string().nullable().optional(),
  timings_ms: z.object({ phrase: z.number(), total: z.number() }).optional(),
  findings: findingsSchema,
});
