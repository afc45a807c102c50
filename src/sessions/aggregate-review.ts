import type { Actor } from '../domain/actor.ts';
import { reviewReasonLabel } from '../domain/review-reasons.ts';
import { type Decision, type DecisionActor, isAutomatic } from '../domain/session.ts';
import { actorRef, agentLabel } from './aggregate-rights.ts';
import { type Accepted, type Effect, type HumanDecisionInput, move, type Outcome, reject, same, type SessionAggregate, notIn } from './aggregate-kernel.ts';
import type { PendingApproval, ReviewedBy, SessionRecord } from './rows.ts';

// The review part of the session aggregate (sessions/aggregate.ts dispatches to it): claims, human
// decisions, overriding the pipeline, four-eyes. Pure like the rest of the aggregate.

/** The written reason an override needs: a sentence, not "ok" (10 characters). */
export const OVERRIDE_NOTES_MIN = 10;

type DecisionAction = PendingApproval['action'];

export function activeClaim(s: SessionRecord, at: string) {
  return s.review_claim && new Date(s.review_claim.expires_at) > new Date(at) ? s.review_claim : null;
}

const sameActor = (a: ReviewedBy, b: Pick<Actor, 'kind' | 'id'>) => a.kind === b.kind && a.id === b.id;

/** The decision label of a stored reference (agentLabel for a reference instead of a live actor). */
const labelOf = (by: ReviewedBy) => (by.kind === 'api_key' && by.name ? by.name : by.id);

export function claimReview(a: SessionAggregate, ttlSeconds: number, actor: Actor, at: string): Outcome {
  const s = a.session;
  if (s.state !== 'completed' && s.state !== 'failed') return notIn(s, 'be claimed for review', 'session_not_reviewable');
  if (s.decision && !isAutomatic(s.decision)) return reject('decision_final', 'this session already has a human decision');
  if (s.pending_approval) return reject('approval_pending', 'a decision on this session waits for its second approval');
  const claim = activeClaim(s, at);
  if (claim && !sameActor(claim.actor, actor)) return reject('review_claimed_by_other', 'another reviewer holds this session', { claimed_by: claim.actor, expires_at: claim.expires_at });
  const expires_at = new Date(new Date(at).getTime() + ttlSeconds * 1000).toISOString();
  const review_claim = { actor: actorRef(actor), expires_at };
  return same(a, { review_claim }, undefined, [
    { type: 'audit', action: 'review.claimed', details: { expires_at } },
    { type: 'realtime', event: 'session.review_claimed', data: { session_id: s.id, by: review_claim.actor, expires_at } },
  ]);
}

export function releaseReview(a: SessionAggregate, actor: Actor, at: string): Outcome {
  const s = a.session;
  const claim = activeClaim(s, at);
  if (!claim) return reject('review_not_claimed', 'nobody holds this session for review');
  if (!sameActor(claim.actor, actor)) return reject('review_claimed_by_other', 'another reviewer holds this session');
  return same(a, { review_claim: null }, undefined, [{ type: 'audit', action: 'review.released' }, { type: 'realtime', event: 'session.review_released', data: { session_id: s.id } }]);
}

/**
 * A person decides. Refused while someone else holds an unexpired claim; with no claim, the
 * decision takes the session in the same transaction (the store locks the row), so two reviewers
 * can never both decide. A user approving what the pipeline declined must confirm the override and
 * write why. With four-eyes on, an approval of a declined or high-risk session waits for a second
 * person (`pending_approval`): no webhook until then.
 */
export function humanDecision(a: SessionAggregate, c: HumanDecisionInput, actor: Actor, at: string, action: DecisionAction): Outcome {
  const s = a.session;
  const claim = activeClaim(s, at);
  if (claim && !sameActor(claim.actor, actor)) return reject('review_claimed_by_other', 'another reviewer holds this session', { claimed_by: claim.actor, expires_at: claim.expires_at });
  if (s.decision && !isAutomatic(s.decision)) return reject('decision_final', 'this session already has a human decision');
  if (s.pending_approval) return reject('approval_pending', 'a decision on this session waits for its second approval');
  const overridesDecline = s.result === 'declined' && c.result === 'approved';
  // People must say it twice; an integrator's machine (API key) decides by its own rules.
  if (overridesDecline && actor.kind === 'user') {
    if (c.confirm_override !== true) return reject('override_confirmation_required', 'approving overrides the automatic decline: confirm it (confirm_override: true) and write why in the notes', { previous_result: s.result });
    if ((c.notes?.trim().length ?? 0) < OVERRIDE_NOTES_MIN) return reject('override_reason_required', `overriding a decline needs a written reason in the notes (at least ${OVERRIDE_NOTES_MIN} characters)`);
  }
  // A live-agent approval is the whole verification resting on one person's call: with four-eyes on,
  // it always waits for the concurrent audit (issue 16: V-CIP / video-ident ask for a second check).
  const liveCall = s.profile.video_mode === 'live_agent';
  if (c.four_eyes && c.result === 'approved' && (overridesDecline || c.four_eyes.high_risk || liveCall)) {
    const pending: PendingApproval = {
      result: c.result, notes: c.notes ?? null, reasons: c.reasons ?? [], action,
      why: overridesDecline ? 'overrides_decline' : c.four_eyes.high_risk ? 'high_risk' : 'live_agent_call', by: actorRef(actor), at,
    };
    return same(a, { pending_approval: pending, review_claim: null, updated_at: at }, undefined, [
      { type: 'audit', action: 'review.pending_second_approval', details: { result: c.result, why: pending.why, notes: pending.notes, reasons: pending.reasons } },
      { type: 'realtime', event: 'session.review_pending', data: { session_id: s.id, by: pending.by, why: pending.why } },
    ]);
  }
  return finalDecision(a, c, actorRef(actor), agentLabel(actor), { kind: actor.kind, id: actor.id }, at, action, []);
}

/** Four-eyes, second step: a different person confirms the waiting decision (it becomes final) or rejects it (back to the queue). */
export function secondApproval(a: SessionAggregate, c: { confirm: boolean; notes?: string | undefined }, actor: Actor, at: string): Outcome {
  const s = a.session;
  const p = s.pending_approval;
  if (!p) return reject('no_pending_approval', 'no decision on this session waits for a second approval');
  if (sameActor(p.by, actor)) return reject('four_eyes_same_user', 'the second approval must come from a different person than the first');
  const details = { first: { by: p.by, at: p.at, result: p.result, why: p.why }, notes: c.notes ?? null };
  if (!c.confirm) {
    return same(a, { pending_approval: null, updated_at: at }, undefined, [
      { type: 'audit', action: 'review.second_rejected', details },
      { type: 'realtime', event: 'session.updated', data: { session_id: s.id, state: s.state, pending_approval: null } },
    ]);
  }
  const first: HumanDecisionInput = { result: p.result, notes: p.notes ?? undefined, reasons: p.reasons };
  return finalDecision(a, first, p.by, labelOf(p.by), { kind: p.by.kind, id: p.by.id }, at, p.action, [{ type: 'audit', action: 'review.second_approved', details }], actorRef(actor));
}

function finalDecision(
  a: SessionAggregate, c: HumanDecisionInput, by: ReviewedBy, label: string, decider: DecisionActor, at: string,
  action: DecisionAction, extra: Effect[], confirmedBy?: ReviewedBy,
): Accepted {
  const s = a.session;
  const decision: Decision = {
    result: c.result,
    // The reviewer's own reasons when given; otherwise the automatic findings stay as the context
    // the human decided on (the previous decision is also in the audit log).
    reasons: c.reasons?.length ? c.reasons.map((code) => ({ code, message: reviewReasonLabel(code), stage: 'review' })) : (s.decision?.reasons ?? []),
    decided_by: label,
    decided_at: at,
    actor: decider,
    ...(c.resubmission ? { outcome: 'resubmission_requested' as const } : {}),
    ...(confirmedBy ? { confirmed_by: confirmedBy } : {}),
  };
  const common = {
    session_id: s.id, video_mode: s.profile.video_mode, status: 'completed', result: c.result, previous_result: s.result,
    reviewed_at: at, agent_id: label, agent_notes: c.notes ?? null, reviewed_by: by, external_id: s.external_id,
    ...(confirmedBy ? { confirmed_by: confirmedBy } : {}),
  };
  const webhook: Effect = c.resubmission
    ? { type: 'webhook', event: 'video.resubmission_requested', data: { ...common, reasons: decision.reasons.map((r) => r.code) } }
    : { type: 'webhook', event: 'video.reviewed', data: common };
  return move(a, 'completed', at, {
    result: c.result, decision, reviewed_at: at, agent_id: label, agent_notes: c.notes ?? null, reviewed_by: by,
    completed_at: s.completed_at ?? at, review_claim: null, pending_approval: null,
  }, [
    ...extra,
    { type: 'audit', action, details: { previous: s.decision, result: c.result, notes: c.notes ?? null, reviewed_by: by, ...(c.resubmission ? { outcome: 'resubmission_requested' } : {}), ...(confirmedBy ? { confirmed_by: confirmedBy } : {}) } },
    webhook,
  ]);
}
