import { randomInt } from 'node:crypto';
import { Hono } from 'hono';
import { z } from 'zod';
import { AppError } from '../../domain/errors.ts';
import { CHALLENGE_TYPES, FACE_CHANGING } from '../../domain/liveness-challenges.ts';
import { LANGUAGES } from '../../domain/languages.ts';
import type { Deps } from '../../deps.ts';
import { readCaptureToken } from '../../sessions/capture-token.ts';
import { startLiveness } from '../../sessions/liveness-check.ts';
import { loadSession } from '../../sessions/rows.ts';
import { bearerOf, principalOf } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { AmlkycLivenessStarted } from '../contract/compat.ts';
import { jsonBody } from '../validate.ts';

// amlkyc-compatible liveness start: `POST /webapi/kyc/user/{uuid}/liveness/start` hands out the
// challenge token that the (already present) `…/liveness/verify` takes. {uuid} is the vkyc session
// id, with or without its `ses_` prefix.
//
// Challenges: a requested list is used exactly as given (same order, same length, repeats kept);
// it must hold at least one face-changing prompt, since `move_closer` alone can be passed by zooming
// into a photo. With no list, 2–4 are drawn from the session profile's allowed set (or all types),
// without adjacent repeats and with at least one face-changing prompt (domain/liveness-challenges.ts).

/** 8: the most a challenge token may carry (liveness/token.ts). */
const MAX_REQUESTED = 8;

const amlkycStartBody = z.strictObject({
  challenges: z.array(z.enum(CHALLENGE_TYPES)).min(1).max(MAX_REQUESTED)
    .refine((l) => l.some((c) => FACE_CHANGING.has(c)), { message: 'at least one challenge must move or change the face (move_closer alone can be faked by zooming a photo)' })
    .optional(),
  /** Instruction language; defaults to the session's. */
  language: z.enum(LANGUAGES).optional(),
});

export const amlkycDocs: RouteDoc[] = [
  { method: 'post', path: '/webapi/kyc/user/{uuid}/liveness/start', tag: 'compat: liveness', auth: 'apiKeyOrCapture', summary: 'Challenge token for …/liveness/verify (API key, or the session\'s capture token)', body: amlkycStartBody,
    description: 'Requested challenges are kept exactly as given (at least one must move or change the face); none → 2–4 drawn.',
    example: { challenges: ['turn_left', 'smile'], language: 'en' },
    responses: { 200: ok(AmlkycLivenessStarted, 'Token and instructions'), 404: fails('No verification with this id (for this key or token)', 'verification_not_found') } },
];

/** The project and session a caller may start liveness for: an API key (its project) or a capture token (its one session). */
async function callerScope(deps: Deps, header: { authorization?: string; apiKey?: string }): Promise<{ projectId: string; sessionId?: string }> {
  const bearer = bearerOf(header.authorization);
  if (bearer?.startsWith('cap_')) {
    const claims = readCaptureToken(deps.secret, bearer, deps.clock.now().getTime());
    return { projectId: claims.pid, sessionId: claims.sid };
  }
  const p = await principalOf(deps, bearer ?? header.apiKey, 'missing API key (Authorization: Bearer vk_… or x-api-key) or capture token (Bearer cap_…)');
  return { projectId: p.projectId };
}

export function amlkycRoutes(deps: Deps) {
  const app = new Hono();
  app.post('/webapi/kyc/user/:uuid/liveness/start', async (c) => {
    const scope = await callerScope(deps, { authorization: c.req.header('authorization'), apiKey: c.req.header('x-api-key') });
    const uuid = c.req.param('uuid');
    const id = uuid.startsWith('ses_') ? uuid : `ses_${uuid}`;
    if (scope.sessionId && scope.sessionId !== id) throw new AppError('verification_not_found', 'no verification with this id for this capture token');
    const s = await loadSession(deps.db, scope.projectId, id).catch(() => {
      throw new AppError('verification_not_found', 'no verification with this id');
    });
    const b = await jsonBody(c, amlkycStartBody);
    const started = startLiveness(deps, s, { ...(b.challenges ? { exact: b.challenges } : {}), ...(b.language ? { language: b.language } : {}) });
    return c.json({ success: true, ...started });
  });
  return app;
}
