import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { livenessVerifyBody } from '../../liveness/schema.ts';
import { checkLiveness, livenessStartBody, startLiveness } from '../../sessions/liveness-check.ts';
import { loadSession } from '../../sessions/rows.ts';
import type { Vars } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { LivenessResult, LivenessStarted } from '../contract/analysis.ts';
import { jsonBody } from '../validate.ts';

/** Base64 frames: 17 × 1080p JPEG ≈ 12 MB; the same 16 MiB as the body-limit table (src/http/body-limit.ts). */
const MAX_VERIFY_BYTES = 16 * 1024 * 1024;

const verifyAnswers: RouteDoc['responses'] = {
  200: ok(LivenessResult, 'Verification result (passed or not, with reasons)'),
  401: fails('The token is not valid', 'token_invalid'),
  404: fails('The session the token was issued for does not exist', 'verification_not_found'),
  409: fails('The token was already used', 'token_used'),
  410: fails('The token expired', 'token_expired'),
  415: fails('A frame or the selfie is in an image format we do not read (details.format names it; accepted: JPEG, PNG, WebP, GIF, BMP, TIFF, PGM/PPM, HEIC, AVIF)', 'unsupported_image_format'),
  429: fails('Too many verifications from this address (30 a minute)', 'rate_limited'),
};

const VERIFY_FIELDS = {
  challengeToken: 'The token from …/liveness/start (single use, about 60 s)',
  frames: '2–60 frames: challengeIndex (which challenge the frame answers), image (base64 or data URL JPEG/PNG/WebP), timestamp (Unix seconds; milliseconds accepted); optional client landmarks, blendshapes, headPose (recorded only)',
  antiSpoofing: 'The client\'s own passive anti-spoofing result: recorded as evidence only',
  passport: 'Optional document photo (base64): its portrait is compared too',
  device: 'Camera labels from MediaDevices.enumerateDevices() (virtual-camera check)',
};

export const livenessDocs: RouteDoc[] = [
  { method: 'post', path: '/v1/liveness/start', tag: 'liveness', auth: 'apiKey', summary: 'Issue a signed single-use challenge token (2–4 random challenges, ≤ 60 s)', body: livenessStartBody,
    fields: { session_id: 'The session the check belongs to (its selfie, if any, is compared)', challenges: 'The allowed set to draw from (default: the session profile\'s, else all)', accessible: 'Replace challenges some users cannot do (smile)', language: 'Instruction language (default: the session\'s)' },
    example: { session_id: 'ses_0d7c…', challenges: ['turn_left', 'turn_right', 'blink'] }, responses: { 200: ok(LivenessStarted, 'Token and instructions'), 404: fails('No such session', 'session_not_found') } },
  { method: 'post', path: '/v1/liveness/verify', tag: 'liveness', auth: 'none', summary: 'Verify challenge frames (the token is the credential)',
    description: 'Send a few frames per challenge (challengeIndex, image, timestamp), ≥ 10 per second during a blink prompt (a blink lasts 100–300 ms). Client-side measurements are recorded, never trusted.', body: livenessVerifyBody, fields: VERIFY_FIELDS, responses: verifyAnswers },
  { method: 'post', path: '/v1/capture/liveness/start', tag: 'capture', auth: 'capture', summary: 'Challenge token for the capture page (the session\'s own challenges)',
    responses: { 200: ok(LivenessStarted, 'Token and instructions'), 409: fails('The session no longer takes captures', 'session_expired', 'session_canceled', 'session_already_completed') } },
  { method: 'post', path: '/webapi/kyc/user/{uuid}/liveness/verify', tag: 'compat: liveness', auth: 'none', summary: 'Seed-compatible verify path (uuid = session id, with or without ses_)', body: livenessVerifyBody, fields: VERIFY_FIELDS, responses: verifyAnswers },
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
