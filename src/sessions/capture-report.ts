import { z } from 'zod';
import { AppError } from '../domain/errors.ts';

// What the capture page reports with `POST /v1/capture/complete` (issue 13 shared contract): when
// the phrase was on screen and being said, and when each challenge was shown and seen by the page's
// own face model. Times are seconds from the MediaRecorder start (t 0 of the recorded video).
// The server never trusts these as results: they only narrow where the liveness stage looks for
// each challenge in the recorded frames, and a claimed `seen_at` the video does not show fails.

/** The longest recording any profile allows is far below this; a bound keeps junk numbers out. */
const MAX_SECONDS = 600;
/** Retries re-show a challenge, so a page may send more events than challenges; 4 challenges × 4
 * tries is already far beyond what a user would sit through. */
const MAX_EVENTS = 16;
/** The body is a few hundred bytes; 8 KiB leaves room for 16 events with margin. */
export const CAPTURE_REPORT_MAX_BYTES = 8 * 1024;

const seconds = z.number().finite().min(0).max(MAX_SECONDS);

export const phraseWindowSchema = z.strictObject({ from: seconds, to: seconds })
  .refine((w) => w.to > w.from, { message: 'phrase_window.to must be after phrase_window.from' });

export const challengeEventSchema = z.strictObject({
  type: z.string().min(1).max(32),
  index: z.number().int().min(0).max(MAX_EVENTS - 1),
  shown_at: seconds,
  seen_at: seconds.nullable(),
}).refine((e) => e.seen_at === null || e.seen_at >= e.shown_at, { message: 'seen_at cannot be before shown_at' });

/** The optional body of `POST /v1/capture/complete`; `{}` or no body at all is an old page / API client. */
export const completeCaptureBody = z.strictObject({
  phrase_window: phraseWindowSchema.nullable().optional(),
  challenge_events: z.array(challengeEventSchema).max(MAX_EVENTS).optional(),
});
export type CompleteCaptureBody = z.infer<typeof completeCaptureBody>;

/** Stored in the session's capture plan as `page_report` and read by the liveness and speech stages. */
export const captureReportSchema = z.object({
  phrase_window: z.object({ from: z.number(), to: z.number() }).nullable().default(null),
  challenge_events: z.array(z.object({ type: z.string(), index: z.number().int(), shown_at: z.number(), seen_at: z.number().nullable() })).default([]),
});
export type CaptureReport = z.infer<typeof captureReportSchema>;
export type ChallengeEvent = CaptureReport['challenge_events'][number];

/**
 * Checks the body against the session's plan (event i must name the type of challenge i, events of
 * one challenge come before events of the next) and normalises it; null when the page sent nothing.
 */
export function captureReportFor(
  body: CompleteCaptureBody,
  plan: { challenges: ReadonlyArray<{ type: string }> } | null,
): CaptureReport | null {
  const events = body.challenge_events ?? [];
  if (body.phrase_window == null && events.length === 0) return null;
  const challenges = plan?.challenges ?? [];
  // Same details shape as a zod failure, so clients read one format for every validation error.
  const refuse = (path: string, message: string) => new AppError('validation_failed', message, { issues: [{ path, code: 'custom', message }] });
  for (const [k, e] of events.entries()) {
    const planned = challenges[e.index];
    if (!planned) throw refuse(`challenge_events.${k}.index`, `challenge_events[${k}].index ${e.index} is not a challenge of this session`);
    if (planned.type !== e.type) throw refuse(`challenge_events.${k}.type`, `challenge_events[${k}] says ${e.type} but challenge ${e.index} is ${planned.type}`);
    const prev = events[k - 1];
    if (prev && (e.index < prev.index || e.shown_at < prev.shown_at)) {
      throw refuse(`challenge_events.${k}`, 'challenge_events must be in the order they happened (index and shown_at non-decreasing)');
    }
  }
  return { phrase_window: body.phrase_window ?? null, challenge_events: events };
}
