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
import type { RouteDoc } from '../openapi.ts';
import { jsonBody, queryOf } from '../validate.ts';

export const sessionDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/sessions', tag: 'sessions', auth: 'apiKey', summary: 'Create a verification session (supports Idempotency-Key)', body: createSessionBody, responses: { 201: 'session created', 409: 'idempotency conflict', 422: 'invalid body' } },
  { method: 'get', path: '/v1/sessions', tag: 'sessions', auth: 'apiKey', summary: 'List sessions (cursor pagination, filters)', query: listSessionsQuery, responses: { 200: 'a page of sessions' } },
  { method: 'get', path: '/v1/sessions/{id}', tag: 'sessions', auth: 'apiKey', summary: 'Get a session with artifacts, stage results, decision and reasons; face_match names each pair (video_selfie, video_document, selfie_document) with its score, threshold and outcome', responses: { 200: 'the session', 404: 'not found' } },
  { method: 'get', path: '/v1/sessions/{id}/video', tag: 'sessions', auth: 'apiKey', summary: 'Video verification result (seed fields). face_match_score = the lowest face similarity (0-100) among the pairs that include the video face (video-selfie, video-document), or selfie-document without video', responses: { 200: 'video result', 404: 'not found' } },
  { method: 'post', path: '/v1/sessions/{id}/cancel', tag: 'sessions', auth: 'apiKey', summary: 'Cancel an open session', responses: { 200: 'canceled', 409: 'not cancelable' } },
  { method: 'post', path: '/v1/sessions/{id}/review', tag: 'sessions', auth: 'apiKey', summary: 'Human decision on a processed session, or the agent\'s decision on a live-agent session (emits video.reviewed); never overrides another human decision. Who decided comes from the API key: reviewed_by { kind: api_key, id: key id, name: the body\'s reviewer, name_source: integrator }; agent_id keeps the reviewer name', body: reviewBody, responses: { 200: 'reviewed', 409: 'not reviewable (session_not_reviewable), already decided by a human (decision_final), held by another reviewer (review_claimed_by_other)' } },
  { method: 'post', path: '/v1/sessions/{id}/review/claim', tag: 'sessions', auth: 'apiKey', summary: 'Hold a processed session for review (ttl_seconds, default 900); others cannot decide it until released or expired', body: claimReviewBody, bodyOptional: true, responses: { 200: 'claimed', 409: 'held by another reviewer or not reviewable' } },
  { method: 'post', path: '/v1/sessions/{id}/review/release', tag: 'sessions', auth: 'apiKey', summary: 'Release a review claim held by the caller', responses: { 200: 'released', 409: 'not held by the caller' } },
  { method: 'get', path: '/v1/sessions/{id}/audit', tag: 'sessions', auth: 'apiKey', summary: 'Audit trail of the session (decisions, reviews, erasure)', responses: { 200: 'audit records' } },
  { method: 'delete', path: '/v1/sessions/{id}', tag: 'sessions', auth: 'apiKey', summary: 'Erase every artifact and derived datum (keeps a tombstone and an audit record)', responses: { 200: 'erased', 404: 'not found' } },
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
