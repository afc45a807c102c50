import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { followSession, takeStreamSlot, type FollowOptions } from '../../handoff/follow-stream.ts';
import type { Deps } from '../../deps.ts';
import { createHandoff, handoffState, openHandoff, peekHandoff } from '../../handoff/handoffs.ts';
import { checkOpenNonce, confirmPage, linkPage, OPEN_PAGE_CSP, openNonce, type LinkProblem } from '../../handoff/open-page.ts';
import { qrSvg } from '../../handoff/qr.ts';
import { getProjectSettings } from '../../projects/settings.ts';
import { captureSession } from '../../sessions/capture-guard.ts';
import { mintCaptureToken, readCaptureToken } from '../../sessions/capture-token.ts';
import { captureView } from '../../sessions/complete-capture.ts';
import { loadSession } from '../../sessions/rows.ts';
import { verifyToken } from '../../domain/signing.ts';
import { captureTokenOf } from '../auth.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { rateLimit } from '../rate-limit.ts';
import { CapturePageSettings, HandoffLink, HandoffState } from '../contract/handoff.ts';

// The capture page's settings and the desktop-to-phone hand-off (docs/embed.md):
//   GET  /v1/capture/page-settings  embed origins + document upload fallback of the session's project
//   POST /v1/capture/handoff        a single-use link (and its QR code) for the phone
//   GET  /v1/capture/handoff        whether the phone opened it (the desktop polls this)
//   GET  /v1/capture/events         the session's progress as Server-Sent Events (the desktop follows the phone)
//   GET  /c/{code}                  the phone's entry: a "Continue here" page, spends nothing (link previews)
//   POST /c/{code}                  the page's button: spends the code, redirects to the phone's own capture link

const closed = fails('The session no longer takes captures, or this device handed it off', 'session_expired', 'session_canceled', 'session_already_completed', 'capture_handed_off');

export const handoffDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/capture/page-settings', tag: 'capture', auth: 'capture', summary: "The project's capture-page settings (embedding origins, document upload fallback, branding)", responses: { 200: ok(CapturePageSettings, 'Settings') } },
  { method: 'post', path: '/v1/capture/handoff', tag: 'capture', auth: 'capture', summary: 'Create a 10-minute single-use link (with its QR code) to continue this session on a phone',
    description: 'At most 5 links per session per 10 minutes. Once the phone opens the link, only the phone may upload; this token keeps reading the session and the hand-off state.',
    responses: { 201: ok(HandoffLink, 'Link created'), 409: closed, 429: fails('Too many links for this session, or too many requests', 'rate_limited') } },
  { method: 'get', path: '/v1/capture/handoff', tag: 'capture', auth: 'capture', summary: 'Hand-off state: whether a phone opened the link and whether this device may still upload', responses: { 200: ok(HandoffState, 'State') } },
  { method: 'get', path: '/v1/capture/events', tag: 'capture', auth: 'capture', summary: "The session's capture progress as Server-Sent Events (a device that handed off follows the phone)",
    description: 'Each `session` event carries the same JSON as `GET /v1/capture/session`: one at once, then one whenever the session changes (an upload, submit, cancel, expiry). '
      + 'A comment line every 15 s keeps proxies from closing an idle stream. The stream ends after the view of a session that no longer takes captures, or after 10 minutes (reconnect). '
      + 'Read it with fetch (the capture token goes in the Authorization header, which EventSource cannot send). At most 4 open streams per session.',
    responses: { 200: { description: 'text/event-stream of `session` events', binary: ['text/event-stream'] }, 429: fails('Too many open streams for this session, or too many requests', 'rate_limited') } },
];

/** Per client address, per minute: a person scans a code once or twice; a script guessing codes is stopped here too. */
const OPEN_LIMIT_PER_MINUTE = 20;

export function handoffRoutes(deps: Deps, o: { follow?: FollowOptions } = {}) {
  const app = new Hono();
  const token = (c: { req: { header(n: string): string | undefined } }) => captureTokenOf(c.req.header('authorization'));
  const claims = (t: string) => readCaptureToken(deps.secret, t, deps.clock.now().getTime());

  app.get('/v1/capture/page-settings', async (c) => {
    const s = await captureSession(deps, token(c), { forWrite: false });
    const settings = await getProjectSettings(deps.db, s.project_id);
    return c.json({ object: 'capture_page_settings' as const, embed_origins: settings.allowed_origins, document_upload_fallback: settings.document_upload_fallback, branding: settings.branding });
  });
  app.post('/v1/capture/handoff', async (c) => {
    const s = await captureSession(deps, token(c), { forWrite: true });
    const link = await createHandoff(deps, s);
    return c.json({ object: 'capture_handoff_link' as const, id: link.id, url: link.url, expires_at: link.expires_at, qr_svg: await qrSvg(link.url) }, 201);
  });
  app.get('/v1/capture/handoff', async (c) => {
    const t = token(c);
    const s = await captureSession(deps, t, { forWrite: false });
    return c.json(await handoffState(deps, s, claims(t).hid ?? null));
  });

  app.get('/v1/capture/events', async (c) => {
    const s = await captureSession(deps, token(c), { forWrite: false });
    const release = takeStreamSlot(s.id);
    return streamSSE(c, async (stream) => {
      try {
        await followSession(deps, s, async () => captureView(deps, await loadSession(deps.db, s.project_id, s.id)), stream, o.follow);
      } finally {
        release();
      }
    });
  });

  app.use('/c/*', rateLimit({ name: 'handoff-open', limit: OPEN_LIMIT_PER_MINUTE, key: (_r, ip) => ip, windows: deps.limits }));
  app.get('/c/:code', async (c) => {
    const code = c.req.param('code').toUpperCase();
    const r = await peekHandoff(deps, code);
    if (r.outcome !== 'usable') return problem(r.outcome);
    return html(confirmPage(code, openNonce(deps.secret, code, deps.clock.now().getTime())), 200);
  });
  app.post('/c/:code', async (c) => {
    const code = c.req.param('code').toUpperCase();
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    // Only the form of our own confirm page for this code carries a valid nonce (open-page.ts).
    if (!checkOpenNonce(deps.secret, code, (form as Record<string, unknown>).nonce, deps.clock.now().getTime())) return problem('stale');
    const r = await openHandoff(deps, code);
    if (r.outcome !== 'opened') return problem(r.outcome);
    // The phone's own token: same session, marked with the hand-off (the upload right follows it).
    const phoneToken = mintCaptureToken(deps.secret, r.session_id, r.project_id, new Date(r.session_expires_at), r.handoff_id);
    return new Response(null, { status: 303, headers: { location: `/capture/${encodeURIComponent(phoneToken)}`, 'cache-control': 'no-store' } });
  });
  return app;
}

/**
 * The capture page's frame-ancestors for a token: its project's allowed_origins. The signature is
 * checked but not the expiry (now = 0), so an expired link still opens inside the merchant's frame
 * and explains itself there instead of as a blocked frame. Anything that does not verify: [].
 */
export function frameAncestorsOf(deps: Deps): (token: string) => Promise<string[]> {
  return async (raw) => {
    try {
      const token = decodeURIComponent(raw);
      if (!token.startsWith('cap_')) return [];
      const r = verifyToken<{ pid: string; exp: number }>(deps.secret, 'capture', token.slice(4), 0);
      return r.ok ? (await getProjectSettings(deps.db, r.payload.pid)).allowed_origins : [];
    } catch {
      return [];
    }
  };
}

const PROBLEM_STATUS: Record<LinkProblem, number> = { not_found: 404, expired: 410, used: 410, stale: 403 };

const html = (body: string, status: number) =>
  new Response(body, { status, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': OPEN_PAGE_CSP } });
/** A phone that scanned a spent code gets a sentence, not JSON. */
const problem = (p: LinkProblem) => html(linkPage(p), PROBLEM_STATUS[p]);
