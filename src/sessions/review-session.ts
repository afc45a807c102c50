import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { isLiveAgentState } from '../domain/session.ts';
import type { Deps } from '../deps.ts';
import { loadSession } from './rows.ts';
import { execute } from './store.ts';
import { fourEyesOf } from './four-eyes.ts';

export const reviewBody = z.strictObject({
  result: z.enum(['approved', 'declined']),
  reviewer: z.string().min(1).max(200),
  notes: z.string().max(5000).optional(),
  reasons: z.array(z.string().min(1).max(100)).max(20).optional(),
});

/**
 * A human decision. It may override the pipeline's automatic decision (or a `needs_review`), but
 * never another human's; the previous decision stays in the audit log. Emits `video.reviewed` in
 * the same transaction. Reviews are for processed sessions (`completed`, or `failed` processing);
 * a live-agent session waiting for or in a call is decided by its agent through the same endpoint.
 * Who decided is the authenticated actor; with an API key, `reviewer` from the body is kept as the
 * integrator-supplied name (`reviewed_by.name_source: 'integrator'`), never as the identity.
 */
export async function reviewSession(deps: Deps, projectId: string, id: string, body: z.infer<typeof reviewBody>, actor: Actor) {
  const s = await loadSession(deps.db, projectId, id);
  const by: Actor = actor.kind === 'api_key' ? { ...actor, name: body.reviewer } : actor;
  // Four-eyes applies to every person's decision, from any route (projects/settings.ts four_eyes).
  const decision = { result: body.result, notes: body.notes, reasons: body.reasons, four_eyes: await fourEyesOf(deps, s) };
  const command = isLiveAgentState(s.state) ? { type: 'agent_decided' as const, ...decision } : { type: 'review_decided' as const, ...decision };
  const next = (await execute(deps, { projectId, sessionId: id }, command, by)).session;
  return { id, status: next.status, result: next.result, reviewed_at: next.reviewed_at, decision: next.decision, reviewed_by: next.reviewed_by, ...(next.pending_approval ? { pending_approval: next.pending_approval } : {}) };
}

export const claimReviewBody = z.strictObject({
  /** How long the claim holds; 15 min by default: one careful review, after which another reviewer may take over. */
  ttl_seconds: z.number().int().min(60).max(4 * 3600).default(900),
});

/** A reviewer takes a processed session; others cannot decide it until the claim is released or expires. */
export async function claimReview(deps: Deps, projectId: string, id: string, ttlSeconds: number, actor: Actor) {
  await loadSession(deps.db, projectId, id);
  const next = (await execute(deps, { projectId, sessionId: id }, { type: 'review_claimed', ttl_seconds: ttlSeconds }, actor)).session;
  return { id, object: 'review_claim' as const, ...next.review_claim! };
}

export async function releaseReview(deps: Deps, projectId: string, id: string, actor: Actor) {
  await loadSession(deps.db, projectId, id);
  await execute(deps, { projectId, sessionId: id }, { type: 'review_released' }, actor);
  return { id, object: 'review_claim' as const, released: true };
}

export async function auditTrail(deps: Deps, projectId: string, id: string) {
  await loadSession(deps.db, projectId, id);
  const rows = await deps.db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId).where('session_id', '=', id).orderBy('created_at').execute();
  return { object: 'list' as const, data: rows.map((r) => ({ id: r.id, action: r.action, actor: r.actor, details: r.details ? JSON.parse(r.details) : null, created_at: r.created_at })) };
}
