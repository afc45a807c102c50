import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { mayDecide } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { emitEvent } from '../webhooks/events.ts';
import { audit } from './audit.ts';
import { loadSession } from './rows.ts';

export const reviewBody = z.strictObject({
  result: z.enum(['approved', 'declined']),
  reviewer: z.string().min(1).max(200),
  notes: z.string().max(5000).optional(),
  reasons: z.array(z.string().min(1).max(100)).max(20).optional(),
});

/**
 * A human decision. It may override the pipeline's automatic decision (or a `needs_review`), but
 * never another human's decision; the previous decision stays in the audit log. Emits
 * `video.reviewed` in the same transaction.
 */
export async function reviewSession(deps: Deps, projectId: string, id: string, body: z.infer<typeof reviewBody>) {
  const now = iso(deps.clock.now());
  return deps.db.transaction().execute(async (tx) => {
    const s = await loadSession(tx, projectId, id);
    const waitingLiveAgent = s.status === 'in_progress' && s.capture_plan?.waiting_room;
    if (s.status !== 'completed' && !waitingLiveAgent) throw new AppError('decision_final', `a ${s.status} session cannot be reviewed yet`);
    if (!mayDecide(s.decision, { decided_by: body.reviewer })) throw new AppError('decision_final', 'this session already has a human decision');
    const decision = {
      result: body.result,
      // The reviewer's own reasons when given; otherwise the automatic findings stay as the context
      // the human decided on (the previous decision is also in the audit log).
      reasons: body.reasons?.length ? body.reasons.map((code) => ({ code, message: 'set by reviewer', stage: 'review' })) : (s.decision?.reasons ?? []),
      decided_by: body.reviewer,
      decided_at: now,
    };
    await tx.updateTable('sessions').set({
      status: 'completed', result: body.result, decision: JSON.stringify(decision), reviewed_at: now, agent_id: body.reviewer,
      agent_notes: body.notes ?? null, updated_at: now, completed_at: s.completed_at ?? now,
    }).where('id', '=', id).where('project_id', '=', projectId).execute();
    await audit(tx, deps.clock, { projectId, sessionId: id, action: 'decision.review', actor: body.reviewer, details: { previous: s.decision, result: body.result, notes: body.notes ?? null } });
    await emitEvent(deps, tx, projectId, 'video.reviewed', {
      session_id: id, video_mode: s.profile.video_mode, status: 'completed', result: body.result, previous_result: s.result,
      reviewed_at: now, agent_id: body.reviewer, agent_notes: body.notes ?? null, external_id: s.external_id,
    });
    return { id, status: 'completed' as const, result: body.result, reviewed_at: now, decision };
  });
}

export async function auditTrail(deps: Deps, projectId: string, id: string) {
  await loadSession(deps.db, projectId, id);
  const rows = await deps.db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId).where('session_id', '=', id).orderBy('created_at').execute();
  return { object: 'list' as const, data: rows.map((r) => ({ id: r.id, action: r.action, actor: r.actor, details: r.details ? JSON.parse(r.details) : null, created_at: r.created_at })) };
}
