import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { livenessVerifyBody } from '../../liveness/schema.ts';
import { checkLiveness, livenessStartBody, startLiveness } from '../../sessions/liveness-check.ts';
import { loadSession } from '../../sessions/rows.ts';
import type { Vars } from '../auth.ts';
import type { RouteDoc } from '../openapi.ts';
import { jsonBody } from '../validate.ts';

/** Base64 frames: 17 × 1080p JPEG ≈ 12 MB; the same 16 MiB as the body-limit table (src/http/body-limit.ts). */
const MAX_VERIFY_BYTES = 16 * 1024 * 1024;

export const livenessDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/liveness/start', tag: 'liveness', auth: 'apiKey', summary: 'Issue a signed single-use challenge token (2–4 random challenges, ≤ 60 s)', body: livenessStartBody, responses: { 200: 'token and instructions', 404: 'session not found' } },
  { method: 'post', path: '/v1/liveness/verify', tag: 'liveness', auth: 'none', summary: 'Verify challenge frames (the token is the credential); answers { success, score, passed, details, reasons }. Send a few frames per challenge, ≥ 10 per second during a blink prompt (a blink lasts 100–300 ms)', body: livenessVerifyBody, responses: { 200: 'verification result', 404: 'verification not found', 409: 'token already used', 410: 'token expired', 422: 'invalid body (field paths in details)' } },
  { method: 'post', path: '/v1/capture/liveness/start', tag: 'capture', auth: 'capture', summary: 'Challenge token for the capture page', responses: { 200: 'token and instructions' } },
  { method: 'post', path: '/webapi/kyc/user/{uuid}/liveness/verify', tag: 'compat: liveness', auth: 'none', summary: 'Seed-compatible verify path (uuid = session id)', body: livenessVerifyBody, responses: { 200: 'verification result', 404: 'not found', 422: 'validation error' } },
];

/** API-key routes (mounted under /v1). */
export function livenessApiRoutes(deps: Deps) {
  const app = new Hono<{ Variables: Vars }>();
  app.post('/start', async (c) => {
    const b = await jsonBody(c, livenessStartBody);
    const s = await loadSession(deps.db, c.get('principal').projectId, b.session_id);
    return c.json(startLiveness(deps, s, { ...(b.challenges ? { allowed: b.challenges } : {}), accessible: b.accessible, ...(b.language ? { language: b.language } : {}) }));
  });
  return app;
}

/** Token-authenticated routes (mounted at the root). */
export function livenessPublicRoutes(deps: Deps) {
  const app = new Hono();
  app.post('/v1/liveness/verify', async (c) => c.json(await checkLiveness(deps, await jsonBody(c, livenessVerifyBody, MAX_VERIFY_BYTES))));
  app.post('/webapi/kyc/user/:uuid/liveness/verify', async (c) => c.json(await checkLiveness(deps, await jsonBody(c, livenessVerifyBody, MAX_VERIFY_BYTES), c.req.param('uuid'))));
  return app;
}
