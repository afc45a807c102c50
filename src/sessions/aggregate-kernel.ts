import { publicStatus, type SessionState } from '../domain/session.ts';
import type { SessionRecord } from './rows.ts';

// The session aggregate's vocabulary (sessions/aggregate.ts re-exports all of it): what a command
// answers — the next session and its effects, or a typed rejection — and the helpers every part of
// the aggregate builds answers with. Its own module so the review part (aggregate-review.ts) and
// the dispatcher (aggregate.ts) share it without importing each other.

/** What the aggregate sees: the session row and the kinds of artifact it has. */
export interface SessionAggregate {
  session: SessionRecord;
  artifacts: readonly string[];
}

export type HumanResult = 'approved' | 'declined';

/** A person's decision (a reviewer's or a live agent's); aggregate-review.ts applies it. */
export interface HumanDecisionInput {
  result: HumanResult;
  notes?: string | undefined;
  /** Reason codes (the dashboard's come from domain/review-reasons.ts). */
  reasons?: string[] | undefined;
  /** Declined, asking the integrator for a new capture (`video.resubmission_requested`). */
  resubmission?: boolean | undefined;
  /** The person confirmed that approving overrides the pipeline's decline (required of users). */
  confirm_override?: boolean | undefined;
  /**
   * Present when the project requires four-eyes (projects/settings.ts `four_eyes`); `high_risk`:
   * the use case found the session's risk score at or above the project's bar. The aggregate has
   * no risk results, so the caller says.
   */
  four_eyes?: { high_risk: boolean } | undefined;
}

export type Effect =
  | { type: 'job'; name: 'verify-session'; payload: { sessionId: string; projectId: string }; dedupeKey: string }
  | { type: 'webhook'; event: 'video.completed' | 'video.reviewed' | 'video.resubmission_requested'; data: Record<string, unknown> }
  | { type: 'audit'; action: string; details?: unknown }
  | { type: 'realtime'; event: RealtimeEventType; data: Record<string, unknown> };

export type RealtimeEventType = 'session.state_changed' | 'session.updated' | 'session.stage' | 'session.review_claimed' | 'session.review_released' | 'session.review_pending' | 'session.erased';

/** Stable codes of a refused command (each is also an HTTP error code in domain/errors.ts). */
export const REJECTIONS = [
  'session_erased', 'session_expired', 'session_canceled', 'session_already_completed', 'session_not_cancelable',
  'steps_incomplete', 'transition_not_allowed', 'session_not_reviewable', 'decision_final', 'review_claimed_by_other',
  'review_not_claimed', 'actor_forbidden', 'session_not_expired', 'idempotency_conflict',
  'override_confirmation_required', 'override_reason_required', 'approval_pending', 'no_pending_approval', 'four_eyes_same_user',
] as const;
export type RejectionCode = (typeof REJECTIONS)[number];

export interface Rejection { error: RejectionCode; message: string; details?: unknown }
export interface Accepted { next: SessionAggregate; effects: Effect[] }
export type Outcome = Accepted | Rejection;

export const isRejection = (o: Outcome): o is Rejection => 'error' in o;

export const reject = (error: RejectionCode, message: string, details?: unknown): Rejection => ({ error, message, ...(details === undefined ? {} : { details }) });

export const notIn = (s: SessionRecord, what: string, code: RejectionCode = 'transition_not_allowed') => reject(code, `a session in state ${s.state} cannot ${what}`);

export function changed(s: SessionRecord, from: SessionState | null): Effect {
  return { type: 'realtime', event: 'session.state_changed', data: { session_id: s.id, state: s.state, status: s.status, previous_state: from } };
}

/** A state change: the new state (and its public status), the other column changes, its effects, a realtime event. */
export function move(a: SessionAggregate, to: SessionState, at: string, patch: Partial<SessionRecord> = {}, effects: Effect[] = [], artifacts = a.artifacts): Accepted {
  const from = a.session.state;
  const session: SessionRecord = { ...a.session, ...patch, state: to, status: publicStatus(to), updated_at: at };
  return { next: { session, artifacts }, effects: [...effects, from === to ? { type: 'realtime', event: 'session.updated', data: { session_id: session.id, state: to } } : changed(session, from)] };
}

/** A change that keeps the state (data, stage bookkeeping). */
export function same(a: SessionAggregate, patch: Partial<SessionRecord>, artifacts = a.artifacts, effects: Effect[] = []): Accepted {
  return { next: { session: { ...a.session, ...patch }, artifacts }, effects };
}
