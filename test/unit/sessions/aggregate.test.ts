import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Actor, apiKeyActor, captureActor, systemActor } from '../../../src/domain/actor.ts';
import { type Profile, publicStatus, type SessionState } from '../../../src/domain/session.ts';
import { apply, type Command, type Effect, isRejection, type RejectionCode, type SessionAggregate } from '../../../src/sessions/aggregate.ts';
import type { SessionRecord } from '../../../src/sessions/rows.ts';

// One named test per transition of the session aggregate, legal and illegal (issue 14: "a test per
// transition, including the illegal ones"). The aggregate is pure, so each case is a call.

const P = 'prj_1';
const ID = 'ses_1';
const NOW = '2026-01-01T12:00:00.000Z';
const LATER = '2026-01-01T13:00:00.000Z';

const selfRecord: Profile = { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false };
const liveAgent: Profile = { ...selfRecord, steps: ['selfie', 'video'], video_mode: 'live_agent' };

function record(state: SessionState, over: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: ID, project_id: P, status: publicStatus(state), state, result: null, profile: selfRecord, external_id: 'ext-1', account_id: null,
    referring_session_id: null, redirect_url: null, metadata: null, expected_data: null, client_info: null, decision: null, capture_plan: null,
    phrase_attempts: [], expires_at: LATER, created_at: NOW, updated_at: NOW, completed_at: null, recorded_at: null, reviewed_at: null,
    agent_id: null, agent_notes: null, erased_at: null, version: 0, review_claim: null, reviewed_by: null, ...over,
  };
}

const autoDecision = { result: 'needs_review' as const, reasons: [{ code: 'low_quality', message: 'x', stage: 'faces' }], decided_by: 'auto', decided_at: NOW };
const humanDecision = { ...autoDecision, result: 'approved' as const, decided_by: 'ann', actor: { kind: 'api_key' as const, id: 'key_a' } };

/** A session in `state`, with what that state implies (decided sessions have a decision, live-agent ones their profile). */
function agg(state: SessionState, over: Partial<SessionRecord> = {}, artifacts: string[] = ['selfie']): SessionAggregate {
  const implied: Partial<SessionRecord> = state === 'completed' || state === 'failed' ? { result: 'needs_review', decision: autoDecision } : {};
  const profile = state === 'awaiting_agent' || state === 'in_call' ? { profile: liveAgent } : {};
  return { session: record(state, { ...implied, ...profile, ...over }), artifacts };
}

const key: Actor = apiKeyActor(P, 'key_a', 'ann');
const otherKey: Actor = apiKeyActor(P, 'key_b', 'bob');
const capture: Actor = captureActor(P, ID);
const system: Actor = systemActor(P, 'pipeline');
const user = (id: string, ...roles: Actor['roles'][number][]): Actor => ({ kind: 'user', id, projectId: P, roles });

interface Case {
  name: string;
  from: SessionAggregate;
  command: Command;
  actor: Actor;
  at?: string;
  /** The state it moves to, or the rejection code. */
  expect: { state: SessionState } | { error: RejectionCode };
  check?: (next: SessionRecord, effects: Effect[]) => void;
}

const ALL: SessionState[] = ['pending', 'in_progress', 'awaiting_agent', 'in_call', 'processing', 'completed', 'failed', 'expired', 'canceled'];
const to = (state: SessionState) => ({ state });
const refused = (error: RejectionCode) => ({ error });
const effectTypes = (effects: Effect[]) => effects.map((e) => (e.type === 'audit' ? `audit:${e.action}` : e.type === 'webhook' ? `webhook:${e.event}` : e.type === 'job' ? `job:${e.name}` : `realtime:${e.event}`));

/** Cases for one command from every state: `legal` maps a state to its outcome, every other state gets `otherwise`. */
function fromEvery(command: Command, actor: Actor, legal: Partial<Record<SessionState, Case['expect']>>, otherwise: RejectionCode, over: (s: SessionState) => Partial<SessionRecord> = () => ({})): Case[] {
  return ALL.map((s) => ({ name: `${command.type} from ${s}`, from: agg(s, over(s)), command, actor, expect: legal[s] ?? refused(otherwise) }));
}


const cases: Case[] = [
  // create
  { name: 'create from nothing', from: null as unknown as SessionAggregate, command: { type: 'create', session: record('pending') }, actor: key, expect: to('pending') },
  { name: 'create over an existing session', from: agg('pending'), command: { type: 'create', session: record('pending') }, actor: key, expect: refused('transition_not_allowed') },
  { name: 'create by a capture token', from: null as unknown as SessionAggregate, command: { type: 'create', session: record('pending') }, actor: capture, expect: refused('actor_forbidden') },

  // capture: uploads, device info, phrase attempts, complete
  ...fromEvery({ type: 'capture_plan_drawn', plan: { phrase: null, challenges: [{ type: 'blink', at_seconds: 1 }] } }, system, { pending: to('pending'), in_progress: to('in_progress') }, 'transition_not_allowed'),
  { name: 'capture_plan_drawn by the capture page', from: agg('pending'), command: { type: 'capture_plan_drawn', plan: { phrase: null, challenges: [] } }, actor: capture, expect: refused('actor_forbidden') },
  ...fromEvery({ type: 'upload', kind: 'selfie' }, capture, { pending: to('in_progress'), in_progress: to('in_progress'), expired: refused('session_expired'), canceled: refused('session_canceled') }, 'session_already_completed'),
  { name: 'upload after expires_at (not yet swept)', from: agg('in_progress'), command: { type: 'upload', kind: 'selfie' }, actor: capture, at: '2026-01-01T14:00:00.000Z', expect: refused('session_expired') },
  { name: 'upload with another session\'s capture token', from: agg('pending'), command: { type: 'upload', kind: 'selfie' }, actor: captureActor(P, 'ses_other'), expect: refused('actor_forbidden') },
  { name: 'upload by the pipeline', from: agg('pending'), command: { type: 'upload', kind: 'selfie' }, actor: system, expect: refused('actor_forbidden') },
  { name: 'upload of a video records recorded_at', from: agg('in_progress'), command: { type: 'upload', kind: 'video' }, actor: capture, expect: to('in_progress'), check: (n) => assert.equal(n.recorded_at, NOW) },
  // A live-agent page reports device signals while its user waits in the agent queue (fire and forget after complete).
  ...fromEvery({ type: 'client_info_recorded', info: { user_agent: 'UA' } }, capture, { pending: to('pending'), in_progress: to('in_progress'), awaiting_agent: to('awaiting_agent'), in_call: to('in_call'), expired: refused('session_expired'), canceled: refused('session_canceled') }, 'session_already_completed'),
  { name: 'client_info_recorded merges with what was recorded', from: agg('in_progress', { client_info: { timezone: 'UTC' } }), command: { type: 'client_info_recorded', info: { user_agent: 'UA' } }, actor: capture, expect: to('in_progress'), check: (n) => assert.deepEqual(n.client_info, { timezone: 'UTC', user_agent: 'UA' }) },
  { name: 'phrase_attempt_recorded from in_progress', from: agg('in_progress'), command: { type: 'phrase_attempt_recorded', previous: 0, attempts: [{ status: 'SUCCESS', userInput: 'x', attemptNumber: 1 }] }, actor: capture, expect: to('in_progress'), check: (n) => assert.equal(n.phrase_attempts.length, 1) },
  { name: 'phrase_attempt_recorded racing another tab', from: agg('in_progress', { phrase_attempts: [{ status: 'NO_SPEECH', userInput: '', attemptNumber: 1 }] }), command: { type: 'phrase_attempt_recorded', previous: 0, attempts: [] }, actor: capture, expect: refused('idempotency_conflict') },
  { name: 'phrase_attempt_recorded from processing', from: agg('processing'), command: { type: 'phrase_attempt_recorded', previous: 0, attempts: [] }, actor: capture, expect: refused('session_already_completed') },
  ...fromEvery({ type: 'complete', report: null }, capture, { pending: to('processing'), in_progress: to('processing'), expired: refused('session_expired'), canceled: refused('session_canceled') }, 'session_already_completed'),
  { name: 'complete enqueues the verify job and announces the change', from: agg('in_progress'), command: { type: 'complete', report: null }, actor: capture, expect: to('processing'), check: (_n, e) => assert.deepEqual(effectTypes(e), ['job:verify-session', 'realtime:session.state_changed']) },
  { name: 'complete with a missing step', from: agg('in_progress', {}, []), command: { type: 'complete', report: null }, actor: capture, expect: refused('steps_incomplete') },
  { name: 'complete of a live-agent session joins the agent queue (no job)', from: agg('in_progress', { profile: liveAgent }), command: { type: 'complete', report: null }, actor: capture, expect: to('awaiting_agent'), check: (_n, e) => assert.deepEqual(effectTypes(e), ['realtime:session.state_changed']) },
  { name: 'complete stores the page report with the plan', from: agg('in_progress', { capture_plan: { phrase: null, challenges: [] } }), command: { type: 'complete', report: { phrase_window: { from: 1, to: 5 }, challenge_events: [] } }, actor: capture, expect: to('processing'), check: (n) => assert.deepEqual(n.capture_plan?.page_report?.phrase_window, { from: 1, to: 5 }) },

  // the agent queue and live calls
  { name: 'queue_joined from in_progress (live agent)', from: agg('in_progress', { profile: liveAgent }), command: { type: 'queue_joined' }, actor: capture, expect: to('awaiting_agent') },
  { name: 'queue_joined of a self-record session', from: agg('in_progress'), command: { type: 'queue_joined' }, actor: capture, expect: refused('transition_not_allowed') },
  { name: 'queue_joined from awaiting_agent', from: agg('awaiting_agent'), command: { type: 'queue_joined' }, actor: capture, expect: refused('session_already_completed') },
  ...fromEvery({ type: 'queue_left' }, capture, { awaiting_agent: to('in_progress') }, 'transition_not_allowed'),
  ...fromEvery({ type: 'call_started' }, user('u_agent', 'agent'), { awaiting_agent: to('in_call') }, 'transition_not_allowed'),
  { name: 'call_started by a reviewer without the agent role', from: agg('awaiting_agent'), command: { type: 'call_started' }, actor: user('u_rev', 'reviewer'), expect: refused('actor_forbidden') },
  { name: 'call_started by the capture page', from: agg('awaiting_agent'), command: { type: 'call_started' }, actor: capture, expect: refused('actor_forbidden') },
  ...fromEvery({ type: 'call_ended' }, user('u_agent', 'agent'), { in_call: to('awaiting_agent'), awaiting_agent: to('awaiting_agent'), in_progress: to('in_progress'), completed: to('completed'), expired: to('expired'), canceled: to('canceled') }, 'transition_not_allowed'),
  { name: 'call_ended keeps the recordings and, final, sends video.completed', from: agg('in_call'), command: { type: 'call_ended', recordings: ['call_user-1', 'call_agent-1'], recorded_at: '2026-01-01T00:00:00.000Z', duration_seconds: 61, final: true }, actor: system, expect: to('awaiting_agent'), check: (n, e) => {
    assert.equal(n.recorded_at, '2026-01-01T00:00:00.000Z');
    const hook = e.find((x) => x.type === 'webhook');
    assert.equal(hook?.type === 'webhook' && hook.event, 'video.completed');
    assert.equal(hook?.type === 'webhook' && hook.data.duration_seconds, 61);
  } },
  { name: 'call_ended without final sends no webhook (the user is requeued)', from: agg('in_call'), command: { type: 'call_ended', recordings: [] }, actor: system, expect: to('awaiting_agent'), check: (_n, e) => assert.equal(e.some((x) => x.type === 'webhook'), false) },
  ...fromEvery({ type: 'agent_escalated', reasons: ['second_opinion'] }, user('u_agent', 'agent'), { awaiting_agent: to('completed'), in_call: to('completed') }, 'session_not_reviewable'),
  { name: 'agent_escalated leaves a decision a reviewer may still take', from: agg('in_call'), command: { type: 'agent_escalated', reasons: ['document_unclear'], notes: 'blurry' }, actor: user('u_agent', 'agent'), expect: to('completed'), check: (n) => {
    assert.equal(n.result, 'needs_review');
    assert.equal(n.agent_notes, 'blurry');
    assert.equal(n.decision?.actor?.kind, 'system');
  } },
  ...fromEvery({ type: 'call_still_stored', kind: 'call_still-1' }, user('u_agent', 'agent'), { in_call: to('in_call') }, 'transition_not_allowed'),
  ...fromEvery({ type: 'switched_to_self_record' }, capture, { awaiting_agent: to('in_progress') }, 'transition_not_allowed'),
  { name: 'switched_to_self_record makes the video a self-recorded one', from: agg('awaiting_agent', { profile: { ...liveAgent } as never }), command: { type: 'switched_to_self_record' }, actor: capture, expect: to('in_progress'), check: (n) => assert.equal(n.profile.video_mode, 'self_record') },
  { name: 'switched_to_self_record by an agent', from: agg('awaiting_agent'), command: { type: 'switched_to_self_record' }, actor: user('u_agent', 'agent'), expect: refused('actor_forbidden') },
  ...fromEvery({ type: 'agent_decided', result: 'approved' }, user('u_agent', 'agent'), { awaiting_agent: to('completed'), in_call: to('completed') }, 'session_not_reviewable'),
  { name: 'agent_decided emits video.reviewed with the agent', from: agg('in_call'), command: { type: 'agent_decided', result: 'declined', notes: 'n' }, actor: user('u_agent', 'agent'), expect: to('completed'), check: (n, e) => {
    assert.equal(n.result, 'declined');
    assert.equal(n.agent_id, 'u_agent');
    const hook = e.find((x) => x.type === 'webhook');
    assert.equal(hook?.type === 'webhook' && hook.event, 'video.reviewed');
  } },

  // the pipeline
  ...fromEvery({ type: 'processing_started' }, system, { processing: to('processing') }, 'transition_not_allowed'),
  { name: 'processing_started by an API key', from: agg('processing'), command: { type: 'processing_started' }, actor: key, expect: refused('actor_forbidden') },
  ...fromEvery({ type: 'stage_started', stage: 'faces' }, system, { processing: to('processing') }, 'transition_not_allowed'),
  ...fromEvery({ type: 'stage_finished', stage: 'faces', status: 'completed' }, system, { processing: to('processing') }, 'transition_not_allowed'),
  ...fromEvery({ type: 'evidence_stored', kind: 'evidence_selfie_face' }, system, { processing: to('processing') }, 'transition_not_allowed'),
  ...fromEvery({ type: 'liveness_checked' }, capture, { pending: to('pending'), in_progress: to('in_progress'), awaiting_agent: to('awaiting_agent'), in_call: to('in_call'), processing: to('processing'), completed: to('completed'), failed: to('failed'), expired: to('expired'), canceled: to('canceled') }, 'transition_not_allowed'),
  ...fromEvery({ type: 'decided', findings: [], numbers: {} }, system, { processing: to('completed') }, 'transition_not_allowed'),
  { name: 'decided: the policy\'s result, an audit record and video.completed', from: agg('processing'), command: { type: 'decided', findings: [{ code: 'face_mismatch', message: 'm', stage: 'face_match' }], numbers: { face_match_score: 12 } }, actor: system, expect: to('completed'), check: (n, e) => {
    assert.equal(n.result, 'declined');
    assert.equal(n.decision?.decided_by, 'auto');
    assert.deepEqual(effectTypes(e), ['audit:decision.auto', 'webhook:video.completed', 'realtime:session.state_changed']);
    const hook = e[1];
    assert.equal(hook?.type === 'webhook' && hook.data.face_match_score, 12);
    assert.equal(hook?.type === 'webhook' && hook.data.external_id, 'ext-1');
  } },
  { name: 'decided by an API key', from: agg('processing'), command: { type: 'decided', findings: [], numbers: {} }, actor: key, expect: refused('actor_forbidden') },
  { name: 'decided where a decision exists', from: agg('processing', { decision: autoDecision }), command: { type: 'decided', findings: [], numbers: {} }, actor: system, expect: refused('decision_final') },
  ...fromEvery({ type: 'processing_failed', reason: 'job_failed', numbers: {} }, systemActor(P, 'job-runner'), { processing: to('failed') }, 'transition_not_allowed'),
  { name: 'processing_failed: needs_review with processing_failed, and video.completed', from: agg('processing'), command: { type: 'processing_failed', reason: 'stuck', numbers: {} }, actor: systemActor(P, 'sweeper'), expect: to('failed'), check: (n, e) => {
    assert.equal(n.status, 'completed');
    assert.equal(n.result, 'needs_review');
    assert.deepEqual(n.decision?.reasons.map((r) => r.code), ['processing_failed']);
    assert.deepEqual(n.decision?.reasons[0]?.details, { reason: 'stuck' });
    assert.deepEqual(effectTypes(e), ['audit:decision.auto', 'webhook:video.completed', 'realtime:session.state_changed']);
  } },

  // review: claim, release, decide
  ...fromEvery({ type: 'review_claimed', ttl_seconds: 600 }, user('u_a', 'reviewer'), { completed: to('completed'), failed: to('failed') }, 'session_not_reviewable'),
  { name: 'review_claimed: reviewer and expiry are kept', from: agg('completed'), command: { type: 'review_claimed', ttl_seconds: 600 }, actor: user('u_a', 'reviewer'), expect: to('completed'), check: (n) => assert.deepEqual(n.review_claim, { actor: { kind: 'user', id: 'u_a' }, expires_at: '2026-01-01T12:10:00.000Z' }) },
  { name: 'review_claimed while another reviewer holds it', from: agg('completed', { review_claim: { actor: { kind: 'user', id: 'u_a' }, expires_at: LATER } }), command: { type: 'review_claimed', ttl_seconds: 600 }, actor: user('u_b', 'reviewer'), expect: refused('review_claimed_by_other') },
  { name: 'review_claimed after another reviewer\'s claim expired', from: agg('completed', { review_claim: { actor: { kind: 'user', id: 'u_a' }, expires_at: NOW } }), command: { type: 'review_claimed', ttl_seconds: 600 }, actor: user('u_b', 'reviewer'), expect: to('completed') },
  { name: 'review_claimed by an auditor', from: agg('completed'), command: { type: 'review_claimed', ttl_seconds: 600 }, actor: user('u_c', 'auditor'), expect: refused('actor_forbidden') },
  { name: 'review_claimed by the capture page', from: agg('completed'), command: { type: 'review_claimed', ttl_seconds: 600 }, actor: capture, expect: refused('actor_forbidden') },
  { name: 'review_claimed of a human decision', from: agg('completed', { decision: humanDecision }), command: { type: 'review_claimed', ttl_seconds: 600 }, actor: user('u_a', 'reviewer'), expect: refused('decision_final') },
  { name: 'review_released by the holder', from: agg('completed', { review_claim: { actor: { kind: 'user', id: 'u_a' }, expires_at: LATER } }), command: { type: 'review_released' }, actor: user('u_a', 'reviewer'), expect: to('completed'), check: (n) => assert.equal(n.review_claim, null) },
  { name: 'review_released by someone else', from: agg('completed', { review_claim: { actor: { kind: 'user', id: 'u_a' }, expires_at: LATER } }), command: { type: 'review_released' }, actor: user('u_b', 'reviewer'), expect: refused('review_claimed_by_other') },
  { name: 'review_released with no claim', from: agg('completed'), command: { type: 'review_released' }, actor: user('u_a', 'reviewer'), expect: refused('review_not_claimed') },
  // The old bug: review moved in_progress → completed. Reviews are for processed sessions only.
  ...fromEvery({ type: 'review_decided', result: 'approved' }, key, { completed: to('completed'), failed: to('completed') }, 'session_not_reviewable'),
  { name: 'review_decided: reviewed_by is the key, the body name marked integrator-supplied', from: agg('completed'), command: { type: 'review_decided', result: 'approved', notes: 'ok' }, actor: key, expect: to('completed'), check: (n, e) => {
    assert.deepEqual(n.reviewed_by, { kind: 'api_key', id: 'key_a', name: 'ann', name_source: 'integrator' });
    assert.equal(n.agent_id, 'ann');
    assert.deepEqual(n.decision?.actor, { kind: 'api_key', id: 'key_a' });
    assert.deepEqual(n.decision?.reasons, autoDecision.reasons, 'the findings stay as context');
    assert.deepEqual(effectTypes(e), ['audit:decision.review', 'webhook:video.reviewed', 'realtime:session.updated']);
    const hook = e[1];
    assert.equal(hook?.type === 'webhook' && hook.data.agent_id, 'ann');
    assert.equal(hook?.type === 'webhook' && hook.data.previous_result, 'needs_review');
  } },
  { name: 'review_decided of a failed processing ends it completed', from: agg('failed'), command: { type: 'review_decided', result: 'declined' }, actor: user('u_a', 'reviewer'), expect: to('completed'), check: (n) => assert.equal(n.result, 'declined') },
  { name: 'review_decided by B of a review claimed by A', from: agg('completed', { review_claim: { actor: { kind: 'user', id: 'u_a' }, expires_at: LATER } }), command: { type: 'review_decided', result: 'approved' }, actor: user('u_b', 'reviewer'), expect: refused('review_claimed_by_other') },
  { name: 'review_decided by A of a review claimed by A clears the claim', from: agg('completed', { review_claim: { actor: { kind: 'user', id: 'u_a' }, expires_at: LATER } }), command: { type: 'review_decided', result: 'approved' }, actor: user('u_a', 'reviewer'), expect: to('completed'), check: (n) => assert.equal(n.review_claim, null) },
  { name: 'review_decided over a human decision', from: agg('completed', { decision: humanDecision }), command: { type: 'review_decided', result: 'declined' }, actor: otherKey, expect: refused('decision_final') },
  { name: 'review_decided over a reviewer who named themselves "auto"', from: agg('completed', { decision: { ...humanDecision, decided_by: 'auto' } }), command: { type: 'review_decided', result: 'declined' }, actor: otherKey, expect: refused('decision_final') },
  { name: 'review_decided by the capture page', from: agg('completed'), command: { type: 'review_decided', result: 'approved' }, actor: capture, expect: refused('actor_forbidden') },
  { name: 'review_decided by the pipeline', from: agg('completed'), command: { type: 'review_decided', result: 'approved' }, actor: system, expect: refused('actor_forbidden') },
  { name: 'review_decided by a key of another project', from: agg('completed'), command: { type: 'review_decided', result: 'approved' }, actor: apiKeyActor('prj_2', 'key_x'), expect: refused('actor_forbidden') },

  // cancel, expire, erase
  ...fromEvery({ type: 'cancel' }, key, { pending: to('canceled'), in_progress: to('canceled'), awaiting_agent: to('canceled') }, 'session_not_cancelable'),
  { name: 'cancel by the capture page', from: agg('pending'), command: { type: 'cancel' }, actor: capture, expect: refused('actor_forbidden') },
  ...fromEvery({ type: 'expire' }, systemActor(P, 'expiry'), { pending: to('expired'), in_progress: to('expired'), awaiting_agent: to('expired') }, 'transition_not_allowed', () => ({ expires_at: NOW })),
  { name: 'expire before expires_at', from: agg('pending'), command: { type: 'expire' }, actor: systemActor(P, 'expiry'), expect: refused('session_not_expired') },
  { name: 'expire by an API key', from: agg('pending', { expires_at: NOW }), command: { type: 'expire' }, actor: key, expect: refused('actor_forbidden') },
  ...fromEvery({ type: 'erase' }, key, { pending: to('canceled'), in_progress: to('canceled'), awaiting_agent: to('canceled'), in_call: to('canceled'), processing: to('canceled'), completed: to('completed'), failed: to('failed'), expired: to('expired'), canceled: to('canceled') }, 'transition_not_allowed'),
  { name: 'erase scrubs the person\'s data and keeps the tombstone', from: agg('completed', { metadata: { a: 1 }, client_info: { ip_address: '1.2.3.4' }, agent_notes: 'n' }), command: { type: 'erase' }, actor: key, expect: to('completed'), check: (n, e) => {
    assert.equal(n.erased_at, NOW);
    assert.equal(n.external_id, null);
    assert.equal(n.metadata, null);
    assert.equal(n.client_info, null);
    assert.equal(n.decision, null);
    assert.equal(n.result, 'needs_review', 'the outcome stays on the tombstone');
    assert.deepEqual(effectTypes(e), ['realtime:session.erased']);
  } },
  { name: 'erase by the capture page', from: agg('pending'), command: { type: 'erase' }, actor: capture, expect: refused('actor_forbidden') },
  { name: 'erase by the retention job', from: agg('completed'), command: { type: 'erase' }, actor: systemActor(P, 'retention'), expect: to('completed') },
];

// Every command on an erased session: the typed rejection a running job stops on.
const erasedCommands: Command[] = [
  { type: 'upload', kind: 'selfie' }, { type: 'stage_started', stage: 'faces' }, { type: 'stage_finished', stage: 'faces', status: 'completed' },
  { type: 'evidence_stored', kind: 'evidence_document_portrait' }, { type: 'decided', findings: [], numbers: {} },
  { type: 'processing_failed', reason: 'job_failed', numbers: {} }, { type: 'liveness_checked' }, { type: 'erase' }, { type: 'review_decided', result: 'approved' },
];
for (const c of erasedCommands) {
  cases.push({ name: `${c.type} on an erased session`, from: agg('canceled', { erased_at: NOW }), command: c, actor: c.type === 'upload' || c.type === 'liveness_checked' ? capture : c.type === 'erase' || c.type === 'review_decided' ? key : system, expect: refused('session_erased') });
}

describe('session aggregate', () => {
  for (const c of cases) {
    test(c.name, () => {
      const out = apply(c.from, c.command, c.actor, c.at ?? NOW);
      if ('error' in c.expect) {
        assert.ok(isRejection(out), `expected ${c.expect.error}, got state ${isRejection(out) ? '' : out.next.session.state}`);
        assert.equal(out.error, c.expect.error);
        assert.ok(out.message.length > 0);
        return;
      }
      assert.ok(!isRejection(out), `expected ${c.expect.state}, got ${isRejection(out) ? `${out.error}: ${out.message}` : ''}`);
      assert.equal(out.next.session.state, c.expect.state);
      assert.equal(out.next.session.status, publicStatus(c.expect.state), 'status is the projection of state');
      c.check?.(out.next.session, out.effects);
    });
  }
});

test('apply never changes its input (pure)', () => {
  const a = agg('in_progress');
  const before = JSON.stringify(a);
  apply(a, { type: 'complete', report: null }, capture, NOW);
  assert.equal(JSON.stringify(a), before);
});
