import { z } from 'zod';
import { CHALLENGE_TYPES } from '../domain/liveness-challenges.ts';
import { PHRASE_SECONDS } from '../sessions/capture-plan.ts';
import type { CapturePlan } from '../sessions/rows.ts';
import { claimedMoments, reportedWindows, type ReportedSearch } from '../liveness/verify-reported.ts';
import type { ScheduledChallenge } from '../liveness/verify-challenges.ts';

// Where the pipeline looks for the phrase and for each challenge, from the session's plan and the
// page's report (issue 13). Shared by the frame sampler (faces stage), the liveness stage and the
// speech stage so they all look at the same stretches of the video.

/**
 * The stored plan keeps challenge types as strings; the liveness checks need known ones. A type this
 * version does not know cannot be verified, and dropping it would pass the video on fewer
 * challenges than were asked: the stage fails instead (retried, then processing_failed).
 */
const scheduleSchema = z.array(z.object({ type: z.enum(CHALLENGE_TYPES), at_seconds: z.number() }));

export function scheduleOf(plan: CapturePlan | null): ScheduledChallenge[] {
  return scheduleSchema.parse(plan?.challenges ?? []) satisfies ScheduledChallenge[];
}

/**
 * The phrase window: what the page reported; an old page (no report) showed the phrase from the
 * start until its first fixed challenge prompt; null when no phrase was asked.
 */
export function phraseWindowOf(plan: CapturePlan | null): { from: number; to: number } | null {
  if (!plan?.phrase) return null;
  return plan.page_report?.phrase_window ?? { from: 0, to: plan.challenges[0]?.at_seconds ?? PHRASE_SECONDS };
}

/** The liveness search: the page's events, and the sequential search starting after the phrase. */
export function challengeSearchOf(plan: CapturePlan | null): ReportedSearch {
  return { events: plan?.page_report?.challenge_events ?? [], searchFrom: phraseWindowOf(plan)?.to ?? 0 };
}

/** Every stretch of video some challenge may be found in (for frame sampling), `end` = video length. */
export function challengeWindows(plan: CapturePlan | null, end: number): Array<{ from: number; to: number; type: string }> {
  const schedule = scheduleOf(plan);
  const search = challengeSearchOf(plan);
  const reported = reportedWindows(schedule, search, end);
  return schedule.map((c, i) => {
    const w = reported[i];
    if (w) return { from: w.from, to: w.to, type: c.type };
    const next = reported.slice(i + 1).find((x) => x);
    return { from: search.searchFrom, to: next?.from ?? end, type: c.type };
  });
}

/** Stretches around each moment the page reported seeing a move: analysed at every decoded frame. */
export function claimedStretches(plan: CapturePlan | null): Array<{ from: number; to: number }> {
  return claimedMoments(challengeSearchOf(plan));
}
