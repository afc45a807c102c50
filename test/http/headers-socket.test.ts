import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { startServer } from '../helpers/server.ts';

// Security headers over a real socket: @hono/node-server dropped headers set after the Response
// was built (the capture page's CSP), which `app.request()` never showed. Every check here goes
// through `serve()` on port 0 and `fetch`.

type Server = Awaited<ReturnType<typeof startServer>>;

function assertFrameProtected(h: Headers, what: string) {
  assert.match(h.get('content-security-policy') ?? '', /frame-ancestors 'none'/, `${what}: CSP with frame-ancestors 'none'`);
  assert.equal(h.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
  assert.equal(h.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(h.get('referrer-policy'), 'no-referrer', `${what}: referrer-policy`);
}

describe('security headers over a real socket', () => {
  let server: Server;
  let capturePath: string;
  before(async () => {
    server = await startServer({ workers: false });
    const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'self_record' } }) });
    capturePath = new URL(((await res.json()) as { capture_url: string }).capture_url).pathname;
  });
  after(async () => { await server.stop(); });

  test('capture page: strict CSP with what its WASM needs, COOP/COEP, no framing', async () => {
    const res = await fetch(server.baseUrl + capturePath);
    assert.equal(res.status, 200);
    const h = res.headers;
    assertFrameProtected(h, 'capture');
    const csp = h.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' blob:/);
    assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);
    assert.equal(h.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(h.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(h.get('x-robots-tag'), 'noindex, nofollow');
    assert.ok(h.get('x-request-id'), 'request id survives too');
  });

  test('dashboard and docs: their own CSPs, no framing', async () => {
    const dash = await fetch(`${server.baseUrl}/dashboard`);
    assertFrameProtected(dash.headers, 'dashboard');
    assert.match(dash.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const docs = await fetch(`${server.baseUrl}/docs`);
    assertFrameProtected(docs.headers, 'docs');
    const csp = docs.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
  });

  test('live-call pages: same-origin CSP (media from the camera, sockets to this host), no framing', async () => {
    const token = capturePath.split('/').pop();
    for (const path of [`/capture/call/${token}`, '/dashboard/call']) {
      const res = await fetch(server.baseUrl + path);
      assert.equal(res.status, 200, path);
      assertFrameProtected(res.headers, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/, path);
      assert.match(csp, /media-src 'self' blob: mediastream:/, path);
      assert.match(csp, /connect-src 'self'(;|$)/, path);
      assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/, path);
      assert.equal(res.headers.get('x-robots-tag'), 'noindex, nofollow', path);
    }
  });

  test('Swagger UI does not persist entered keys', async () => {
    const init = await (await fetch(`${server.baseUrl}/docs/assets/init.js`)).text();
    assert.match(init, /persistAuthorization: false/);
  });

  test('API answers and errors carry the default policy', async () => {
    for (const [path, status] of [['/healthz', 200], ['/v1/sessions', 401], ['/nope', 404]] as const) {
      const res = await fetch(server.baseUrl + path);
      assert.equal(res.status, status);
      assertFrameProtected(res.headers, path);
      assert.equal(res.headers.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
    }
  });

  test('in Chromium, /docs renders and neither page reports a CSP violation', { timeout: 90_000 }, async () => {
    const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'] });
    try {
      const page = await browser.newPage();
      const refused: string[] = [];
      page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
      await page.goto(`${server.baseUrl}/docs`);
      await page.waitForSelector('.swagger-ui .info .title', { timeout: 30_000 });
      await page.goto(server.baseUrl + capturePath);
      await page.waitForLoadState('networkidle');
      assert.deepEqual(refused, []);
      // The capture page's isolation (needed by tfjs's threaded WASM) is in effect.
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    } finally {
      await browser.close();
    }
  });
});
