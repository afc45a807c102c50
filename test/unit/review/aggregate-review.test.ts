import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Actor, apiKeyActor, type UserRole } from '../../../src/domain/actor.ts';
import type { Decision, Profile } from '../../../src/domain/session.ts';
import { apply, type Command, type Effect, isRejection, type Outcome, type SessionAggregate } from '../../../src/sessions/aggregate.ts';
import type { SessionRecord } from '../../../src/sessions/rows.ts';

// The review rules of the aggregate (sessions/aggregate-review.ts), pure: override confirmation,
// four-eyes, second approval, resubmission.

const P = 'prj_1';
const AT = '2026-01-01T12:00:00.000Z';
const profile: Profile = { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false };
const user = (id: string, ...roles: UserRole[]): Actor => ({ kind: 'user', id, projectId: P, roles, name: id.toUpperCase() });
const ann = user('usr_ann', 'reviewer');
const bob = user('usr_bob', 'reviewer');
const aud = user('usr_aud', 'auditor');

function processed(result: 'declined' | 'needs_review', over: Partial<SessionRecord> = {}): SessionAggregate {
  const decision: Decision = { result, reasons: [{ code: result === 'declined' ? 'face_mismatch' : 'face_match_uncertain', message: 'm', stage: 'face_match' }], decided_by: 'auto', decided_at: AT };
  const session: SessionRecord = {
    id: 'ses_1', project_id: P, status: 'completed', state: 'completed', result, profile, external_id: null, account_id: null, referring_session_id: null,
    redirect_url: null, metadata: null, expected_data: null, client_info: null, decision, capture_plan: null, phrase_attempts: [], expires_at: AT,
    created_at: AT, updated_at: AT, completed_at: AT, recorded_at: AT, reviewed_at: null, agent_id: null, agent_notes: null, erased_at: null, version: 1,
    review_claim: null, reviewed_by: null, pending_approval: null, face_score: 31, ...over,
  };
  return { session, artifacts: ['selfie'] };
}

const run = (a: SessionAggregate, c: Command, actor: Actor) => apply(a, c, actor, AT);
const ok = (o: Outcome) => {
  if (isRejection(o)) throw new Error(`rejected: ${o.error}`);
  return o;
};
const code = (o: Outcome) => (isRejection(o) ? o.error : 'accepted');
const webhooks = (effects: Effect[]) => effects.flatMap((e) => (e.type === 'webhook' ? [e.event] : []));
const approve = (extra: object = {}): Command => ({ type: 'review_decided', result: 'approved', reasons: ['automated_false_positive'], ...extra });

test('a person approving an automatic decline must confirm and write why; an API key is not asked', () => {
  assert.equal(code(run(processed('declined'), approve({ notes: 'a long enough reason' }), ann)), 'override_confirmation_required');
  assert.equal(code(run(processed('declined'), approve({ confirm_override: true, notes: 'short' }), ann)), 'override_reason_required');
  assert.equal(code(run(processed('declined'), approve({ confirm_override: true, notes: 'same person, older photo' }), ann)), 'accepted');
  assert.equal(code(run(processed('declined'), approve(), apiKeyActor(P, 'key_1', 'alice'))), 'accepted');
  assert.equal(code(run(processed('needs_review'), approve(), ann)), 'accepted', 'nothing to override');
});

test('four-eyes holds an approval of a decline or a high-risk session, without a webhook; other decisions are final', () => {
  const held = ok(run(processed('declined'), approve({ confirm_override: true, notes: 'same person, older photo', four_eyes: { high_risk: false } }), ann));
  assert.equal(held.next.session.result, 'declined');
  assert.equal(held.next.session.pending_approval?.why, 'overrides_decline');
  assert.equal(held.next.session.pending_approval?.by.id, 'usr_ann');
  assert.deepEqual(webhooks(held.effects), []);
  const risky = ok(run(processed('needs_review'), approve({ four_eyes: { high_risk: true } }), ann));
  assert.equal(risky.next.session.pending_approval?.why, 'high_risk');
  const plain = ok(run(processed('needs_review'), approve({ four_eyes: { high_risk: false } }), ann));
  assert.equal(plain.next.session.pending_approval, null);
  assert.deepEqual(webhooks(plain.effects), ['video.reviewed']);
  const decline = ok(run(processed('declined'), { type: 'review_decided', result: 'declined', reasons: ['face_mismatch'], four_eyes: { high_risk: true } }, ann));
  assert.deepEqual(webhooks(decline.effects), ['video.reviewed'], 'a decline is never held');
});

test('four-eyes holds every approval of a live-agent call (the concurrent audit); without four-eyes the agent decides alone', () => {
  const live = processed('needs_review', { profile: { ...profile, steps: ['selfie', 'video'], video_mode: 'live_agent' } });
  const held = ok(run(live, approve({ four_eyes: { high_risk: false } }), ann));
  assert.equal(held.next.session.pending_approval?.why, 'live_agent_call');
  assert.deepEqual(webhooks(held.effects), []);
  const confirmed = ok(run(held.next, { type: 'second_approval_decided', confirm: true }, aud));
  assert.deepEqual(webhooks(confirmed.effects), ['video.reviewed'], 'the auditor confirms: final');
  const alone = ok(run(live, approve(), ann));
  assert.equal(alone.next.session.pending_approval, null);
  assert.deepEqual(webhooks(alone.effects), ['video.reviewed']);
});

test('second approval: not the same person, not without a pending decision; confirm finalises as the first reviewer, reject drops it', () => {
  const held = ok(run(processed('declined'), approve({ confirm_override: true, notes: 'same person, older photo', four_eyes: { high_risk: false } }), ann)).next;
  assert.equal(code(run(held, { type: 'second_approval_decided', confirm: true }, ann)), 'four_eyes_same_user');
  assert.equal(code(run(held, { type: 'review_decided', result: 'declined' }, bob)), 'approval_pending');
  assert.equal(code(run(held, { type: 'second_approval_decided', confirm: true }, user('usr_agent', 'agent'))), 'actor_forbidden');
  assert.equal(code(run(processed('declined'), { type: 'second_approval_decided', confirm: true }, bob)), 'no_pending_approval');
  const done = ok(run(held, { type: 'second_approval_decided', confirm: true, notes: 'agree' }, aud));
  assert.equal(done.next.session.result, 'approved');
  assert.equal(done.next.session.reviewed_by?.id, 'usr_ann');
  assert.equal(done.next.session.decision?.confirmed_by?.id, 'usr_aud');
  assert.equal(done.next.session.pending_approval, null);
  assert.deepEqual(webhooks(done.effects), ['video.reviewed']);
  const dropped = ok(run(held, { type: 'second_approval_decided', confirm: false }, bob));
  assert.equal(dropped.next.session.pending_approval, null);
  assert.equal(dropped.next.session.result, 'declined');
  assert.equal(dropped.next.session.decision?.decided_by, 'auto', 'the automatic decision stays: back in the queue');
});

test('resubmission: declined with its outcome and its own webhook; the reviewer\'s reason reads as its label', () => {
  const r = ok(run(processed('needs_review'), { type: 'review_decided', result: 'declined', resubmission: true, reasons: ['poor_quality'] }, ann));
  assert.equal(r.next.session.decision?.outcome, 'resubmission_requested');
  assert.equal(r.next.session.decision?.reasons[0]?.message, 'Images or video too poor to decide');
  assert.deepEqual(webhooks(r.effects), ['video.resubmission_requested']);
});

test('a claim by another blocks the decision and the claim; after it expires both are free', () => {
  const claimed = ok(run(processed('needs_review'), { type: 'review_claimed', ttl_seconds: 900 }, ann)).next;
  assert.equal(code(run(claimed, approve(), bob)), 'review_claimed_by_other');
  assert.equal(code(run(claimed, { type: 'review_claimed', ttl_seconds: 900 }, bob)), 'review_claimed_by_other');
  const later = '2026-01-01T12:15:00.001Z';
  assert.equal(code(apply(claimed, { type: 'review_claimed', ttl_seconds: 900 }, bob, later)), 'accepted');
  assert.equal(code(apply(claimed, approve(), bob, later)), 'accepted');
});
