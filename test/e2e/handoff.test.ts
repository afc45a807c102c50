import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser } from 'playwright-core';
import { launchWithFakeMedia } from '../helpers/chromium.ts';
import { fakeCamera, fakeMicrophone } from '../helpers/fake-media.ts';
import { decodeQr } from '../helpers/qr-decode.ts';
import { startServer } from '../helpers/server.ts';

// Desktop-to-phone hand-off in real Chromium with two browser contexts: the desktop shows the QR
// code of a single-use link, the "phone" (mobile viewport, touch, iPhone user agent) opens it and
// confirms ("Continue here") and captures, the desktop follows the phone's steps live (pushed over
// GET /v1/capture/events; polled when the stream is blocked) and finishes when the phone does.

const SHOTS = '/tmp/vkyc-shots/embed';
const REDIRECT = 'https://shop.example/kyc-done';
const IPHONE_UA = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
type Server = Awaited<ReturnType<typeof startServer>>;

describe('desktop-to-phone hand-off (Chromium)', { timeout: 300_000 }, () => {
  let server: Server;
  let browser: Browser;
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    const [video, audio] = await Promise.all([fakeCamera(), fakeMicrophone()]);
    server = await startServer({ workers: false });
    browser = await launchWithFakeMedia({ video, audio });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('desktop shows the QR, the phone completes, the desktop follows and finishes', async () => {
    const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ profile: { steps: ['document', 'selfie'] }, redirect_url: REDIRECT }) });
    const s = (await res.json()) as { id: string; capture_url: string };
    const desktopCtx = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const phoneCtx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, userAgent: IPHONE_UA, permissions: ['camera', 'microphone'] });
    try {
      const desktop = await desktopCtx.newPage();
      desktop.on('pageerror', (e) => console.error('[desktop pageerror]', e));
      await desktop.route(`${REDIRECT}**`, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<h1>back at the shop</h1>' }));
      await desktop.goto(s.capture_url);
      await desktop.click('[data-screen="consent"] [data-action="handoff"]');
      const qr = desktop.locator('[data-screen="handoff"] [data-testid="handoff-qr"]');
      await qr.waitFor();
      const link = (await desktop.locator('[data-testid="handoff-url"]').getAttribute('href')) ?? '';
      assert.match(link, new RegExp(`^${server.baseUrl}/c/[0-9A-HJKMNP-TV-Z]{20}$`));
      // The QR is the server's SVG (a data: image, no script), and its alt text names the link.
      const src = (await qr.getAttribute('src')) ?? '';
      assert.match(decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, '')), /^<svg[^>]+viewBox="0 0 \d+ \d+"[\s\S]*<path/);
      assert.ok((await qr.getAttribute('alt'))?.includes(link));
      assert.ok((await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 'the SVG decodes as an image');
      // What a phone camera sees: the QR as Chromium drew it on the screen reads back as the link.
      assert.equal(await decodeQr(await qr.screenshot()), link);
      await desktop.screenshot({ path: `${SHOTS}/05-handoff-qr.png` });

      const phone = await phoneCtx.newPage();
      phone.on('pageerror', (e) => console.error('[phone pageerror]', e));
      await phone.route(`${REDIRECT}**`, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<h1>back at the shop</h1>' }));
      // Opening the link only shows a confirm page (what a link preview would fetch): nothing spent yet.
      const confirm = await phone.goto(link);
      assert.equal(confirm?.status(), 200);
      await phone.waitForSelector('[data-testid="handoff-confirm"]');
      assert.equal(await desktop.locator('[data-screen="handoff"]').count(), 1, 'the desktop still shows the QR');
      await phone.screenshot({ path: `${SHOTS}/05b-phone-confirm.png` });
      // Count the desktop's session reads from here on: following should need none (the stream pushes).
      const desktopReads: string[] = [];
      desktop.on('request', (r) => {
        if (new URL(r.url()).pathname === '/v1/capture/session') desktopReads.push(r.url());
      });
      await Promise.all([phone.waitForURL(/\/capture\/cap_/), phone.click('[data-action="handoff-continue"]')]);
      assert.match(new URL(phone.url()).pathname, /^\/capture\/cap_/);
      await phone.waitForSelector('[data-screen="consent"]');
      // The phone is where the capture happens: no further hand-off offered there.
      assert.equal(await phone.locator('[data-action="handoff"]').count(), 0);
      await phone.screenshot({ path: `${SHOTS}/06-phone-consent.png` });
      // The desktop notices the phone took over.
      await desktop.waitForSelector('[data-screen="handoff-follow"]', { timeout: 20_000 });
      await phone.check('#agree');
      await phone.click('[data-action="start"]');
      await phone.waitForSelector('[data-screen="document-front"] video');
      await phone.waitForTimeout(800);
      await phone.screenshot({ path: `${SHOTS}/07-phone-document.png` });
      await phone.click('[data-action="capture"]');
      await phone.click('[data-action="use"]');
      await desktop.waitForSelector('[data-testid="follow-steps"] li[data-step="document"][data-done="true"]', { timeout: 30_000 });
      assert.equal(await desktop.locator('li[data-step="selfie"][data-done="false"]').count(), 1);
      // The phone's document reached the desktop through the event stream, not by polling.
      assert.equal(await desktop.locator('[data-screen="handoff-follow"][data-follow="stream"]').count(), 1);
      assert.deepEqual(desktopReads, [], 'no GET /v1/capture/session while following over the stream');
      await desktop.screenshot({ path: `${SHOTS}/08-handoff-following.png` });
      // A reload of the desktop goes straight back to following (its token may no longer upload).
      // With the stream blocked (a proxy that refuses it) the desktop falls back to polling.
      await desktop.route('**/v1/capture/events', (r) => r.abort());
      await desktop.reload();
      await desktop.waitForSelector('[data-screen="handoff-follow"] li[data-step="document"][data-done="true"]');
      await desktop.waitForSelector('[data-screen="handoff-follow"][data-follow="poll"]', { timeout: 30_000 });

      const use = phone.locator('[data-screen="selfie"] [data-action="use"]');
      const manual = phone.locator('[data-screen="selfie"] [data-action="capture"]');
      await use.or(manual).first().waitFor({ timeout: 60_000 });
      if (!(await use.isVisible())) await manual.click({ timeout: 2_000 }).catch(() => {});
      await use.click({ timeout: 30_000 });
      await phone.waitForSelector('[data-screen="done"]', { timeout: 60_000 });
      await phone.screenshot({ path: `${SHOTS}/09-phone-done.png` });
      // The desktop (polling now) ticks the selfie, then finishes with the session's redirect.
      await desktop.waitForSelector('[data-screen="done"]', { timeout: 30_000 });
      assert.ok(desktopReads.length > 1, 'the fallback polled the session');
      await desktop.screenshot({ path: `${SHOTS}/10-desktop-done.png` });
      await desktop.waitForURL(`${REDIRECT}**`, { timeout: 20_000 });
      assert.equal(new URL(desktop.url()).searchParams.get('session_id'), s.id);
      const done = (await (await fetch(`${server.baseUrl}/v1/sessions/${s.id}`, { headers: { authorization: `Bearer ${server.apiKey}` } })).json()) as { status: string; artifacts: Array<{ kind: string }> };
      assert.notEqual(done.status, 'pending');
      assert.deepEqual(done.artifacts.map((a) => a.kind).sort(), ['document_front', 'selfie']);
      // The link was single use.
      const again = await phoneCtx.newPage();
      const r2 = await again.goto(link);
      assert.equal(r2?.status(), 410);
      assert.match(await again.content(), /already used/);
    } finally {
      await desktopCtx.close();
      await phoneCtx.close();
    }
  });
});
