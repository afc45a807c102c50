import type { Actor } from '../domain/actor.ts';
import { decide, type Finding } from '../domain/decision.ts';
import { type Decision, isAutomatic, isLiveAgentState, publicStatus, requiredArtifacts, type SessionState } from '../domain/session.ts';
import { actorRef, agentLabel, mayAct, type Right } from './aggregate-rights.ts';
import type { CaptureReport } from './capture-report.ts';
import type { CapturePlan, PhraseAttempt, ReviewedBy, SessionRecord } from './rows.ts';

// The session aggregate: the one place that decides whether a command may change a session and
// what it becomes. Pure — no I/O, no clock (the store passes `at`): `apply` returns the next session
// and the effects to commit with it, or a typed rejection. sessions/store.ts is the only caller
// that persists its answer; see docs/ARCHITECTURE.md for the state diagram.

/** What the aggregate sees: the session row and the kinds of artifact it has. */
export interface SessionAggregate {
  session: SessionRecord;
  artifacts: readonly string[];
}

export type Command =
  | { type: 'create'; session: SessionRecord }
  | { type: 'upload'; kind: string }
  /** The phrase and challenges are (re)drawn before the capture uses them (create draws the first). */
  | { type: 'capture_plan_drawn'; plan: CapturePlan }
  | { type: 'client_info_recorded'; info: Record<string, unknown> }
  /** `previous`: the attempts the caller saw (two tabs submitting at once: the second is refused). */
  | { type: 'phrase_attempt_recorded'; previous: number; attempts: PhraseAttempt[] }
  | { type: 'complete'; report: CaptureReport | null }
  | { type: 'queue_joined' }
  | { type: 'queue_left' }
  | { type: 'call_started' }
  /**
   * The call ended: its recordings (artifact kinds the store writes with it), when both sides first
   * connected, and whether a decision follows (`final`: the agent decided, `video.completed` goes out).
   * Without `final` the user is back in the queue.
   */
  | { type: 'call_ended'; recordings?: string[] | undefined; recorded_at?: string | null | undefined; duration_seconds?: number | undefined; final?: boolean | undefined }
  | { type: 'agent_decided'; result: HumanResult; notes?: string | undefined; reasons?: string[] | undefined }
  /** The agent hands the decision to a reviewer (result needs_review, the agent's reasons). */
  | { type: 'agent_escalated'; reasons: string[]; notes?: string | undefined }
  /** A still of the user's video the agent captured (artifact `call_still-<n>`). */
  | { type: 'call_still_stored'; kind: string }
  /** No agent (hours, none online, timeout) and the project's fallback is self-record: back to capture with a recorded video. */
  | { type: 'switched_to_self_record' }
  | { type: 'processing_started' }
  | { type: 'stage_started'; stage: string }
  | { type: 'stage_finished'; stage: string; status: 'completed' | 'failed' }
  | { type: 'evidence_stored'; kind: string }
  | { type: 'liveness_checked' }
  | { type: 'decided'; findings: Finding[]; numbers: Record<string, unknown> }
  | { type: 'processing_failed'; reason: 'job_failed' | 'stuck'; numbers: Record<string, unknown> }
  | { type: 'review_claimed'; ttl_seconds: number }
  | { type: 'review_released' }
  | { type: 'review_decided'; result: HumanResult; notes?: string | undefined; reasons?: string[] | undefined }
  | { type: 'cancel' }
  | { type: 'expire' }
  | { type: 'erase' };

export type CommandType = Command['type'];
export type HumanResult = 'approved' | 'declined';

export type Effect =
  | { type: 'job'; name: 'verify-session'; payload: { sessionId: string; projectId: string }; dedupeKey: string }
  | { type: 'webhook'; event: 'video.completed' | 'video.reviewed'; data: Record<string, unknown> }
  | { type: 'audit'; action: string; details?: unknown }
  | { type: 'realtime'; event: RealtimeEventType; data: Record<string, unknown> };

export type RealtimeEventType = 'session.state_changed' | 'session.updated' | 'session.stage' | 'session.review_claimed' | 'session.review_released' | 'session.erased';

/** Stable codes of a refused command (each is also an HTTP error code in domain/errors.ts). */
export const REJECTIONS = [
  'session_erased', 'session_expired', 'session_canceled', 'session_already_completed', 'session_not_cancelable',
  'steps_incomplete', 'transition_not_allowed', 'session_not_reviewable', 'decision_final', 'review_claimed_by_other',
  'review_not_claimed', 'actor_forbidden', 'session_not_expired', 'idempotency_conflict',
] as const;
export type RejectionCode = (typeof REJECTIONS)[number];

export interface Rejection { error: RejectionCode; message: string; details?: unknown }
export interface Accepted { next: SessionAggregate; effects: Effect[] }
export type Outcome = Accepted | Rejection;

export const isRejection = (o: Outcome): o is Rejection => 'error' in o;

const reject = (error: RejectionCode, message: string, details?: unknown): Rejection => ({ error, message, ...(details === undefined ? {} : { details }) });

/** The right each command needs (aggregate-rights.ts says who holds it). */
const RIGHT: Record<CommandType, Right> = {
  create: 'integrate', upload: 'capture', capture_plan_drawn: 'system', client_info_recorded: 'capture', phrase_attempt_recorded: 'capture', complete: 'capture',
  queue_joined: 'capture', queue_left: 'capture', call_started: 'agent', call_ended: 'agent', agent_decided: 'agent',
  agent_escalated: 'agent', call_still_stored: 'agent', switched_to_self_record: 'capture',
  processing_started: 'system', stage_started: 'system', stage_finished: 'system', evidence_stored: 'system',
  liveness_checked: 'liveness', decided: 'system', processing_failed: 'system', review_claimed: 'review',
  review_released: 'review', review_decided: 'review', cancel: 'integrate', expire: 'system', erase: 'erase',
};

/**
 * Applies `command` by `actor` at time `at` (ISO-8601). Every command except `create` needs the
 * current session; an erased session refuses everything (`session_erased`: a job that meets it
 * stops and writes nothing).
 */
export function apply(current: SessionAggregate | null, command: Command, actor: Actor, at: string): Outcome {
  if (command.type === 'create') {
    if (current) return reject('transition_not_allowed', 'the session already exists');
    if (!mayAct(actor, 'integrate', command.session)) return reject('actor_forbidden', `a ${actor.kind} actor cannot create sessions`);
    const session = { ...command.session, state: 'pending' as const, status: 'pending' as const };
    return { next: { session, artifacts: [] }, effects: [changed(session, null)] };
  }
  if (!current) return reject('transition_not_allowed', 'no such session');
  const s = current.session;
  if (s.erased_at) return reject('session_erased', 'this session was erased');
  if (!mayAct(actor, RIGHT[command.type], s)) return reject('actor_forbidden', `a ${actor.kind} actor may not ${command.type.replace(/_/g, ' ')} this session`);
  return step(current, command, actor, at);
}

function step(a: SessionAggregate, c: Exclude<Command, { type: 'create' }>, actor: Actor, at: string): Outcome {
  const s = a.session;
  switch (c.type) {
    case 'upload': {
      const open = captureOpen(s, at);
      if (open) return open;
      return move(a, s.state === 'pending' ? 'in_progress' : s.state, at, { ...(c.kind === 'video' ? { recorded_at: at } : {}) }, [], [...new Set([...a.artifacts, c.kind])]);
    }
    case 'capture_plan_drawn':
      // Once the user has started the video the pipeline must verify what the page showed.
      return s.state === 'pending' || s.state === 'in_progress' ? same(a, { capture_plan: c.plan }) : notIn(s, 'change its capture plan');
    case 'client_info_recorded': {
      // Device signals describe the capture: once it is submitted they are evidence, and a later write would rewrite it.
      // Not refused by time: the page may report after expires_at, and the row says what it was.
      // A live-agent page sends them while its user waits for (or talks to) the agent: that is
      // still the capture they describe. After a self-recorded submit they are evidence, fixed.
      const open = isLiveAgentState(s.state) ? null : captureOpen(s, at, 'this verification session is already submitted; device information can no longer change', false);
      // Merged with what was recorded before (the page sends device information in parts).
      return open ?? same(a, { client_info: { ...(s.client_info ?? {}), ...c.info }, updated_at: at });
    }
    case 'phrase_attempt_recorded': {
      const open = captureOpen(s, at);
      if (open) return open;
      if (s.phrase_attempts.length !== c.previous) return reject('idempotency_conflict', 'another attempt was recorded at the same time; reload');
      return same(a, { phrase_attempts: c.attempts });
    }
    case 'complete':
    case 'queue_joined': {
      const open = captureOpen(s, at, c.type === 'complete' ? 'this session was already submitted' : undefined);
      if (open) return open;
      const missing = requiredArtifacts(s.profile).filter((k) => !a.artifacts.includes(k));
      if (missing.length) return reject('steps_incomplete', `missing: ${missing.join(', ')}`, { missing });
      const plan = c.type === 'complete' && c.report ? { capture_plan: { ...(s.capture_plan ?? { phrase: null, challenges: [] }), page_report: c.report } } : {};
      // A live-agent video is taken on a call: the user joins the agents' queue instead of processing.
      if (liveAgent(s)) return move(a, 'awaiting_agent', at, plan);
      if (c.type === 'queue_joined') return reject('transition_not_allowed', 'only live-agent sessions wait for an agent');
      return move(a, 'processing', at, plan, [{ type: 'job', name: 'verify-session', payload: { sessionId: s.id, projectId: s.project_id }, dedupeKey: `verify:${s.id}` }]);
    }
    case 'queue_left':
      return s.state === 'awaiting_agent' ? move(a, 'in_progress', at) : notIn(s, 'leave the agent queue');
    case 'call_started':
      return s.state === 'awaiting_agent' ? move(a, 'in_call', at, { agent_id: agentLabel(actor) }, [{ type: 'audit', action: 'call.started' }]) : notIn(s, 'start a call');
    case 'call_ended':
      return callEnded(a, c, at);
    case 'agent_escalated':
      return s.state === 'awaiting_agent' || s.state === 'in_call' ? escalate(a, c, actor, at) : notIn(s, 'be escalated by an agent', 'session_not_reviewable');
    case 'call_still_stored':
      return s.state === 'in_call' ? same(a, { updated_at: at }, [...new Set([...a.artifacts, c.kind])]) : notIn(s, 'store a still of a call');
    case 'switched_to_self_record':
      // The capture page then records the video itself; the video step is required again.
      return s.state === 'awaiting_agent'
        ? move(a, 'in_progress', at, { profile: { ...s.profile, video_mode: 'self_record' } }, [{ type: 'audit', action: 'call.fallback_self_record' }])
        : notIn(s, 'switch to a self-recorded video');
    case 'agent_decided':
      return s.state === 'awaiting_agent' || s.state === 'in_call' ? humanDecision(a, c, actor, at, 'decision.agent') : notIn(s, 'take an agent decision', 'session_not_reviewable');
    case 'processing_started':
      // A worker took the job (again, after a crash): listeners see the verification running.
      return s.state === 'processing' ? same(a, {}, undefined, [{ type: 'realtime', event: 'session.updated', data: { session_id: s.id, state: s.state, processing: 'started' } }]) : notIn(s, 'run its verification');
    case 'stage_started':
    case 'evidence_stored':
      return s.state === 'processing' ? same(a, {}, c.type === 'evidence_stored' ? [...new Set([...a.artifacts, c.kind])] : undefined) : notIn(s, 'run its verification');
    case 'stage_finished':
      return s.state === 'processing'
        ? same(a, {}, undefined, [{ type: 'realtime', event: 'session.stage', data: { session_id: s.id, stage: c.stage, status: c.status } }])
        : notIn(s, 'run its verification');
    case 'liveness_checked':
      return same(a, {});
    case 'decided':
      return autoDecision(a, decide(c.findings), c.numbers, at, 'completed');
    case 'processing_failed': {
      const message = c.reason === 'job_failed' ? 'verification failed repeatedly; a reviewer must decide' : 'verification did not finish in time; a reviewer must decide';
      return autoDecision(a, decide([{ code: 'processing_failed', message, stage: 'verification', details: { reason: c.reason } }]), c.numbers, at, 'failed');
    }
    case 'review_claimed':
      return claimReview(a, c.ttl_seconds, actor, at);
    case 'review_released': {
      const claim = activeClaim(s, at);
      if (!claim) return reject('review_not_claimed', 'nobody holds this session for review');
      if (!sameActor(claim.actor, actor)) return reject('review_claimed_by_other', 'another reviewer holds this session');
      return same(a, { review_claim: null }, undefined, [{ type: 'audit', action: 'review.released' }, { type: 'realtime', event: 'session.review_released', data: { session_id: s.id } }]);
    }
    case 'review_decided':
      // Reviews are for processed sessions: the pipeline's decision (or its failure) is what a human reviews.
      return s.state === 'completed' || s.state === 'failed' ? humanDecision(a, c, actor, at, 'decision.review') : notIn(s, 'be reviewed yet', 'session_not_reviewable');
    case 'cancel':
      return s.state === 'pending' || s.state === 'in_progress' || s.state === 'awaiting_agent'
        ? move(a, 'canceled', at, {}, [{ type: 'audit', action: 'session.canceled' }])
        : reject('session_not_cancelable', `a ${s.status} session cannot be canceled`);
    case 'expire':
      if (!(s.state === 'pending' || s.state === 'in_progress' || s.state === 'awaiting_agent')) return notIn(s, 'expire');
      if (new Date(s.expires_at) > new Date(at)) return reject('session_not_expired', 'the session has not reached expires_at');
      return move(a, 'expired', at);
    case 'erase':
      return erase(a, at);
  }
}

/**
 * A call that ends without a decision puts the user back in the queue (a dropped connection, an
 * agent who left). Its recordings are the session's whatever happened meanwhile.
 */
function callEnded(a: SessionAggregate, c: Extract<Command, { type: 'call_ended' }>, at: string): Outcome {
  const s = a.session;
  const artifacts = [...new Set([...a.artifacts, ...(c.recordings ?? [])])];
  const patch: Partial<SessionRecord> = c.recorded_at ? { recorded_at: s.recorded_at ?? c.recorded_at } : {};
  const effects: Effect[] = [{ type: 'audit', action: 'call.ended', details: { recordings: c.recordings ?? [], duration_seconds: c.duration_seconds ?? null, final: c.final ?? false } }];
  if (c.final) {
    effects.push({ type: 'webhook', event: 'video.completed', data: {
      session_id: s.id, video_mode: s.profile.video_mode, status: 'completed', result: s.result, agent_id: s.agent_id,
      recorded_at: patch.recorded_at ?? s.recorded_at, duration_seconds: c.duration_seconds ?? null, external_id: s.external_id,
    } });
  }
  if (s.state === 'in_call') return move(a, 'awaiting_agent', at, patch, effects, artifacts);
  // Recordings are evidence in the states a call can end into too (the waiting room's own call, a
  // switch to self-record, a decision, expiry or cancel while it was ending): kept, state unchanged.
  if (['awaiting_agent', 'in_progress', 'completed', 'expired', 'canceled'].includes(s.state)) return same(a, { ...patch, updated_at: at }, artifacts, effects);
  return notIn(s, 'end a call');
}

/**
 * Escalation is not a decision: the session completes as needs_review with the agent's reasons, and
 * the decision is marked as the system's (actor kind system) so a reviewer may still take the human
 * decision on it; who escalated is `decided_by` and the audit record.
 */
function escalate(a: SessionAggregate, c: Extract<Command, { type: 'agent_escalated' }>, actor: Actor, at: string): Outcome {
  const s = a.session;
  const label = agentLabel(actor);
  const decision: Decision = {
    result: 'needs_review', reasons: c.reasons.map((code) => ({ code, message: 'escalated by the agent', stage: 'agent' })),
    decided_by: label, decided_at: at, actor: { kind: 'system', id: 'agent_escalation' },
  };
  return move(a, 'completed', at, { result: 'needs_review', decision, agent_id: label, agent_notes: c.notes ?? null, completed_at: at }, [
    { type: 'audit', action: 'decision.escalated', details: { reasons: c.reasons, notes: c.notes ?? null, by: actorRef(actor) } },
  ]);
}

const liveAgent = (s: SessionRecord) => s.profile.video_mode === 'live_agent' && s.profile.steps.includes('video');

/** Capture writes need a session still open for capture (same codes the capture page handles since issue 1). */
function captureOpen(s: SessionRecord, at: string, submitted = 'this verification session is already completed', byTime = true): Rejection | null {
  const open = s.state === 'pending' || s.state === 'in_progress';
  if (s.state === 'expired' || (byTime && open && new Date(s.expires_at) <= new Date(at))) return reject('session_expired', 'this verification session has expired');
  if (s.state === 'canceled') return reject('session_canceled', 'this verification session was canceled');
  return open ? null : reject('session_already_completed', submitted);
}

const notIn = (s: SessionRecord, what: string, code: RejectionCode = 'transition_not_allowed') => reject(code, `a session in state ${s.state} cannot ${what}`);

function changed(s: SessionRecord, from: SessionState | null): Effect {
  return { type: 'realtime', event: 'session.state_changed', data: { session_id: s.id, state: s.state, status: s.status, previous_state: from } };
}

/** A state change: the new state (and its public status), the other column changes, its effects, a realtime event. */
function move(a: SessionAggregate, to: SessionState, at: string, patch: Partial<SessionRecord> = {}, effects: Effect[] = [], artifacts = a.artifacts): Accepted {
  const from = a.session.state;
  const session: SessionRecord = { ...a.session, ...patch, state: to, status: publicStatus(to), updated_at: at };
  return { next: { session, artifacts }, effects: [...effects, from === to ? { type: 'realtime', event: 'session.updated', data: { session_id: session.id, state: to } } : changed(session, from)] };
}

/** A change that keeps the state (data, stage bookkeeping). */
function same(a: SessionAggregate, patch: Partial<SessionRecord>, artifacts = a.artifacts, effects: Effect[] = []): Accepted {
  return { next: { session: { ...a.session, ...patch }, artifacts }, effects };
}

function autoDecision(a: SessionAggregate, d: ReturnType<typeof decide>, numbers: Record<string, unknown>, at: string, to: 'completed' | 'failed'): Outcome {
  const s = a.session;
  if (s.state !== 'processing') return notIn(s, 'be decided by the pipeline');
  // Never overwrite a decision; the pipeline only decides where none exists.
  if (s.decision) return reject('decision_final', 'this session already has a decision');
  const decision: Decision = { result: d.result, reasons: d.reasons, decided_by: 'auto', decided_at: at };
  return move(a, to, at, { result: d.result, decision, completed_at: at }, [
    { type: 'audit', action: 'decision.auto', details: { result: d.result, reasons: d.reasons.map((r) => r.code) } },
    { type: 'webhook', event: 'video.completed', data: { session_id: s.id, video_mode: s.profile.video_mode, status: 'completed', result: d.result, reasons: d.reasons.map((r) => r.code), external_id: s.external_id, ...numbers } },
  ]);
}

function humanDecision(a: SessionAggregate, c: { result: HumanResult; notes?: string | undefined; reasons?: string[] | undefined }, actor: Actor, at: string, action: string): Outcome {
  const s = a.session;
  const by = actorRef(actor);
  const claim = activeClaim(s, at);
  if (claim && !sameActor(claim.actor, actor)) return reject('review_claimed_by_other', 'another reviewer holds this session');
  const label = agentLabel(actor);
  const decision: Decision = {
    result: c.result,
    // The reviewer's own reasons when given; otherwise the automatic findings stay as the context
    // the human decided on (the previous decision is also in the audit log).
    reasons: c.reasons?.length ? c.reasons.map((code) => ({ code, message: 'set by reviewer', stage: 'review' })) : (s.decision?.reasons ?? []),
    decided_by: label,
    decided_at: at,
    actor: { kind: actor.kind, id: actor.id },
  };
  if (s.decision && !isAutomatic(s.decision)) return reject('decision_final', 'this session already has a human decision');
  return move(a, 'completed', at, {
    result: c.result, decision, reviewed_at: at, agent_id: label, agent_notes: c.notes ?? null, reviewed_by: by,
    completed_at: s.completed_at ?? at, review_claim: null,
  }, [
    { type: 'audit', action, details: { previous: s.decision, result: c.result, notes: c.notes ?? null, reviewed_by: by } },
    { type: 'webhook', event: 'video.reviewed', data: {
      session_id: s.id, video_mode: s.profile.video_mode, status: 'completed', result: c.result, previous_result: s.result,
      reviewed_at: at, agent_id: label, agent_notes: c.notes ?? null, reviewed_by: by, external_id: s.external_id,
    } },
  ]);
}

function activeClaim(s: SessionRecord, at: string) {
  return s.review_claim && new Date(s.review_claim.expires_at) > new Date(at) ? s.review_claim : null;
}

const sameActor = (a: ReviewedBy, b: Actor) => a.kind === b.kind && a.id === b.id;

function claimReview(a: SessionAggregate, ttlSeconds: number, actor: Actor, at: string): Outcome {
  const s = a.session;
  if (s.state !== 'completed' && s.state !== 'failed') return notIn(s, 'be claimed for review', 'session_not_reviewable');
  if (s.decision && !isAutomatic(s.decision)) return reject('decision_final', 'this session already has a human decision');
  const claim = activeClaim(s, at);
  if (claim && !sameActor(claim.actor, actor)) return reject('review_claimed_by_other', 'another reviewer holds this session');
  const expires_at = new Date(new Date(at).getTime() + ttlSeconds * 1000).toISOString();
  const review_claim = { actor: actorRef(actor), expires_at };
  return same(a, { review_claim }, undefined, [
    { type: 'audit', action: 'review.claimed', details: { expires_at } },
    { type: 'realtime', event: 'session.review_claimed', data: { session_id: s.id, by: review_claim.actor, expires_at } },
  ]);
}

/**
 * Erase keeps a tombstone: ids, project, timestamps, status, result. Everything else about the person
 * goes. Work still open (capture, queue, processing) ends as `canceled` so nothing resumes it. The
 * audit record is written when the store has removed the rows and bytes (it counts them).
 */
function erase(a: SessionAggregate, at: string): Accepted {
  const s = a.session;
  const open = !['completed', 'failed', 'expired', 'canceled'].includes(s.state);
  const scrub: Partial<SessionRecord> = {
    erased_at: at, metadata: null, expected_data: null, client_info: null, capture_plan: null, external_id: null, account_id: null,
    redirect_url: null, agent_notes: null, phrase_attempts: [], decision: null, review_claim: null,
  };
  const effects: Effect[] = [{ type: 'realtime', event: 'session.erased', data: { session_id: s.id } }];
  return open ? move(a, 'canceled', at, scrub, effects, []) : { next: { session: { ...s, ...scrub, updated_at: at }, artifacts: [] }, effects };
}
