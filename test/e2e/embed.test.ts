import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Browser, type Page } from 'playwright-core';
import { launchWithFakeMedia } from '../helpers/chromium.ts';
import sharp from 'sharp';
import { fakeCamera, fakeMicrophone } from '../helpers/fake-media.ts';
import { startServer } from '../helpers/server.ts';

// <vkyc-capture> on a merchant page of another origin (a second local HTTP server, on
// http://localhost:<port> while vkyc is http://127.0.0.1:<port>), in real Chromium with the fake
// camera: the session completes inside the frame and the page's events reach the host in order,
// from vkyc's origin only. A host the project does not allow is refused by frame-ancestors.

export const SHOTS = '/tmp/vkyc-shots/embed';
type Server = Awaited<ReturnType<typeof startServer>>;

/** The merchant's page: loads /embed.js from vkyc, embeds the session, records what it hears. */
function hostPage(vkyc: string, session: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>Shop checkout</title>
<style>body{font-family:system-ui,sans-serif;margin:0;background:#f1f5f9}header{background:#0f172a;color:#fff;padding:14px 24px;font-weight:600}
main{display:grid;grid-template-columns:1fr 420px;gap:24px;padding:24px;max-width:1100px;margin:auto}.card{background:#fff;border-radius:12px;padding:20px}
vkyc-capture{height:760px;border-radius:12px;overflow:hidden;background:#fff}#log{font:12px ui-monospace,monospace;white-space:pre-wrap}</style>
<script>window.__events=[];window.__raw=[];addEventListener('message',(e)=>__raw.push({origin:e.origin,data:e.data}));</script>
<script src="${vkyc}/embed.js"></script></head>
<body><header>Example Shop — verify your identity to finish opening your account</header>
<main><div class="card"><h2>Almost done</h2><p>We need to check your identity document. It takes a minute.</p><p>Events from the verification:</p><div id="log"></div></div>
<vkyc-capture session="${session}"></vkyc-capture></main>
<script>const el=document.querySelector('vkyc-capture');for(const t of ['started','step_completed','completed','error','canceled'])el.addEventListener(t,(e)=>{__events.push({type:t,detail:e.detail});document.getElementById('log').textContent+=t+' '+JSON.stringify(e.detail)+'\\n';});
// A forged event from the host window itself must not pass the element's source check.
postMessage({source:'vkyc',version:1,type:'completed',data:{forged:true}},'*');</script></body></html>`;
}

async function startHost(html: () => string): Promise<{ server: HttpServer; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, origin: `http://localhost:${(server.address() as AddressInfo).port}` };
}

describe('embedded capture (Chromium)', { timeout: 240_000 }, () => {
  let server: Server;
  let browser: Browser;
  let allowed: { server: HttpServer; origin: string };
  let stranger: { server: HttpServer; origin: string };
  let session = '';

  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    const [video, audio] = await Promise.all([fakeCamera(), fakeMicrophone()]);
    server = await startServer({ workers: false });
    allowed = await startHost(() => hostPage(server.baseUrl, session));
    stranger = await startHost(() => hostPage(server.baseUrl, session));
    browser = await launchWithFakeMedia({ video, audio });
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => allowed?.server.close(r));
    await new Promise((r) => stranger?.server.close(r));
    await server?.stop();
  });

  const api = (method: string, path: string, body?: unknown) =>
    fetch(server.baseUrl + path, { method, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  async function newSession(steps = ['document']): Promise<{ id: string; url: string }> {
    const r = await api('POST', '/v1/sessions', { profile: { steps }, redirect_url: 'https://shop.example/done' });
    assert.equal(r.status, 201);
    const s = (await r.json()) as { id: string; capture_url: string };
    return { id: s.id, url: s.capture_url };
  }

  async function open(origin: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 860 }, deviceScaleFactor: 1, permissions: ['camera', 'microphone'] });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('[pageerror]', e));
    await page.goto(`${origin}/checkout`);
    return page;
  }

  test('allowed origin: the session completes in the frame; events in order, from vkyc only', async () => {
    // The project's branding (dashboard Settings → Project) shows in the frame: name, logo, colour.
    const logo = `data:image/png;base64,${(await sharp({ create: { width: 40, height: 20, channels: 3, background: '#0b5cad' } }).png().toBuffer()).toString('base64')}`;
    const branding = { name: 'Acme Bank', logo_data_url: logo, color: '#0b5cad' };
    const patched = await api('PATCH', '/v1/project/settings', { allowed_origins: [allowed.origin], branding });
    assert.equal(patched.status, 200, await patched.text());
    // The selfie step runs Human inside the frame: not cross-origin isolated there (the host is not),
    // so tfjs must do without WASM threads.
    const s = await newSession(['document', 'selfie']);
    session = s.url;
    const page = await open(allowed.origin);
    try {
      const frame = page.frameLocator('vkyc-capture iframe');
      await frame.locator('[data-screen="consent"]').waitFor({ timeout: 30_000 });
      await frame.locator('.brand img.brand-logo').waitFor();
      assert.equal((await frame.locator('.brand').textContent())?.trim(), 'Acme Bank');
      const primary = await frame.locator('[data-action="start"]').evaluate((b) => getComputedStyle(b).backgroundColor);
      assert.equal(primary, 'rgb(11, 92, 173)', 'the start button takes the brand colour');
      await page.screenshot({ path: `${SHOTS}/01-embed-consent.png` });
      await frame.locator('#agree').check();
      await frame.locator('[data-action="start"]').click();
      await frame.locator('[data-screen="document-front"] video').waitFor();
      await page.waitForTimeout(800);
      await page.screenshot({ path: `${SHOTS}/02-embed-document.png` });
      await frame.locator('[data-action="capture"]').click();
      await frame.locator('[data-action="use"]').click();
      await frame.locator('[data-screen="selfie"] video').waitFor();
      const use = frame.locator('[data-screen="selfie"] [data-action="use"]');
      const manual = frame.locator('[data-screen="selfie"] [data-action="capture"]');
      await use.or(manual).first().waitFor({ timeout: 60_000 });
      const auto = await use.isVisible();
      if (!auto) await manual.click({ timeout: 2_000 }).catch(() => {});
      await use.click({ timeout: 30_000 });
      await frame.locator('[data-screen="done"]').waitFor({ timeout: 60_000 });
      await page.waitForFunction(() => (window as unknown as { __events: Array<{ type: string }> }).__events.some((e) => e.type === 'completed'));
      await page.screenshot({ path: `${SHOTS}/03-embed-done.png` });
      const events = await page.evaluate(() => (window as unknown as { __events: Array<{ type: string; detail: Record<string, unknown> }> }).__events);
      assert.deepEqual(events.map((e) => e.type), ['started', 'step_completed', 'step_completed', 'completed'], JSON.stringify(events));
      assert.deepEqual(events[0]!.detail, { session_id: s.id });
      assert.deepEqual(events[1]!.detail, { step: 'document_front' });
      assert.deepEqual(events[2]!.detail, { step: 'selfie' });
      assert.equal(events[3]!.detail.session_id, s.id);
      assert.notEqual(events[3]!.detail.status, 'pending');
      console.log(`selfie inside the frame taken ${auto ? 'automatically by the face guide' : 'with the manual button'}`);
      // Every vkyc message came from vkyc's origin, in the versioned shape; the host's own forged one
      // (origin = the host) did not become an event.
      const raw = await page.evaluate(() => (window as unknown as { __raw: Array<{ origin: string; data: { source: string; version: number; type: string } }> }).__raw);
      const fromVkyc = raw.filter((m) => m.origin === server.baseUrl);
      assert.deepEqual(fromVkyc.map((m) => m.data.type), ['started', 'step_completed', 'step_completed', 'completed']);
      assert.ok(fromVkyc.every((m) => m.data.source === 'vkyc' && m.data.version === 1));
      assert.ok(raw.some((m) => m.origin === allowed.origin), 'the forged message was posted');
      // The frame stayed on the done screen: embedded, the host decides where to go next.
      assert.equal(await frame.locator('[data-action="continue"]').count(), 0);
      const done = (await (await api('GET', `/v1/sessions/${s.id}`)).json()) as { status: string; artifacts: Array<{ kind: string }> };
      assert.notEqual(done.status, 'pending');
      assert.deepEqual(done.artifacts.map((a) => a.kind).sort(), ['document_front', 'selfie']);
    } finally {
      await page.context().close();
    }
  });

  test('an origin the project does not allow: frame-ancestors refuses the frame, no event arrives', async () => {
    assert.equal((await api('PATCH', '/v1/project/settings', { allowed_origins: [allowed.origin] })).status, 200);
    session = (await newSession()).url;
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 860 }, permissions: ['camera', 'microphone'] });
    const page = await ctx.newPage();
    // The answer arrives (200, so not a network failure) and its policy leaves the stranger out.
    const answer = page.waitForResponse((r) => r.url() === session);
    try {
      await page.goto(`${stranger.origin}/checkout`);
      await page.waitForFunction(() => !!document.querySelector('vkyc-capture')?.shadowRoot?.querySelector('iframe'));
      const res = await answer;
      assert.equal(res.status(), 200);
      assert.match((await res.allHeaders())['content-security-policy'] ?? '', new RegExp(`frame-ancestors ${allowed.origin}(;|$)`));
      // Chromium replaces a frame its ancestors policy refuses with its error page.
      const frame = page.frames().find((f) => f !== page.mainFrame());
      assert.ok(frame);
      for (let i = 0; i < 100 && !frame.url().startsWith('chrome-error:'); i++) await page.waitForTimeout(100);
      assert.equal(frame.url(), 'chrome-error://chromewebdata/');
      await page.screenshot({ path: `${SHOTS}/04-embed-refused.png` });
      assert.equal(await frame.locator('[data-screen]').count(), 0, 'no capture page inside the refused frame');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __events: unknown[] }).__events), []);
    } finally {
      await ctx.close();
      await api('PATCH', '/v1/project/settings', { allowed_origins: [], branding: { name: null, logo_data_url: null, color: null } });
    }
  });
});
