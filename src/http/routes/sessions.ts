import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { cancelSession } from '../../sessions/cancel-session.ts';
import { createSession } from '../../sessions/create-session.ts';
import { eraseSession } from '../../sessions/erase-session.ts';
import { getSession, getVideo } from '../../sessions/get-session.ts';
import { listSessions } from '../../sessions/list-sessions.ts';
import { auditTrail, claimReview, claimReviewBody, releaseReview, reviewBody, reviewSession } from '../../sessions/review-session.ts';
import { createSessionBody, listSessionsQuery } from '../../sessions/schemas.ts';
import type { Vars } from '../auth.ts';
import { idempotent } from '../idempotency.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { SESSION_OPTION_DOCS } from '../contract/session-options.ts';
import { AuditTrail, ReviewClaim, ReviewReleased, Session, SessionCanceled, SessionCreated, SessionErased, SessionList, SessionReviewed, VideoResult } from '../contract/sessions.ts';
import { jsonBody, queryOf } from '../validate.ts';

const notFound = fails('No such session in this project (or erased)', 'session_not_found');

export const sessionDocs: RouteDoc[] = [
  {
    method: 'post', path: '/v1/sessions', tag: 'sessions', auth: 'apiKey', summary: 'Create a verification session',
    description: 'Send the user to `capture_url` (redirect, link, QR code or an embedded frame). The decision arrives by webhook (`video.completed`) and in GET /v1/sessions/{id}. An `Idempotency-Key` header makes retries safe: the same key and body answer the first response again (header `idempotent-replayed: true`); the same key with another body is a 409.',
    body: createSessionBody, fields: SESSION_OPTION_DOCS, headers: { 'idempotency-key': 'Optional: any string up to 255 characters, unique per intended session' },
    example: { profile: { steps: ['document', 'selfie', 'video'], video_language: 'en', phrase: 'name_date', challenges: ['turn_left', 'turn_right', 'blink', 'smile'] }, redirect_url: 'https://shop.example/kyc/done', external_id: 'order-1042', account_id: 'user-77', expires_in: 3600, expected_data: { first_name: 'Anna Maria', last_name: 'Eriksson', birth_date: '1974-08-12' } },
    responses: { 201: ok(SessionCreated, 'Session created (pending)'), 409: fails('Idempotency-Key reused with another body', 'idempotency_conflict') },
  },
  { method: 'get', path: '/v1/sessions', tag: 'sessions', auth: 'apiKey', summary: 'List sessions, newest first (cursor pagination, filters); erased sessions are left out', query: listSessionsQuery,
    fields: { limit: 'Page size, 1–100 (default 20)', cursor: 'next_cursor of the previous page', status: 'Only sessions in this status', result: 'Only sessions with this result', external_id: 'Only sessions with this external_id', created_after: 'Created at or after (ISO 8601)', created_before: 'Created before (ISO 8601)' },
    responses: { 200: ok(SessionList, 'A page of sessions'), 422: fails('A filter or the cursor is not valid', 'validation_failed') } },
  { method: 'get', path: '/v1/sessions/{id}', tag: 'sessions', auth: 'apiKey', summary: 'Get a session with artifacts, stage results, decision and reasons',
    description: 'face_match names each pair (video_selfie, video_document, selfie_document) with its score, threshold and outcome; numbers a later stage computes are null until it ran. Artifact URLs are signed links valid for an hour.',
    responses: { 200: ok(Session, 'The session'), 404: notFound } },
  { method: 'get', path: '/v1/sessions/{id}/video', tag: 'sessions', auth: 'apiKey', summary: 'Video verification result (the seed\'s fields)',
    description: 'face_match_score = the lowest face similarity (0–100) among the pairs that include the video face (video-selfie, video-document), or selfie-document without video.',
    responses: { 200: ok(VideoResult, 'Video result'), 404: notFound } },
  { method: 'post', path: '/v1/sessions/{id}/cancel', tag: 'sessions', auth: 'apiKey', summary: 'Cancel an open session (pending or in_progress)',
    responses: { 200: ok(SessionCanceled, 'Canceled'), 404: notFound, 409: fails('The session is processing or already ended', 'session_not_cancelable') } },
  { method: 'post', path: '/v1/sessions/{id}/review', tag: 'sessions', auth: 'apiKey', summary: 'Human decision on a processed session, or the agent\'s decision on a live-agent session (emits video.reviewed); never overrides another human decision', body: reviewBody,
    description: 'Who decided comes from the credential: reviewed_by = { kind: api_key, id: the key id, name: the body\'s reviewer, name_source: integrator }. agent_id and decided_by keep the reviewer name. Only processed sessions (or live-agent sessions awaiting their agent\'s decision) can be reviewed; a session held by another reviewer\'s claim cannot.',
    fields: { result: 'approved or declined', reviewer: 'The name of your reviewer (integrator-supplied: recorded as reviewed_by.name, the decision\'s decided_by and the webhook\'s agent_id; the verified identity is the API key)', notes: 'Free text for the record (at most 5000 characters)', reasons: 'Your reason codes; without them the automatic findings stay as the decision\'s reasons' },
    example: { result: 'approved', reviewer: 'alice', notes: 'phrase fine on replay' },
    responses: { 200: ok(SessionReviewed, 'Reviewed'), 404: notFound, 409: fails('Not reviewable yet, already decided by a human, or held by another reviewer', 'session_not_reviewable', 'decision_final', 'review_claimed_by_other') } },
  { method: 'post', path: '/v1/sessions/{id}/review/claim', tag: 'sessions', auth: 'apiKey', summary: 'Hold a processed session for review; others cannot decide it until released or expired', body: claimReviewBody, bodyOptional: true,
    fields: { ttl_seconds: 'How long the claim holds (default 900)' },
    responses: { 200: ok(ReviewClaim, 'Claimed'), 404: notFound, 409: fails('Held by another reviewer, or not reviewable', 'review_claimed_by_other', 'session_not_reviewable') } },
  { method: 'post', path: '/v1/sessions/{id}/review/release', tag: 'sessions', auth: 'apiKey', summary: 'Release a review claim held by the caller',
    responses: { 200: ok(ReviewReleased, 'Released'), 404: notFound, 409: fails('Not held by the caller', 'review_not_claimed') } },
  { method: 'get', path: '/v1/sessions/{id}/audit', tag: 'sessions', auth: 'apiKey', summary: 'Audit trail of the session (decisions, reviews, cancellation, erase): hash-chained, and still answered after erase (details removed)',
    responses: { 200: ok(AuditTrail, 'Audit records, oldest first'), 404: fails('No such session in this project (an erased session still answers)', 'session_not_found') } },
  { method: 'delete', path: '/v1/sessions/{id}', tag: 'sessions', auth: 'apiKey', summary: 'Erase every artifact and derived datum (keeps a tombstone and an audit record)',
    responses: { 200: ok(SessionErased, 'Erased'), 404: notFound } },
];

export function sessionRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.post('/', async (c) => {
    const p = c.get('principal');
    const body = await jsonBody(c, createSessionBody);
    const res = await idempotent(deps, p.projectId, c.req.header('idempotency-key'), body, async () => ({ status: 201, body: await createSession(deps, p.projectId, body, c.get('actor')) }));
    if (res.replayed) c.header('idempotent-replayed', 'true');
    return c.json(res.body, res.status as 201);
  });
  app.get('/', async (c) => c.json(await listSessions(deps, c.get('principal').projectId, queryOf(c, listSessionsQuery))));
  app.get('/:id', async (c) => c.json(await getSession(deps, c.get('principal').projectId, c.req.param('id'))));
  app.get('/:id/video', async (c) => c.json(await getVideo(deps, c.get('principal').projectId, c.req.param('id'))));
  app.post('/:id/cancel', async (c) => c.json(await cancelSession(deps, c.get('principal').projectId, c.req.param('id'), c.get('actor'))));
  app.post('/:id/review', async (c) => c.json(await reviewSession(deps, c.get('principal').projectId, c.req.param('id'), await jsonBody(c, reviewBody), c.get('actor'))));
  app.post('/:id/review/claim', async (c) => {
    const b = await jsonBody(c, claimReviewBody);
    return c.json(await claimReview(deps, c.get('principal').projectId, c.req.param('id'), b.ttl_seconds, c.get('actor')));
  });
  app.post('/:id/review/release', async (c) => c.json(await releaseReview(deps, c.get('principal').projectId, c.req.param('id'), c.get('actor'))));
  app.get('/:id/audit', async (c) => c.json(await auditTrail(deps, c.get('principal').projectId, c.req.param('id'))));
  app.delete('/:id', async (c) => c.json(await eraseSession(deps, c.get('principal').projectId, c.req.param('id'), c.get('actor'))));
  return app;
}
