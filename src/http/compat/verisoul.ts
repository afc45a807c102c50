import { Hono } from 'hono';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { loadSession } from '../../sessions/rows.ts';
import { apiKeyOf, principalOf } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { VerisoulVerifyFace } from '../contract/compat.ts';
import { jsonBody } from '../validate.ts';
import { verisoulAnswer } from './verisoul-answer.ts';

// Verisoul-compatible Face Match result: `POST /liveness/verify-face` with `x-api-key` and
// `{ "session_id": … }` answers the seed's (003) fields for a decided vkyc session
// (verisoul-answer.ts). A Verisoul client changes the base URL and the key. The seed shows no error
// shape, so errors are vkyc's coded errors (`{ error: { code, message } }`).

/** One session id: 4 KiB is far more than the body can legitimately hold. */
export const VERISOUL_BODY_LIMIT = 4 * 1024;

export const verifyFaceBody = z.strictObject({
  /** The vkyc session id (`ses_…`), or its UUID without the prefix as a Verisoul client stores it. */
  session_id: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9_-]+$/, 'a session id has letters, digits, - and _ only'),
});

export const verisoulDocs: RouteDoc[] = [
  {
    method: 'post', path: '/liveness/verify-face', tag: 'compat: Verisoul', auth: 'apiKey',
    summary: 'Face Match result of a decided session (Verisoul verify-face): decision Real/Suspicious/Fake, risk_score, risk_flags, device/network and referring-session signals, signed photo URL, session data, linked accounts. Key in x-api-key (or Authorization: Bearer)',
    body: verifyFaceBody,
    responses: { 200: ok(VerisoulVerifyFace, 'The verify-face answer'), 404: fails('No such session in the key\'s project', 'session_not_found'), 409: fails('The session has no decision yet (still collecting or processing)', 'session_not_decided') },
  },
];

export function verisoulRoutes(deps: Deps) {
  const app = new Hono();
  app.post('/liveness/verify-face', async (c) => {
    const p = await principalOf(deps, apiKeyOf(c.req), 'missing API key (x-api-key: vk_… or Authorization: Bearer vk_…)');
    const b = await jsonBody(c, verifyFaceBody, VERISOUL_BODY_LIMIT);
    const id = b.session_id.startsWith('ses_') ? b.session_id : `ses_${b.session_id}`;
    // Another project's session is as absent as one that never existed (loadSession: session_not_found).
    const s = await loadSession(deps.db, p.projectId, id);
    return c.json(await verisoulAnswer(deps, s, String(c.get('requestId' as never) ?? '')));
  });
  return app;
}
