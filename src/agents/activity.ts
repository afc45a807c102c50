import { randomUUID } from 'node:crypto';
import { nextSeq } from './sequence.ts';
import type { Db } from '../storage/db.ts';

// The activity log of each agent (issue 16: regulators ask for one): every action an agent takes
// in the console or a call, queryable per agent and per session. Append-only.

export const ACTIVITY_ACTIONS = [
  'status.available', 'status.away', 'call.accepted', 'call.offer_declined', 'call.offer_expired', 'call.joined', 'call.left',
  'still.captured', 'question.answered', 'notes.saved', 'decision.approved', 'decision.declined', 'decision.escalated', 'callback.done',
] as const;
export type ActivityAction = (typeof ACTIVITY_ACTIONS)[number];

export interface ActivityEntry { projectId: string; userId: string; sessionId: string | null; action: ActivityAction; details?: unknown }

export async function logActivity(db: Db, at: Date, e: ActivityEntry): Promise<void> {
  await db.insertInto('agent_activity').values({
    id: `act_${randomUUID()}`, project_id: e.projectId, user_id: e.userId, session_id: e.sessionId, action: e.action,
    details: e.details === undefined ? null : JSON.stringify(e.details), created_at: at.toISOString(), seq: nextSeq(),
  }).execute();
}

/** Newest first; `by` filters on one agent or one session, always inside the project. */
export async function listActivity(db: Db, projectId: string, by: { userId: string } | { sessionId: string }, limit = 100) {
  let q = db.selectFrom('agent_activity').selectAll().where('project_id', '=', projectId);
  q = 'userId' in by ? q.where('user_id', '=', by.userId) : q.where('session_id', '=', by.sessionId);
  const rows = await q.orderBy('created_at', 'desc').orderBy('seq', 'desc').limit(limit).execute();
  return {
    object: 'list' as const,
    data: rows.map((r) => ({ id: r.id, user_id: r.user_id, session_id: r.session_id, action: r.action, details: r.details ? (JSON.parse(r.details) as unknown) : null, created_at: r.created_at })),
  };
}
