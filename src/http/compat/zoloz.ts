import { type Context, Hono } from 'hono';
import { AppError } from '../../domain/errors.ts';
import { jsonBody } from '../validate.ts';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { authenticate } from '../../projects/keys.ts';
import { createSession } from '../../sessions/create-session.ts';
import { apiKeyActor } from '../../domain/actor.ts';
import { loadSession } from '../../sessions/rows.ts';
import { LANGUAGES } from '../../domain/languages.ts';
import { apiKeyOf } from '../auth.ts';
import { ok, type RouteDoc } from '../openapi.ts';
import { ZolozCheckResult, ZolozInitialize } from '../contract/compat.ts';
import { zAnswer, zolozCheckResult, zResult } from './zoloz-result.ts';

// VideoVerify-compatible endpoints (ZOLOZ wire format): a merchant switches by changing the base
// URL and using a vkyc API key. ZOLOZ answers HTTP 200 with { result: { resultStatus, resultCode,
// resultMessage } }; errors keep that shape so existing clients parse them.

/** ids, names and ≤ 4 KiB metaInfo: 16 KiB is plenty (the same limit as the body-limit table). */
const ZOLOZ_BODY_LIMIT = 16 * 1024;

const initializeBody = z.object({
  bizId: z.string().min(1).max(32),
  userId: z.string().max(64).optional(),
  metaInfo: z.string().max(4096).optional(),
  /** vkyc extensions (optional): prompt language, return URL, the person's name for the phrase. */
  language: z.enum(LANGUAGES).optional(),
  redirectUrl: z.url({ protocol: /^https?$/ }).max(2048).optional(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
});
const checkResultBody = z.object({
  bizId: z.string().min(1).max(32),
  transactionId: z.string().min(1).max(64),
  isReturnImage: z.enum(['Y', 'N']).default('N'),
});

const noKey = ok(ZolozCheckResult, 'Missing or invalid API key: resultCode NO_INTERFACE_DEF');

export const zolozDocs: RouteDoc[] = [
  { method: 'post', path: '/api/v1/zoloz/videoverify/initialize', tag: 'compat: VideoVerify', auth: 'apiKey', bodyErrors: false, summary: 'Start a VideoVerify transaction (bizId → transactionId + capture URL)', body: initializeBody,
    description: 'ZOLOZ wire format: answers 200 with { result } also for invalid arguments (INVALID_ARGUMENT). A selfie + video session; language, redirectUrl, firstName and lastName are vkyc extensions.',
    example: { bizId: 'order-1042', userId: 'user-77', language: 'en', firstName: 'Anna', lastName: 'Eriksson' },
    responses: { 200: ok(ZolozInitialize, 'result.resultCode SUCCESS (with transactionId) or INVALID_ARGUMENT'), 401: ok(ZolozInitialize, 'Missing or invalid API key: resultCode NO_INTERFACE_DEF') } },
  { method: 'post', path: '/api/v1/zoloz/videoverify/checkresult', tag: 'compat: VideoVerify', auth: 'apiKey', bodyErrors: false, summary: 'Idempotent result polling: PROCESSING, SUCCESS, UNUSABLE, LIMIT_EXCEEDED…', body: checkResultBody,
    example: { bizId: 'order-1042', transactionId: 'ses_0d7c…', isReturnImage: 'N' },
    responses: { 200: ok(ZolozCheckResult, 'result and videoVerifyResult (extInfo once the capture is finished)'), 401: noKey, 500: ok(ZolozCheckResult, 'SYSTEM_ERROR') } },
];


export function zolozRoutes(deps: Deps) {
  const app = new Hono();
  const auth = async (c: { req: { header(n: string): string | undefined } }) => {
    const key = apiKeyOf(c.req);
    return key ? authenticate(deps, key) : null;
  };
  type Parsed<T> = { ok: true; data: T } | { ok: false; error: string };
  // The shared validation (body limit while streaming, depth bound, NUL refusal, schema); its errors
  // become ZOLOZ's INVALID_ARGUMENT, except an oversized body, which stays a 413.
  const parse = async <S extends z.ZodType>(c: Context, schema: S): Promise<Parsed<z.infer<S>>> => {
    try {
      return { ok: true, data: await jsonBody(c, schema, ZOLOZ_BODY_LIMIT) };
    } catch (e) {
      if (!(e instanceof AppError) || e.code === 'payload_too_large') throw e;
      const issues = (e.details as { issues?: Array<{ path: string; message: string }> } | undefined)?.issues;
      return { ok: false, error: issues?.length ? issues.map((i) => `${i.path}: ${i.message}`).join('; ') : e.message };
    }
  };

  app.post('/api/v1/zoloz/videoverify/initialize', async (c) => {
    const p = await auth(c);
    if (!p) return c.json(zResult('F', 'NO_INTERFACE_DEF', 'missing or invalid API key'), 401);
    const b = await parse(c, initializeBody);
    if (!b.ok) return c.json(zResult('F', 'INVALID_ARGUMENT', b.error));
    const s = await createSession(deps, p.projectId, {
      profile: { steps: ['selfie', 'video'], video_mode: 'self_record', video_max_duration: 60, video_language: b.data.language ?? 'en', document_back: false, accessible: false },
      expires_in: 3600,
      external_id: b.data.bizId,
      ...(b.data.userId ? { account_id: b.data.userId } : {}),
      ...(b.data.redirectUrl ? { redirect_url: b.data.redirectUrl } : {}),
      ...(b.data.firstName || b.data.lastName ? { expected_data: { first_name: b.data.firstName, last_name: b.data.lastName } } : {}),
      metadata: { compat: 'zoloz.videoverify', bizId: b.data.bizId },
    }, apiKeyActor(p.projectId, p.keyId));
    return c.json({ ...zResult('S', 'SUCCESS', 'Success'), transactionId: s.id, clientCfg: s.capture_url, captureUrl: s.capture_url });
  });

  app.post('/api/v1/zoloz/videoverify/checkresult', async (c) => {
    const p = await auth(c);
    if (!p) return c.json(zAnswer('F', 'NO_INTERFACE_DEF', 'missing or invalid API key', 'Failure'), 401);
    const b = await parse(c, checkResultBody);
    if (!b.ok) return c.json(zAnswer('F', 'INVALID_ARGUMENT', b.error, 'Failure'));
    const s = await loadSession(deps.db, p.projectId, b.data.transactionId).catch(() => null);
    if (!s || s.metadata?.bizId !== b.data.bizId) return c.json(zAnswer('F', 'INVALID_ARGUMENT', 'no transaction with this bizId and transactionId', 'Failure'));
    try {
      return c.json(await zolozCheckResult(deps, s, b.data.isReturnImage === 'Y'));
    } catch (e) {
      deps.log.error('checkresult failed', { err: String(e), session: s.id });
      return c.json(zAnswer('F', 'SYSTEM_ERROR', 'internal error', 'Failure'), 500);
    }
  });
  return app;
}
