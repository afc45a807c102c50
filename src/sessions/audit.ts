import { newAuditId } from '../domain/ids.ts';
import { iso } from '../domain/time.ts';
import type { Clock } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';

/** Append-only audit trail: decisions, reviews, erasures, cancellations. Never updated or deleted. */
export async function audit(db: Db, clock: Clock, e: { projectId: string; sessionId?: string; action: string; actor: string; details?: unknown }) {
  await db.insertInto('audit_log').values({
    id: newAuditId(), project_id: e.projectId, session_id: e.sessionId ?? null, action: e.action, actor: e.actor,
    details: e.details === undefined ? null : JSON.stringify(e.details), created_at: iso(clock.now()),
  }).execute();
}
