// Rate limits that a client can sidestep (a rotating X-Forwarded-For, spellings of the same
// credential, endless wrong API keys) and security headers as a real socket delivers them (the
// Node adapter can drop headers that app.request() shows).
import { randomBytes } from 'node:crypto';
import { createSession } from './fixtures.ts';
import { defaultHeaders, rawRequest } from './http.ts';
import type { Report } from './report.ts';
import type { TestServer } from './server.ts';

const SECTION = 'limits and headers';
/** Liveness verify and /webapi allow 30 requests a minute per client (src/http/app.ts). */
const LIVENESS_LIMIT = 30;
/** The suite starts server A with CAPTURE_RATE_LIMIT=60 so this stays a few dozen requests. */
export const CAPTURE_LIMIT = 60;
/** Wrong API keys tried in a row from one client; any 429 shows a limit on failed attempts. */
const WRONG_KEYS = 120;

/**
 * Order matters on a fixed server: 20 failed credentials lock the client address out, so the
 * headers and the capture limit come first, and the forwarded-header requests carry invalid JSON
 * (400, no credential failure) so only the 30/min limit can stop them.
 */
export async function runLimits(srv: TestServer, report: Report) {
  delete defaultHeaders['x-forwarded-for']; // this server believes no proxy: the socket peer is the client
  const count = async (n: number, one: (i: number) => Promise<number>) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) statuses.push(await one(i));
    return { throttled: statuses.filter((s) => s === 429).length, errors: statuses.filter((s) => s >= 500 || s === 0).length };
  };
  const s = await createSession(srv.base, srv.keys.A!, { steps: ['selfie'] });
  const page = await rawRequest(srv.base, { method: 'GET', path: `/capture/${s.token}` });
  const docs = await rawRequest(srv.base, { method: 'GET', path: '/docs' });
  const init = await rawRequest(srv.base, { method: 'GET', path: '/docs/assets/init.js' });
  const dash = await rawRequest(srv.base, { method: 'GET', path: '/dashboard' });
  const frameProtected = (h: Record<string, string>) => /frame-ancestors\s+'none'/.test(h['content-security-policy'] ?? '') || /deny/i.test(h['x-frame-options'] ?? '');
  const head = (name: string, r: typeof page, pass: boolean) => report.add({ section: SECTION, name, status: r.status, code: '-', pass, note: `csp: ${(r.headers['content-security-policy'] ?? 'none').slice(0, 60)}` });
  head('capture page over a socket: CSP with frame-ancestors', page, page.status === 200 && frameProtected(page.headers));
  head('/docs over a socket: CSP, not frameable', docs, docs.status === 200 && !!docs.headers['content-security-policy'] && frameProtected(docs.headers));
  report.add({ section: SECTION, name: '/docs: Swagger does not keep entered keys (persistAuthorization)', status: init.status, code: '-', pass: init.status === 200 && !/persistAuthorization:\s*true/.test(init.text) });
  head('dashboard over a socket: CSP with frame-ancestors', dash, dash.status === 200 && frameProtected(dash.headers));
  const spellings = [`Bearer ${s.token}`, `bearer ${s.token}`, `BEARER ${s.token}`, `Bearer  ${s.token}`];
  const n = CAPTURE_LIMIT + 20;
  const cap = await count(n, async (i) => (await rawRequest(srv.base, { method: 'GET', path: '/v1/capture/session', headers: { authorization: spellings[i % spellings.length]! } })).status);
  report.add({ section: SECTION, name: `capture: ${n} requests, one token in 4 header spellings`, status: `${cap.throttled}×429`, code: '-', pass: cap.throttled >= n - CAPTURE_LIMIT, note: `limit ${CAPTURE_LIMIT}/min per token` });
  const body = '{';
  for (const path of ['/v1/liveness/verify', '/webapi/kyc/user/ses_x/liveness/verify']) {
    const m = LIVENESS_LIMIT + 10;
    const r = await count(m, async (i) => (await rawRequest(srv.base, { method: 'POST', path, headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i + 1}` }, body })).status);
    report.add({ section: SECTION, name: `${path}: ${m} requests, rotating X-Forwarded-For`, status: `${r.throttled}×429`, code: '-', pass: r.throttled >= m - LIVENESS_LIMIT, note: `limit ${LIVENESS_LIMIT}/min: ≥ ${m - LIVENESS_LIMIT} should be 429` });
  }
  const wrong = await count(WRONG_KEYS, async () => (await rawRequest(srv.base, { method: 'GET', path: '/v1/sessions', headers: { authorization: `Bearer vk_test_${randomBytes(32).toString('base64url')}` } })).status);
  report.add({ section: SECTION, name: `${WRONG_KEYS} wrong API keys from one client`, status: `${wrong.throttled}×429`, code: '-', pass: wrong.throttled > 0 && wrong.errors === 0 });
}
