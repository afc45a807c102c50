import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CAPTURE_CSP } from '../../src/http/routes/capture-page.ts';
import { CAPTURE_BUILD_DIR, pageRoutes } from '../../src/http/routes/pages.ts';
import { DEFAULT_OUT_DIR, ensureCaptureAssets } from '../../web/capture/build.ts';

// The server serves the capture page from the directory `npm run build:web` writes, and says so
// when that build is missing instead of building it itself.

test('capture page: served from the build directory with its isolation headers and CSP', async () => {
  assert.equal(CAPTURE_BUILD_DIR, DEFAULT_OUT_DIR, 'the build writes where the server reads');
  await ensureCaptureAssets();
  const app = pageRoutes();
  const page = await app.request('/capture/cap_test');
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('content-security-policy'), CAPTURE_CSP);
  assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.match(await page.text(), /<script[^>]+\/assets\/capture\/app\.js/);
  const js = await app.request('/assets/capture/app.js');
  assert.equal(js.status, 200);
  assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.ok((await js.arrayBuffer()).byteLength > 10_000, 'the bundle, not a stub');
  assert.equal((await app.request('/assets/capture/build.ts')).status, 404, 'only the bundle files are served');
});

test('capture page: a missing build answers 503 capture_page_not_built, without the server path', async () => {
  const empty = await mkdtemp(join(tmpdir(), 'vkyc-nobuild-'));
  try {
    const app = pageRoutes(empty);
    for (const path of ['/capture/cap_test', '/assets/capture/app.js']) {
      const res = await app.request(path);
      assert.equal(res.status, 503, path);
      const body = (await res.json()) as { error: { code: string; message: string } };
      assert.equal(body.error.code, 'capture_page_not_built');
      assert.ok(!body.error.message.includes(empty), 'no server path in the answer');
    }
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
