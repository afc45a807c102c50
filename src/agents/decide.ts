import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { loadSession } from '../sessions/rows.ts';
import { execute } from '../sessions/store.ts';
import { logActivity } from './activity.ts';
import type { AgentDesk, CallControl } from './desk.ts';
import { callOf, dequeue, markIdle } from './pool-store.ts';
import { requireCallAccess } from './workspace.ts';

export const decisionBody = z.strictObject({
  result: z.enum(['approved', 'declined', 'escalated']),
  reasons: z.array(z.string().regex(/^[a-z0-9_]{1,100}$/, 'reason codes are lower_snake_case')).max(20).default([]),
  notes: z.string().max(5000).optional(),
}).refine((b) => b.result === 'approved' || b.reasons.length > 0, { message: 'a decline or an escalation needs at least one reason', path: ['reasons'] });

/** The review path of a dashboard user (reviewAsUser): four-eyes and the decision rules live there, not here. */
export type Review = (actor: Actor, sessionId: string, body: { result: 'approved' | 'declined'; notes?: string; reasons?: string[] }) => Promise<unknown>;

/**
 * The agent decides: the call ends first (recordings stored, `video.completed`), then the decision
 * goes through the same review command as any reviewer's (so the project's four-eyes holds an
 * approval), or the session is escalated to reviewers. The agent is free again afterwards.
 */
export async function decideCall(deps: Deps, desk: AgentDesk, calls: CallControl, review: Review, actor: Actor, sessionId: string, body: z.infer<typeof decisionBody>) {
  await requireCallAccess(deps, actor, sessionId);
  const s = await loadSession(deps.db, actor.projectId, sessionId);
  if (s.state !== 'awaiting_agent' && s.state !== 'in_call') throw new AppError('session_not_reviewable', `a session in state ${s.state} cannot take an agent decision`);
  const notes = body.notes ?? ((await callOf(deps.db, actor.projectId, sessionId))?.notes || undefined);
  desk.deciding.add(sessionId);
  try {
    if (calls.isLive(sessionId)) {
      await calls.end(sessionId, 'agent_decided');
      await desk.ended(sessionId);
    }
  } finally {
    desk.deciding.delete(sessionId);
  }
  if (body.result === 'escalated') {
    await execute(deps, { projectId: actor.projectId, sessionId }, { type: 'agent_escalated', reasons: body.reasons, notes }, actor);
  } else {
    await review(actor, sessionId, { result: body.result, ...(notes ? { notes } : {}), ...(body.reasons.length ? { reasons: body.reasons } : {}) });
  }
  const now = deps.clock.now();
  await dequeue(deps.db, actor.projectId, sessionId);
  await markIdle(deps.db, actor.projectId, actor.id, now);
  await logActivity(deps.db, now, { projectId: actor.projectId, userId: actor.id, sessionId, action: `decision.${body.result}`, details: { reasons: body.reasons } });
  await desk.refresh(actor.projectId);
  const after = await loadSession(deps.db, actor.projectId, sessionId);
  return { session_id: sessionId, result: body.result, status: after.status, session_result: after.result };
}

/** The agent leaves the call without deciding: the user goes back to the queue (their first place). */
export async function leaveCall(deps: Deps, desk: AgentDesk, calls: CallControl, actor: Actor, sessionId: string) {
  await requireCallAccess(deps, actor, sessionId);
  if (calls.isLive(sessionId)) {
    await calls.end(sessionId, 'agent_left');
    await desk.ended(sessionId);
  } else {
    await desk.release(actor.projectId, sessionId, actor.id);
  }
  return { session_id: sessionId, requeued: true };
}
