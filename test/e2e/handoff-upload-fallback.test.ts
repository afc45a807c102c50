import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { type Browser } from 'playwright-core';
import { launchWithFakeMedia } from '../helpers/chromium.ts';
import { fakeCamera, fakeMicrophone, fakeSelfieJpeg } from '../helpers/fake-media.ts';
import { startServer } from '../helpers/server.ts';

// Photo-upload fallback of the document steps (project setting document_upload_fallback), in real
// Chromium: camera permission denied (no fake-UI auto-accept, nothing granted) → the document step
// offers a file input; the photo goes through the same PUT as a camera still (sniffed, gated).

const SHOTS = '/tmp/vkyc-shots/embed';
type Server = Awaited<ReturnType<typeof startServer>>;

describe('document upload fallback (Chromium, camera denied)', { timeout: 180_000 }, () => {
  let server: Server;
  let browser: Browser;
  let photo: string;
  before(async () => {
    await mkdir(SHOTS, { recursive: true });
    const [video, audio] = await Promise.all([fakeCamera(), fakeMicrophone()]);
    photo = await fakeSelfieJpeg(); // any sharp photo passes the document gates (blur, glare)
    server = await startServer({ workers: false });
    browser = await launchWithFakeMedia({ video, audio }, { fakeUi: false });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  const api = (method: string, path: string, body?: unknown) =>
    fetch(server.baseUrl + path, { method, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  async function session(): Promise<{ id: string; url: string }> {
    const s = (await (await api('POST', '/v1/sessions', { profile: { steps: ['document'], document_back: true } })).json()) as { id: string; capture_url: string };
    return { id: s.id, url: s.capture_url };
  }

  test('on_camera_failure: camera denied → file input for front and back → session submitted', async () => {
    assert.equal((await api('PATCH', '/v1/project/settings', { document_upload_fallback: 'on_camera_failure' })).status, 200);
    const s = await session();
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('[pageerror]', e));
    try {
      await page.goto(s.url);
      await page.check('#agree');
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-screen="document-front"][data-mode="upload"]');
      assert.match((await page.textContent('[data-testid="feedback"]')) ?? '', /camera is not available/);
      await page.screenshot({ path: `${SHOTS}/11-upload-fallback.png` });
      await page.setInputFiles('[data-screen="document-front"] [data-testid="document-file"]', photo);
      await page.waitForSelector('[data-screen="document-front"] img.still');
      await page.screenshot({ path: `${SHOTS}/12-upload-fallback-review.png` });
      await page.click('[data-action="use"]');
      await page.waitForSelector('[data-screen="document-back"][data-mode="upload"]');
      await page.setInputFiles('[data-screen="document-back"] [data-testid="document-file"]', photo);
      await page.click('[data-action="use"]');
      await page.waitForSelector('[data-screen="done"]', { timeout: 60_000 });
      const done = (await (await api('GET', `/v1/sessions/${s.id}`)).json()) as { status: string; artifacts: Array<{ kind: string; bytes: number; content_type: string }> };
      assert.notEqual(done.status, 'pending');
      const size = (await stat(photo)).size;
      for (const kind of ['document_front', 'document_back']) {
        const a = done.artifacts.find((x) => x.kind === kind);
        assert.ok(a, kind);
        assert.equal(a.content_type, 'image/jpeg');
        assert.equal(a.bytes, size, `${kind}: the file's bytes, as chosen`);
      }
    } finally {
      await ctx.close();
    }
  });

  test('a file that is not an image is refused by the server (sniffed), the user can choose again', async () => {
    assert.equal((await api('PATCH', '/v1/project/settings', { document_upload_fallback: 'on_camera_failure' })).status, 200);
    const s = await session();
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    try {
      await page.goto(s.url);
      await page.check('#agree');
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-screen="document-front"][data-mode="upload"]');
      // Named .jpg, typed image/jpeg by the browser: the bytes are text.
      await page.setInputFiles('[data-testid="document-file"]', { name: 'passport.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not really a photo\n'.repeat(100)) });
      await page.click('[data-action="use"]');
      // 415 unsupported_media_type from the server's sniffing → the review screen says so and offers a retake.
      await page.waitForSelector('[data-testid="feedback"].warn');
      assert.match((await page.textContent('[data-testid="feedback"]')) ?? '', /could not be used/);
      assert.equal(await page.locator('[data-action="use"]').count(), 0);
      await page.click('[data-action="retake"]');
      await page.setInputFiles('[data-testid="document-file"]', { name: 'front.jpg', mimeType: 'image/jpeg', buffer: await readFile(photo) });
      await page.click('[data-action="use"]');
      await page.waitForSelector('[data-screen="document-back"]');
    } finally {
      await ctx.close();
    }
  });

  test("off (the default): camera denied shows the camera error, no file input", async () => {
    assert.equal((await api('PATCH', '/v1/project/settings', { document_upload_fallback: 'off' })).status, 200);
    const s = await session();
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    try {
      await page.goto(s.url);
      await page.check('#agree');
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-screen="error"][data-error="camera_denied"]');
      assert.equal(await page.locator('[data-testid="document-file"]').count(), 0);
    } finally {
      await ctx.close();
    }
  });

  test('always: the camera screen offers the upload beside the shutter', async () => {
    assert.equal((await api('PATCH', '/v1/project/settings', { document_upload_fallback: 'always' })).status, 200);
    const s = await session();
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, permissions: ['camera'] });
    const page = await ctx.newPage();
    try {
      await page.goto(s.url);
      await page.check('#agree');
      await page.click('[data-action="start"]');
      await page.waitForSelector('[data-screen="document-front"] video');
      await page.click('[data-action="upload-instead"]');
      await page.waitForSelector('[data-screen="document-front"][data-mode="upload"]');
      assert.equal((await page.textContent('[data-testid="feedback"]')) ?? '', '', 'no camera-failure notice when the user chose to upload');
    } finally {
      await ctx.close();
      await api('PATCH', '/v1/project/settings', { document_upload_fallback: 'off' });
    }
  });
});
