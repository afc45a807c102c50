import { z } from 'zod';
import { profileSchema, RESULTS, SESSION_STATES, SESSION_STATUSES } from '../../domain/session.ts';
import { jsonObject, named, nullableTimestamp, timestamp } from './registry.ts';

// Session answers: POST/GET /v1/sessions…, and their /api/v1 (Verilock) aliases.

const SES = 'ses_0d7c2d6e-5b1f-4c1e-9a55-3f4f1c2b9e10';

export const Profile = named('Profile', profileSchema, { description: 'The capture profile as stored (defaults filled in)' });

const status = z.enum(SESSION_STATUSES).describe('pending → in_progress (first upload) → processing (submitted) → completed; or expired / canceled');
const result = z.enum(RESULTS).nullable().describe('null until decided');
const state = z.enum(SESSION_STATES).describe('The session state, finer than status: awaiting_agent / in_call (status in_progress: live agent), failed (verification could not finish: status completed, result needs_review)');

export const ActorRef = named('ActorRef', z.object({
  kind: z.enum(['api_key', 'user', 'capture', 'system']),
  id: z.string().describe('API key id, dashboard user id, session id (capture) or system component'),
  name: z.string().optional(),
  name_source: z.enum(['integrator', 'account']).optional().describe('integrator: the name came in the request body of an API-key call (not verified); account: the signed-in user\'s name'),
}), { description: 'Who acted, from authentication', example: { kind: 'api_key', id: 'key_3f…', name: 'alice', name_source: 'integrator' } });

const reviewClaim = z.object({ actor: ActorRef, expires_at: timestamp });

export const Reason = named('Reason', z.object({
  code: z.string().describe('Finding code, e.g. face_mismatch, no_face, liveness_failed, phrase_mismatch, risk_flag, processing_failed'),
  message: z.string(),
  stage: z.string().optional().describe('The stage that reported it, or "review" for a reviewer\'s reason'),
  blocking: z.boolean().optional(),
  details: z.unknown().optional(),
}), { example: { code: 'face_mismatch', message: 'the video face does not match the document portrait', stage: 'face_match' } });

export const Decision = named('Decision', z.object({
  result: z.enum(RESULTS),
  reasons: z.array(Reason),
  decided_by: z.string().describe('"auto" for the pipeline, else the reviewer'),
  decided_at: timestamp,
  actor: ActorRef.optional().describe('Who took a human decision, from authentication'),
  outcome: z.literal('resubmission_requested').optional().describe('A reviewer declined and asked for a new capture'),
  confirmed_by: ActorRef.optional().describe('Four-eyes: who confirmed this human decision'),
}));

const PendingApproval = named('PendingApproval', z.object({
  result: z.enum(['approved', 'declined']), notes: z.string().nullable(), reasons: z.array(z.string()),
  action: z.enum(['decision.review', 'decision.agent']), why: z.enum(['overrides_decline', 'high_risk', 'live_agent_call']), by: ActorRef, at: timestamp,
}), { description: 'Four-eyes (project setting four_eyes): a human approval waiting for a second, different person; no webhook until confirmed' });

const pair = z.object({
  score: z.number().describe('0–100 similarity'),
  threshold: z.number().describe('match at or above'),
  decline_below: z.number().describe('mismatch (decline) below; in between: review'),
  outcome: z.enum(['match', 'review', 'mismatch']),
}).nullable();

export const FaceMatch = named('FaceMatch', z.object({
  face_match_score: z.number().nullable().describe('The lowest pair that includes the video face (or selfie↔document without video)'),
  threshold: z.number().nullable(),
  pairs: z.object({ video_selfie: pair, video_document: pair, selfie_document: pair }).describe('null: one side not captured or without a usable face'),
}), { description: 'Every face comparison by name; null until the face_match stage ran' });

export const Artifact = named('Artifact', z.object({
  kind: z.string().describe('document_front, document_back, selfie, video, or evidence crops (evidence_video_face_1, …)'),
  content_type: z.string(),
  bytes: z.number().int(),
  meta: jsonObject.nullable().describe('width/height, duration_seconds, has_audio…'),
  created_at: timestamp,
  url: z.string().describe('Signed media link (no key needed), valid MEDIA_URL_TTL_SECONDS (1 h default)'),
}));

export const StageRun = named('StageRun', z.object({
  stage: z.string().describe('probe, document, decode, faces, face_match, duplicates, liveness, speech, risk, liveness_api'),
  status: z.string().describe('running, completed or failed'),
  attempts: z.number().int(),
  started_at: nullableTimestamp,
  finished_at: nullableTimestamp,
  duration_ms: z.number().nullable(),
  result: jsonObject.nullable().describe('Scores, findings and evidence references of the stage'),
  error_code: z.string().nullable().describe('media_unreadable, media_timeout, engine_unavailable, stage_failed…'),
  error: z.string().nullable(),
}));

export const Risk = named('Risk', z.object({
  risk_score: z.number().optional(),
  risk_flags: z.array(z.string()).optional(),
  factors: z.unknown().optional(),
  device_network_signals: z.unknown().optional(),
  referring_session_signals: z.unknown().optional(),
  session_data: z.unknown().optional(),
  details: z.unknown().optional(),
  policy: z.unknown().optional(),
  compute_ms: z.number().optional(),
  attribution: z.string(),
}), { description: 'Risk signals (docs/risk.md); null until the risk stage ran' });

export const Session = named('Session', z.object({
  id: z.string(),
  object: z.literal('session'),
  status,
  state,
  result,
  reasons: z.array(Reason),
  decision: Decision.nullable(),
  profile: Profile,
  capture_url: z.string().nullable().describe('Hosted capture page while the session is open (pending, in_progress); null after'),
  redirect_url: z.string().nullable(),
  external_id: z.string().nullable(),
  account_id: z.string().nullable(),
  referring_session_id: z.string().nullable(),
  metadata: jsonObject.nullable(),
  expected_data: jsonObject.nullable(),
  client_info: jsonObject.nullable().describe('Device and network signals the capture page reported'),
  capture_plan: jsonObject.nullable().describe('{ phrase: { kind, text, check } | null, challenges: [{ type, at_seconds }], waiting_room, page_report? }'),
  face_match: FaceMatch.nullable(),
  artifacts: z.array(Artifact),
  risk: Risk.nullable(),
  verification: z.object({ stages: z.array(StageRun) }),
  expires_at: timestamp,
  created_at: timestamp,
  updated_at: timestamp,
  completed_at: nullableTimestamp,
  recorded_at: nullableTimestamp,
  reviewed_at: nullableTimestamp,
  reviewed_by: ActorRef.nullable().describe('Who took the human decision'),
  review_claim: reviewClaim.nullable().describe('A reviewer holding the session (POST …/review/claim) until expires_at'),
}));

export const SessionCreated = named('SessionCreated', z.object({
  id: z.string(),
  object: z.literal('session'),
  status,
  profile: Profile,
  capture_url: z.string().describe('Send the user here (redirect, link, QR code); the token in it is valid until expires_at'),
  expires_at: timestamp,
  created_at: timestamp,
  external_id: z.string().nullable(),
}), {
  example: {
    id: SES, object: 'session', status: 'pending',
    profile: { steps: ['document', 'selfie', 'video'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false },
    capture_url: 'https://kyc.example.com/capture/cap_eyJzaWQiOi…', expires_at: '2026-01-05T11:15:30.000Z', created_at: '2026-01-05T10:15:30.000Z', external_id: 'order-1042',
  },
});

export const SessionList = named('SessionList', z.object({
  object: z.literal('list'),
  data: z.array(z.object({
    id: z.string(), status, state, result, external_id: z.string().nullable(), account_id: z.string().nullable(),
    video_mode: z.enum(['self_record', 'live_agent']), steps: Profile.shape.steps, created_at: timestamp, expires_at: timestamp, completed_at: nullableTimestamp,
  })),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('Pass as ?cursor= for the next page'),
}), { example: { object: 'list', data: [{ id: SES, status: 'completed', state: 'completed', result: 'approved', external_id: 'order-1042', account_id: null, video_mode: 'self_record', steps: ['document', 'selfie', 'video'], created_at: '2026-01-05T10:15:30.000Z', expires_at: '2026-01-05T11:15:30.000Z', completed_at: '2026-01-05T10:19:02.000Z' }], has_more: false, next_cursor: null } });

export const VideoResult = named('VideoResult', z.object({
  session_id: z.string(),
  video_mode: z.enum(['self_record', 'live_agent']),
  status: z.enum(['pending', 'in_progress', 'completed', 'expired']).describe('The seed\'s four values: processing counts as in_progress, canceled as expired'),
  result,
  video_url: z.string().nullable().describe('Signed download link (/api/v1/sessions/{id}/video/download?exp&sig), 1 h'),
  duration_seconds: z.number().nullable(),
  face_match_score: z.number().nullable(),
  liveness_score: z.number().nullable(),
  transcript: z.string().nullable(),
  recorded_at: nullableTimestamp,
  reviewed_at: nullableTimestamp,
  agent_id: z.string().nullable(),
  agent_notes: z.string().nullable(),
}), { example: { session_id: SES, video_mode: 'self_record', status: 'completed', result: 'approved', video_url: 'https://kyc.example.com/api/v1/sessions/ses_…/video/download?exp=1767612930&sig=…', duration_seconds: 14, face_match_score: 91.2, liveness_score: 88, transcript: 'my name is ada lovelace and today is january fifth', recorded_at: '2026-01-05T10:18:40.000Z', reviewed_at: null, agent_id: null, agent_notes: null } });

export const SessionCanceled = named('SessionCanceled', z.object({ id: z.string(), status: z.literal('canceled') }), { example: { id: SES, status: 'canceled' } });

export const SessionReviewed = named('SessionReviewed', z.object({
  id: z.string(), status, result: z.enum(RESULTS).nullable().describe('The decision\'s result; unchanged while pending_approval waits'),
  reviewed_at: nullableTimestamp, decision: Decision.nullable(), reviewed_by: ActorRef.nullable(),
  pending_approval: PendingApproval.optional().describe('Present when four-eyes holds the decision back'),
}));

export const ReviewClaim = named('ReviewClaim', z.object({ id: z.string(), object: z.literal('review_claim'), actor: ActorRef, expires_at: timestamp }),
  { example: { id: SES, object: 'review_claim', actor: { kind: 'api_key', id: 'key_3f…' }, expires_at: '2026-01-05T10:34:02.000Z' } });

export const ReviewReleased = named('ReviewReleased', z.object({ id: z.string(), object: z.literal('review_claim'), released: z.literal(true) }),
  { example: { id: SES, object: 'review_claim', released: true } });

export const AuditTrail = named('AuditTrail', z.object({
  object: z.literal('list'),
  data: z.array(z.object({
    id: z.string(), seq: z.number().int().describe('Position in the session\'s chain, from 1'),
    action: z.string().describe('decision.auto, decision.review, decision.agent, review.claimed, review.released, call.started, call.ended, session.canceled, session.erased'), actor: z.string(),
    details: z.unknown().nullable().describe('null once the session is erased (details_sha256 stays)'),
    details_sha256: z.string().nullable().describe('SHA-256 (hex) of the details JSON text as stored'),
    created_at: timestamp,
    prev_hash: z.string().nullable().describe('hash of the previous record (null for the first)'),
    hash: z.string().describe('SHA-256 (hex) of the canonical JSON of { v: 1, id, project_id, session_id, seq, action, actor, created_at, details_sha256, prev_hash } (docs/evidence.md)'),
  })),
}).describe('Hash-chained: each record carries the previous record\'s hash; answers after erase too'), { example: { object: 'list', data: [{ id: 'aud_5c…', seq: 1, action: 'decision.auto', actor: 'auto', details: { result: 'approved', reasons: [] }, details_sha256: '9f2c…', created_at: '2026-01-05T10:19:02.000Z', prev_hash: null, hash: '41d0…' }] } });

export const SessionErased = named('SessionErased', z.object({
  id: z.string(), object: z.literal('session'), deleted: z.literal(true), erased_at: timestamp, blobs_deleted: z.number().int(),
}), { example: { id: SES, object: 'session', deleted: true, erased_at: '2026-01-06T08:00:00.000Z', blobs_deleted: 5 } });
