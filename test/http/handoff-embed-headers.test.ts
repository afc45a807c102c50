import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CAPTURE_CSP } from '../../src/http/routes/capture-page.ts';
import { startServer } from '../helpers/server.ts';

// The capture page's frame-ancestors follows the project's allowed_origins, checked over a real
// socket (@hono/node-server once dropped headers that app.request() showed: headers-socket.test.ts).

type Server = Awaited<ReturnType<typeof startServer>>;

describe('embedding headers over a real socket', () => {
  let server: Server;
  before(async () => {
    server = await startServer({ workers: false });
  });
  after(async () => server.stop());

  const api = (method: string, path: string, body?: unknown) =>
    fetch(server.baseUrl + path, { method, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const capturePath = async () => new URL(((await (await api('POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()) as { capture_url: string }).capture_url).pathname;
  const frameAncestors = (h: Headers) => /frame-ancestors ([^;]+)/.exec(h.get('content-security-policy') ?? '')?.[1];

  test("no allowed origins: frame-ancestors 'none' (the default CSP, unchanged)", async () => {
    const res = await fetch(server.baseUrl + (await capturePath()));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-security-policy'), CAPTURE_CSP);
    assert.equal(frameAncestors(res.headers), "'none'");
    // Nobody may frame it: XFO says the same for browsers that know only XFO.
    assert.equal(res.headers.get('x-frame-options'), 'DENY');
  });

  test('allowed origins: listed in frame-ancestors; a bad or foreign token gets none', async () => {
    assert.equal((await api('PATCH', '/v1/project/settings', { allowed_origins: ['https://shop.example', 'http://localhost:5173'] })).status, 200);
    try {
      const page = await fetch(server.baseUrl + (await capturePath()));
      assert.equal(frameAncestors(page.headers), 'https://shop.example http://localhost:5173');
      // XFO cannot name origins: with embedding allowed it is left out, frame-ancestors decides.
      assert.equal(page.headers.get('x-frame-options'), null);
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff', 'the other security headers stay');
      // The rest of the policy is untouched.
      assert.equal(page.headers.get('content-security-policy')?.replace(/frame-ancestors [^;]+/, "frame-ancestors 'none'"), CAPTURE_CSP);
      const forged = await fetch(`${server.baseUrl}/capture/cap_eyJzaWQiOiJ4IiwicGlkIjoieSIsImV4cCI6OTk5OTk5OTk5OX0.AAAA`);
      assert.equal(frameAncestors(forged.headers), "'none'");
      assert.equal(forged.headers.get('x-frame-options'), 'DENY');
      // The API and other pages keep DENY whatever the project allows.
      assert.equal((await api('GET', '/v1/project/settings')).headers.get('x-frame-options'), 'DENY');
    } finally {
      await api('PATCH', '/v1/project/settings', { allowed_origins: [] });
    }
  });

  test('/embed.js: script other origins may load (CORP cross-origin, CORS for SRI), cached a day, stable bytes', async () => {
    const res = await fetch(`${server.baseUrl}/embed.js`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('cache-control'), 'public, max-age=86400');
    const body = await res.text();
    assert.match(body, /vkyc-capture/);
    const again = await (await fetch(`${server.baseUrl}/embed.js`)).text();
    const sri = (s: string) => `sha384-${createHash('sha384').update(s).digest('base64')}`;
    assert.equal(sri(again), sri(body));
    console.log(`embed.js ${Buffer.byteLength(body)} bytes, integrity ${sri(body)}`);
  });
});
