import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { isReviewReason, REASON_NEEDS_NOTES, REVIEW_ACTIONS, REVIEW_REASONS, type ReviewAction } from '../domain/review-reasons.ts';
import { isLiveAgentState } from '../domain/session.ts';
import type { Deps } from '../deps.ts';
import type { HumanDecisionInput } from '../sessions/aggregate.ts';
import { loadSession, type SessionRecord } from '../sessions/rows.ts';
import { execute } from '../sessions/store.ts';
import { fourEyesOf } from '../sessions/four-eyes.ts';

// A dashboard user's decision (issue 15 item 4): approve, decline or request a resubmission, with a
// reason from the fixed list. The rules (claims, override confirmation, four-eyes) are the
// aggregate's (sessions/aggregate-review.ts); this reads what the aggregate cannot (project
// settings, the risk score) and shapes the answer.

export const decisionBody = z.strictObject({
  action: z.enum(REVIEW_ACTIONS),
  reason_code: z.string().min(1).max(100),
  notes: z.string().trim().max(5000).optional(),
  confirm_override: z.boolean().optional(),
}).superRefine((b, ctx) => {
  if (!isReviewReason(b.reason_code)) {
    ctx.addIssue({ code: 'custom', path: ['reason_code'], message: 'not a reason of GET /dashboard/api/review-reasons' });
  } else if (!(REVIEW_REASONS[b.reason_code].actions as readonly ReviewAction[]).includes(b.action)) {
    ctx.addIssue({ code: 'custom', path: ['reason_code'], message: `reason ${b.reason_code} does not fit the action ${b.action}` });
  } else if (REASON_NEEDS_NOTES.includes(b.reason_code) && !b.notes) {
    ctx.addIssue({ code: 'custom', path: ['notes'], message: `reason ${b.reason_code} needs notes` });
  }
});
export type DecisionBody = z.infer<typeof decisionBody>;

const RESULT_OF: Record<ReviewAction, 'approved' | 'declined'> = { approve: 'approved', decline: 'declined', request_resubmission: 'declined' };

export async function decideSession(deps: Deps, actor: Actor, id: string, body: DecisionBody) {
  const s = await loadSession(deps.db, actor.projectId, id);
  const input: HumanDecisionInput = {
    result: RESULT_OF[body.action], notes: body.notes || undefined, reasons: [body.reason_code],
    resubmission: body.action === 'request_resubmission', confirm_override: body.confirm_override, four_eyes: await fourEyesOf(deps, s),
  };
  const command = isLiveAgentState(s.state) ? { type: 'agent_decided' as const, ...input } : { type: 'review_decided' as const, ...input };
  const next = (await execute(deps, { projectId: actor.projectId, sessionId: id }, command, actor)).session;
  return decisionView(next);
}

export const secondApprovalBody = z.strictObject({ confirm: z.boolean(), notes: z.string().trim().max(5000).optional() });

/** Four-eyes, second person: confirm or reject the decision waiting on the session. */
export async function secondApproval(deps: Deps, actor: Actor, id: string, body: z.infer<typeof secondApprovalBody>) {
  await loadSession(deps.db, actor.projectId, id);
  const next = (await execute(deps, { projectId: actor.projectId, sessionId: id }, { type: 'second_approval_decided', confirm: body.confirm, notes: body.notes || undefined }, actor)).session;
  return decisionView(next);
}

export function decisionView(s: SessionRecord) {
  const final = s.decision !== null && s.decision.actor?.kind !== 'system' && s.decision.decided_by !== 'auto';
  return {
    id: s.id, object: 'decision' as const, final: final && !s.pending_approval, status: s.status, state: s.state, result: s.result,
    decision: s.decision, reviewed_by: s.reviewed_by, pending_approval: s.pending_approval,
  };
}

/** GET /review-reasons: the list the reviewer picks from. */
export function reviewReasons() {
  return { object: 'list' as const, data: Object.entries(REVIEW_REASONS).map(([code, r]) => ({ code, label: r.label, actions: r.actions })) };
}

