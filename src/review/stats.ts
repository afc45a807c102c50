import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { MATCH_THRESHOLD } from '../domain/face-match.ts';
import type { Deps } from '../deps.ts';
import { getProjectSettings } from '../projects/settings.ts';
import { reasonInWords } from './reason-words.ts';

// GET /dashboard/api/stats: the overview charts (issue 15 item 5) for a date range of the current
// project. Day buckets are UTC dates of created_at; counts are SQL group-bys; medians and the
// reason counts are computed over the range's rows in memory (bounded by STATS_ROWS_MAX).

export const statsQuery = z.strictObject({
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

/** 30 days: the overview's default window; a year at most, so one request stays cheap. */
const DEFAULT_DAYS = 30;
const MAX_DAYS = 366;
/** Rows read for medians and reasons; a busier range reports `truncated: true`. */
const STATS_ROWS_MAX = 50_000;
/** Face scores are 0–100 (domain/face-match.ts): ten buckets of 10. */
const SCORE_BUCKET = 10;

const DAY_MS = 86_400_000;
const dayOf = (d: Date) => d.toISOString().slice(0, 10);

function rangeOf(q: z.infer<typeof statsQuery>, now: Date) {
  const to = q.to ?? dayOf(now);
  const from = q.from ?? dayOf(new Date(new Date(`${to}T00:00:00Z`).getTime() - (DEFAULT_DAYS - 1) * DAY_MS));
  const days = Math.round((new Date(`${to}T00:00:00Z`).getTime() - new Date(`${from}T00:00:00Z`).getTime()) / DAY_MS) + 1;
  if (days < 1) throw new AppError('validation_failed', 'from must not be after to', { field: 'from' });
  if (days > MAX_DAYS) throw new AppError('validation_failed', `at most ${MAX_DAYS} days at once`, { field: 'from' });
  return { from, to, days, start: `${from}T00:00:00.000Z`, end: new Date(new Date(`${to}T00:00:00Z`).getTime() + DAY_MS).toISOString() };
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return Math.round(s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2);
}

const seconds = (a: string | null, b: string | null) => (a && b ? (new Date(b).getTime() - new Date(a).getTime()) / 1000 : null);

export async function projectStats(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: z.infer<typeof statsQuery>) {
  const r = rangeOf(q, deps.clock.now());
  const inRange = () => deps.db.selectFrom('sessions').where('project_id', '=', actor.projectId).where('erased_at', 'is', null)
    .where('created_at', '>=', r.start).where('created_at', '<', r.end);

  const perDay = await inRange().select((eb) => [sql<string>`substr(created_at, 1, 10)`.as('day'), 'result', 'status', eb.fn.countAll<number | string>().as('n')])
    .groupBy([sql`substr(created_at, 1, 10)`, 'result', 'status']).execute();
  const days = new Map<string, { day: string; total: number; approved: number; declined: number; needs_review: number; open: number }>();
  for (let i = 0; i < r.days; i++) {
    const day = dayOf(new Date(new Date(r.start).getTime() + i * DAY_MS));
    days.set(day, { day, total: 0, approved: 0, declined: 0, needs_review: 0, open: 0 });
  }
  const totals = { approved: 0, declined: 0, needs_review: 0 };
  for (const row of perDay) {
    const d = days.get(row.day);
    if (!d) continue;
    const n = Number(row.n);
    d.total += n;
    if (row.result === 'approved' || row.result === 'declined' || row.result === 'needs_review') {
      d[row.result] += n;
      totals[row.result] += n;
    } else if (row.status !== 'expired' && row.status !== 'canceled') d.open += n;
  }
  const decidedTotal = totals.approved + totals.declined + totals.needs_review;
  const rate = (n: number) => (decidedTotal ? Math.round((n / decidedTotal) * 1e4) / 1e4 : null);

  const rows = await inRange().where('decided_at', 'is not', null)
    .select(['created_at', 'recorded_at', 'completed_at', 'decided_at', 'reviewed_at', 'reason_codes', 'face_score'])
    .orderBy('created_at').limit(STATS_ROWS_MAX + 1).execute();
  const sample = rows.slice(0, STATS_ROWS_MAX);
  const auto: number[] = [];
  const human: number[] = [];
  const reasons = new Map<string, number>();
  const buckets = Array.from({ length: 100 / SCORE_BUCKET }, (_, i) => ({ from: i * SCORE_BUCKET, to: (i + 1) * SCORE_BUCKET, count: 0 }));
  for (const s of sample) {
    // Automatic: from the submitted capture (recorded_at, else creation) to the pipeline's decision.
    // Human: from the pipeline's decision (completed_at) to the reviewer's.
    if (s.reviewed_at) {
      const h = seconds(s.completed_at, s.reviewed_at);
      if (h !== null && h >= 0) human.push(h);
    } else {
      const a = seconds(s.recorded_at ?? s.created_at, s.decided_at);
      if (a !== null && a >= 0) auto.push(a);
    }
    for (const code of (s.reason_codes ?? '').split(',').filter(Boolean)) reasons.set(code, (reasons.get(code) ?? 0) + 1);
    if (s.face_score !== null && s.face_score !== undefined) buckets[Math.min(buckets.length - 1, Math.max(0, Math.floor(Number(s.face_score) / SCORE_BUCKET)))]!.count++;
  }

  // Reviewer throughput: human decisions in the range by the person who took them (the audit log's actor).
  const byActor = await deps.db.selectFrom('audit_log').where('project_id', '=', actor.projectId).where('action', 'in', ['decision.review', 'decision.agent'])
    .where('created_at', '>=', r.start).where('created_at', '<', r.end)
    .select((eb) => ['actor', eb.fn.countAll<number | string>().as('n')]).groupBy('actor').execute();
  const names = byActor.length ? await deps.db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', byActor.map((a) => a.actor)).execute() : [];
  const nameOf = new Map(names.map((u) => [u.id, u.display_name]));

  return {
    object: 'stats' as const, from: r.from, to: r.to, truncated: rows.length > STATS_ROWS_MAX,
    sessions_per_day: [...days.values()],
    rates: { approved: rate(totals.approved), declined: rate(totals.declined), needs_review: rate(totals.needs_review) },
    median_seconds_to_decision: { auto: median(auto), human: median(human) },
    reviewer_throughput: byActor.map((a) => ({ user_id: a.actor, name: nameOf.get(a.actor) ?? null, decisions: Number(a.n) })).sort((a, b) => b.decisions - a.decisions),
    scores: { face_match: { threshold: (await getProjectSettings(deps.db, actor.projectId)).face_match_threshold ?? MATCH_THRESHOLD, scale: [0, 100], buckets } },
    top_reasons: [...reasons.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)
      .map(([code, count]) => ({ code, label: reasonInWords({ code, message: code }).sentence, count })),
  };
}
