// Self-record mode where the capture page waits for the user (issue 13): the page reports when it
// showed each challenge and when its own face model saw it. Those times are never results: they
// only narrow where the server looks, and every challenge is still decided from the recorded
// frames by the same measurements and thresholds as the other modes (verify-challenges.ts).
//
// - A challenge with an event that has `seen_at`: searched in [first shown_at − 0.5 s, last seen_at
//   + 1.5 s] (0.5 s of clock slack between the page and the recorder; 1.5 s because the page's model
//   may fire on the onset, before the move peaks). If the move is not there the page claimed
//   something the video does not show: it fails as `not_seen_where_claimed`.
// - A challenge the page showed but timed out on (`seen_at` null) is searched from its first
//   shown_at − 0.5 s to the next challenge's shown_at (or the end): the server may see what the
//   page's lighter model missed.
// - A challenge without any event (old pages, API clients, no report at all) is searched in order:
//   from the previous challenge's response (or `searchFrom`, the end of the phrase) onwards, the
//   first frame that passes starts it; the next challenge must come after it. Doing the challenges
//   in the wrong order therefore fails.

import { DEFAULT_CHALLENGE_THRESHOLDS, type ChallengeType } from '../domain/liveness-challenges.ts';
import {
  baselineFor, baselineOf, evaluateOne, facesOf, verdict,
  type ChallengeResult, type ChallengeVerdict, type ScheduledChallenge, type TimedFace, type VerifyChallengeOptions,
} from './verify-challenges.ts';

interface ReportedEvent { index: number; shown_at: number; seen_at: number | null }

export interface ReportedSearch {
  /** The page's events (any subset of the challenges); [] = search every challenge in order. */
  events: readonly ReportedEvent[];
  /** Sequential search starts here (end of the phrase window): speaking moves the mouth and head. */
  searchFrom: number;
}

/** Page clock vs recording clock slack before `shown_at`, and how long after `seen_at` a move may peak. */
export const CLAIM_BEFORE_SECONDS = 0.5;
export const CLAIM_AFTER_SECONDS = 1.5;
/**
 * Around each moment the page saw a move, the server analyses every decoded frame (faces stage):
 * from 0.5 s before (the page/recorder clock slack, as CLAIM_BEFORE_SECONDS) to 1 s after (the
 * page's model fires on the onset; a head turn or smile peaks within ~1 s). Brief moves (a 0.3 s
 * head turn, a quick smile) fall between frames sampled 0.4 s apart, which is how a page could
 * tick a move off that the server then did not find (issue 13, browser subset).
 */
export const DENSE_BEFORE_SECONDS = 0.5;
export const DENSE_AFTER_SECONDS = 1;

/** Stretches to analyse densely: around every reported `seen_at`. */
export function claimedMoments(search: ReportedSearch): Array<{ from: number; to: number }> {
  return search.events.flatMap((e) => (e.seen_at === null ? [] : [{ from: Math.max(0, e.seen_at - DENSE_BEFORE_SECONDS), to: e.seen_at + DENSE_AFTER_SECONDS }]));
}

/** The page saw a move first at seen_at; frames this long before it still show the user at rest. */
const PRE_MOVE_GAP_SECONDS = 0.25;

/** Once a sequential search finds a move's first passing frame, its peak is looked for this long after. */
const PEAK_SECONDS = 1.5;

export interface ReportedWindow { index: number; type: ChallengeType; from: number; to: number; claimed: boolean; /** first reported seen_at */ seen?: number }

/** Where each challenge is looked for (null `from`/`to` parts are filled in by the sequential search). */
export function reportedWindows(schedule: readonly ScheduledChallenge[], search: ReportedSearch, end: number): Array<ReportedWindow | null> {
  const byIndex = (i: number) => search.events.filter((e) => e.index === i);
  const firstShown = (i: number) => byIndex(i)[0]?.shown_at;
  return schedule.map((s, i) => {
    const evs = byIndex(i);
    if (!evs.length) return null;
    const from = Math.max(0, Math.min(...evs.map((e) => e.shown_at)) - CLAIM_BEFORE_SECONDS);
    const seen = evs.flatMap((e) => (e.seen_at === null ? [] : [e.seen_at]));
    if (seen.length) return { index: i, type: s.type, from, to: Math.max(...seen) + CLAIM_AFTER_SECONDS, claimed: true, seen: Math.min(...seen) };
    let next: number | undefined;
    for (let k = i + 1; k < schedule.length && next === undefined; k++) next = firstShown(k);
    return { index: i, type: s.type, from, to: next ?? end, claimed: false };
  });
}

export function verifyReportedChallenges(
  schedule: readonly ScheduledChallenge[],
  frames: readonly TimedFace[],
  search: ReportedSearch,
  options: VerifyChallengeOptions = {},
): ChallengeVerdict {
  const th = options.thresholds ?? DEFAULT_CHALLENGE_THRESHOLDS;
  const sorted = [...frames].sort((a, b) => a.t - b.t);
  const end = sorted.length ? sorted[sorted.length - 1]!.t : 0;
  const windows = reportedWindows(schedule, search, end);
  // A whole-video median is the neutral for a sequential search: one move is a small part of it.
  const overall = baselineOf(facesOf(sorted));
  let cursor = search.searchFrom;
  const results: ChallengeResult[] = schedule.map((s, i) => {
    const w = windows[i];
    if (w) {
      const win = sorted.filter((f) => f.t >= w.from && f.t <= w.to);
      const preMove = w.seen === undefined ? [] : win.filter((f) => f.t <= w.seen! - PRE_MOVE_GAP_SECONDS);
      const base = baselineFor(s.type, sorted, win, w.from, preMove);
      const r = evaluateOne(i, s.type, win.map((f) => ({ ...f, challengeIndex: i })), base, th);
      if (r.atT !== null) cursor = Math.max(cursor, r.atT);
      return w.claimed && !r.passed && r.failure === 'not_performed' ? { ...r, failure: 'not_seen_where_claimed' as const } : r;
    }
    // Up to the next challenge the page reported (if any), else the end of the video.
    const limit = windows.slice(i + 1).find((x) => x)?.from ?? end;
    const { result, until } = searchInOrder(i, s.type, sorted, cursor, limit, overall, th);
    if (result.passed) cursor = until;
    return result;
  });
  return verdict(results, overall);
}

/** The first move of this type after `from`; `until` = when it ended (the next challenge starts after). */
function searchInOrder(
  index: number, type: ChallengeType, sorted: readonly TimedFace[], from: number, to: number,
  overall: ReturnType<typeof baselineOf>, th: NonNullable<VerifyChallengeOptions['thresholds']>,
): { result: ChallengeResult; until: number } {
  const win = sorted.filter((f) => f.t > from && f.t <= to).map((f) => ({ ...f, challengeIndex: index }));
  const base = type === 'move_closer' ? baselineFor(type, sorted, win, win[0]?.t ?? from) : overall;
  const passes = (f: (typeof win)[number]) => evaluateOne(index, type, [f], base, th).passed;
  const start = win.findIndex(passes);
  if (start < 0) return { result: evaluateOne(index, type, win, base, th), until: from };
  // The move lasts while frames keep passing: one head turn cannot answer two challenges.
  let stop = start;
  while (stop + 1 < win.length && passes(win[stop + 1]!)) stop++;
  const onset = win[start]!.t;
  const move = win.slice(start, stop + 1).filter((f) => f.t <= onset + PEAK_SECONDS);
  return { result: evaluateOne(index, type, move, base, th), until: win[stop]!.t };
}
