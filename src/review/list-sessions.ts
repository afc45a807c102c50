import { type ExpressionBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { toRecord, type SessionRecord } from '../sessions/rows.ts';
import type { Database } from '../storage/schema.ts';
import type { DashListQuery, Filters, QueueQuery, Sort } from './list-query.ts';

// The dashboard's session list and review queue: filters on plain columns (migration 012 copies
// mode, language, reason codes, decided_at and the face score out of JSON), keyset pagination on
// (sort value, id) so a page boundary never repeats or skips a row while sessions arrive, nulls last.

type Q = SelectQueryBuilder<Database, 'sessions', object>;
type Eb = ExpressionBuilder<Database, 'sessions'>;

/** The shortest id prefix a search matches on: shorter ones would match sessions by accident. */
const ID_PREFIX_MIN = 8;

export function applyFilters(q: Q, f: Filters, except?: keyof Filters): Q {
  const on = (k: keyof Filters) => f[k] !== undefined && k !== except;
  if (on('status')) q = q.where('status', '=', f.status!);
  if (on('state')) q = q.where('state', '=', f.state!);
  if (on('result')) q = q.where('result', '=', f.result!);
  if (on('reason')) q = q.where('reason_codes', 'like', `%,${f.reason!},%`);
  if (on('mode')) q = q.where('video_mode', '=', f.mode!);
  if (on('language')) q = q.where('language', '=', f.language!);
  if (on('created_after')) q = q.where('created_at', '>=', new Date(f.created_after!).toISOString());
  if (on('created_before')) q = q.where('created_at', '<', new Date(f.created_before!).toISOString());
  if (on('external_id')) q = q.where('external_id', '=', f.external_id!);
  if (on('account_id')) q = q.where('account_id', '=', f.account_id!);
  if (on('pending_second_approval')) q = q.where('pending_approval', f.pending_second_approval === 'true' ? 'is not' : 'is', null);
  if (on('q')) {
    const text = f.q!;
    q = q.where((eb) => eb.or([
      eb('id', '=', text), eb('external_id', '=', text),
      // substr, not LIKE: ids contain `_`, a LIKE wildcard, and the two databases escape differently.
      ...(text.length >= ID_PREFIX_MIN ? [eb(sql<string>`substr(id, 1, ${text.length})`, '=', text)] : []),
    ]));
  }
  return q;
}

export const projectSessions = (deps: Pick<Deps, 'db'>, projectId: string): Q =>
  deps.db.selectFrom('sessions').where('project_id', '=', projectId).where('erased_at', 'is', null);

type CursorValue = string | number | null;
type Cursor = { sort: Sort; order: 'asc' | 'desc'; value: CursorValue; id: string };

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.sort, c.order, c.value, c.id])).toString('base64url');

function decodeCursor(raw: string, sort: Sort, order: 'asc' | 'desc'): Cursor {
  try {
    const v = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(v) && v.length === 4 && v[0] === sort && v[1] === order && typeof v[3] === 'string'
      && (v[2] === null || typeof v[2] === 'string' || typeof v[2] === 'number')) return { sort, order, value: v[2], id: v[3] };
  } catch { /* refused below */ }
  throw new AppError('validation_failed', 'cursor is not valid for this sort and order (start again without it)', { field: 'cursor' });
}

/** Rows after the cursor in (value nulls last, id) order. */
function after(eb: Eb, c: Cursor) {
  const col = c.sort;
  const cmp = c.order === 'desc' ? '<' : '>';
  if (c.value === null) return eb.and([eb(col, 'is', null), eb('id', cmp, c.id)]);
  return eb.or([eb(col, cmp, c.value), eb.and([eb(col, '=', c.value), eb('id', cmp, c.id)]), eb(col, 'is', null)]);
}

async function page(q: Q, sort: Sort, order: 'asc' | 'desc', limit: number, cursor: string | undefined, actor: Actor, at: Date) {
  if (cursor) {
    const c = decodeCursor(cursor, sort, order);
    q = q.where((eb) => after(eb, c));
  }
  const rows = await q.selectAll().orderBy(sql`${sql.ref(sort)} is null`).orderBy(sort, order).orderBy('id', order).limit(limit + 1).execute();
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  const more = rows.length > limit;
  return {
    object: 'list' as const,
    data: data.map((r) => listItem(toRecord(r), r.face_score, actor, at)),
    has_more: more,
    next_cursor: more && last ? encodeCursor({ sort, order, value: (last[sort] ?? null) as CursorValue, id: last.id }) : null,
  };
}

/** One row of the list: what the table shows, and what the UI needs to grey out a claimed session. */
export function listItem(s: SessionRecord, faceScore: number | null, actor: Actor, at: Date) {
  const claim = s.review_claim && new Date(s.review_claim.expires_at) > at ? s.review_claim : null;
  return {
    id: s.id, status: s.status, state: s.state, result: s.result, reasons: [...new Set((s.decision?.reasons ?? []).map((r) => r.code))],
    video_mode: s.profile.video_mode, language: s.profile.video_language, steps: s.profile.steps, external_id: s.external_id, account_id: s.account_id,
    face_score: faceScore === null ? null : Number(faceScore),
    created_at: s.created_at, updated_at: s.updated_at, decided_at: s.decision?.decided_at ?? null, decided_by: s.decision?.decided_by ?? null,
    review_claim: claim ? { by: claim.actor, expires_at: claim.expires_at, mine: claim.actor.kind === actor.kind && claim.actor.id === actor.id } : null,
    pending_approval: s.pending_approval,
  };
}

export async function listDashboardSessions(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: DashListQuery) {
  return page(applyFilters(projectSessions(deps, actor.projectId), q), q.sort, q.order, q.limit, q.cursor, actor, deps.clock.now());
}

/**
 * The review queue: processed sessions whose decision is still the pipeline's (no human has
 * decided: reviewed_at null) and is needs_review or declined, longest-waiting first; or the
 * sessions whose human decision waits for a four-eyes second approval. Claimed sessions stay
 * listed (with their claim) so every reviewer sees who works on what.
 */
export async function reviewQueue(deps: Pick<Deps, 'db' | 'clock'>, actor: Actor, q: QueueQuery) {
  let base = projectSessions(deps, actor.projectId);
  base = q.kind === 'second_approval'
    ? base.where('pending_approval', 'is not', null)
    : base.where('state', 'in', ['completed', 'failed']).where('reviewed_at', 'is', null).where('result', 'in', ['needs_review', 'declined']).where('pending_approval', 'is', null);
  return page(base, 'decided_at', 'asc', q.limit, q.cursor, actor, deps.clock.now());
}
