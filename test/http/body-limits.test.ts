import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { bodyLimitFor, bodyRules, DEFAULT_BODY_LIMIT } from '../../src/http/body-limit.ts';
import { postChunked } from '../helpers/chunked.ts';
import { startServer } from '../helpers/server.ts';

// Bodies are limited while they stream (issue 12, item 1): before this, JSON routes read the whole
// text first and two concurrent 400 MB bodies took the process from 114 MB to 2.5 GB RSS.

type Server = Awaited<ReturnType<typeof startServer>>;
const MiB = 1024 * 1024;
const code = (body: string) => (JSON.parse(body) as { error: { code: string } }).error.code;

describe('request bodies are limited while they stream (real socket)', () => {
  let server: Server;
  let captureToken: string;
  before(async () => {
    server = await startServer({ workers: false });
    const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: 'self_record' } }) });
    captureToken = new URL(((await res.json()) as { capture_url: string }).capture_url).pathname.split('/').pop()!;
  });
  after(async () => {
    // The adapter closes a connection whose body was cut after its drain (≤ 500 ms) on an unref'd
    // timer; once the listener is closed nothing else keeps the loop alive until then.
    const keepAlive = setInterval(() => {}, 100);
    await server.stop();
    clearInterval(keepAlive);
  });

  test('two concurrent 200 MB chunked bodies to liveness verify: 413 each, RSS grows < 100 MB', { timeout: 120_000 }, async (t) => {
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
    try {
      const send = (path: string) => postChunked(server.baseUrl + path, { head: '{"challengeToken":"', total: 200 * MiB });
      const results = await Promise.all([send('/v1/liveness/verify'), send('/webapi/kyc/user/ses_x/liveness/verify')]);
      for (const r of results) {
        assert.equal(r.status, 413);
        assert.equal(code(r.body), 'payload_too_large');
        // The server stopped reading near the 16 MiB limit (socket buffers hold a few MB more).
        assert.ok(r.sent < 64 * MiB, `client could write ${Math.round(r.sent / MiB)} MiB`);
      }
    } finally {
      clearInterval(sampler);
    }
    const growth = (peak - before) / MiB;
    t.diagnostic(`peak RSS growth ${growth.toFixed(0)} MB for 2 × 200 MB bodies`);
    assert.ok(growth < 100, `RSS grew by ${growth.toFixed(0)} MB`);
  });

  test('every JSON route family is cut at its own limit, chunked without Content-Length', { timeout: 60_000 }, async () => {
    const cases: Array<{ path: string; headers: Record<string, string>; limit: number }> = [
      { path: '/v1/sessions', headers: { authorization: `Bearer ${server.apiKey}` }, limit: 64 * 1024 },
      { path: '/v1/capture/client-info', headers: { authorization: `Bearer ${captureToken}` }, limit: 8 * 1024 },
      { path: '/api/v1/zoloz/videoverify/initialize', headers: { authorization: `Bearer ${server.apiKey}` }, limit: 16 * 1024 },
      { path: '/liveness/verify-face', headers: { 'x-api-key': server.apiKey }, limit: 4 * 1024 },
      { path: '/v1/webhooks', headers: { authorization: `Bearer ${server.apiKey}` }, limit: DEFAULT_BODY_LIMIT },
    ];
    for (const c of cases) {
      const r = await postChunked(server.baseUrl + c.path, { head: '{"metadata":"', total: 20 * MiB, headers: c.headers });
      assert.equal(r.status, 413, c.path);
      assert.equal(code(r.body), 'payload_too_large', c.path);
      assert.match(r.body, new RegExp(`exceeds ${c.limit} bytes`), c.path);
      assert.ok(r.sent < 16 * MiB, `${c.path}: client could write ${Math.round(r.sent / MiB)} MiB`);
    }
  });

  test('a body the route never reads (bad key) is not read either: the answer comes first', { timeout: 60_000 }, async () => {
    const r = await postChunked(`${server.baseUrl}/v1/sessions`, { head: '{', total: 200 * MiB, headers: { authorization: 'Bearer vk_test_wrong' } });
    assert.equal(r.status, 401);
    // The adapter discards at most 64 MB (or 500 ms) of what is in flight, then closes.
    assert.ok(r.sent < 100 * MiB, `client could write ${Math.round(r.sent / MiB)} MiB`);
  });

  test('a declared Content-Length over the limit is refused before the body is read', async () => {
    const res = await fetch(`${server.baseUrl}/v1/capture/client-info`, { method: 'POST', headers: { authorization: `Bearer ${captureToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_agent: 'x'.repeat(9000) }) });
    assert.equal(res.status, 413);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'payload_too_large');
  });

  test('binary uploads are cut while streaming too (selfie over MAX_IMAGE_BYTES, chunked)', { timeout: 60_000 }, async () => {
    const r = await postChunked(`${server.baseUrl}/v1/capture/selfie`, { method: 'PUT', head: '\xff\xd8\xff', total: 40 * MiB, headers: { authorization: `Bearer ${captureToken}`, 'content-type': 'image/jpeg' } });
    assert.equal(r.status, 413);
    assert.equal(code(r.body), 'payload_too_large');
    assert.ok(r.sent < 15 * MiB + 16 * MiB, `client could write ${Math.round(r.sent / MiB)} MiB`);
  });

  test('multipart bodies are read through the limit: small ones parse, big ones get 413', { timeout: 60_000 }, async () => {
    const form = new FormData();
    form.set('other', new Blob([new Uint8Array(10)]), 'x.bin');
    const small = await fetch(`${server.baseUrl}/v1/faces/detect`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}` }, body: form });
    assert.equal(small.status, 422);
    assert.match(((await small.json()) as { error: { message: string } }).error.message, /multipart field "image" must be a file/);
    const boundary = 'vkycboundary';
    const big = await postChunked(`${server.baseUrl}/v1/faces/detect`, {
      head: `--${boundary}\r\ncontent-disposition: form-data; name="image"; filename="a.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`,
      total: 60 * MiB,
      headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    assert.equal(big.status, 413);
    assert.equal(code(big.body), 'payload_too_large');
  });

  test('OpenAPI states each body limit', async () => {
    const spec = (await (await fetch(`${server.baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { description?: string }; responses: Record<string, unknown> }>> };
    assert.match(spec.paths['/v1/liveness/verify']?.post?.requestBody?.description ?? '', /^Request body limit: 16 MiB/);
    assert.match(spec.paths['/v1/capture/client-info']?.post?.requestBody?.description ?? '', /^Request body limit: 8 KiB/);
    assert.match(spec.paths['/v1/sessions']?.post?.requestBody?.description ?? '', /^Request body limit: 64 KiB/);
    assert.match(spec.paths['/liveness/verify-face']?.post?.requestBody?.description ?? '', /^Request body limit: 4 KiB/);
    assert.ok(spec.paths['/v1/sessions']?.post?.responses['413']);
  });

  test('a body under the limit still works over the socket', async () => {
    const res = await fetch(`${server.baseUrl}/v1/capture/client-info`, { method: 'POST', headers: { authorization: `Bearer ${captureToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_agent: 'Mozilla/5.0', timezone: 'Europe/Berlin' }) });
    assert.equal(res.status, 200);
  });
});

test('limit table: routes get limits that fit them', () => {
  const rules = bodyRules({ MAX_IMAGE_BYTES: 15 * MiB, MAX_VIDEO_BYTES: 200 * MiB });
  assert.equal(bodyLimitFor(rules, 'POST', '/v1/sessions'), 64 * 1024);
  assert.equal(bodyLimitFor(rules, 'POST', '/v1/liveness/verify'), 16 * MiB);
  assert.equal(bodyLimitFor(rules, 'POST', '/webapi/kyc/user/ses_1/liveness/verify'), 16 * MiB);
  assert.equal(bodyLimitFor(rules, 'PUT', '/v1/capture/video'), 200 * MiB);
  assert.equal(bodyLimitFor(rules, 'PATCH', '/v1/capture/video/uploads/up_1'), 200 * MiB);
  assert.equal(bodyLimitFor(rules, 'POST', '/v1/sessions/ses_1/review'), DEFAULT_BODY_LIMIT);
  assert.equal(bodyLimitFor(rules, 'POST', '/liveness/verify-face'), 4 * 1024);
});

test('video uploads: a PUT and a resumable chunk are cut at their limits while streaming', { timeout: 60_000 }, async () => {
  const server = await startServer({ workers: false, env: { MAX_VIDEO_BYTES: String(4 * MiB) } });
  const keepAlive = setInterval(() => {}, 100); // see the suite's after()
  try {
    const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['video'], video_mode: 'self_record' } }) });
    const token = new URL(((await res.json()) as { capture_url: string }).capture_url).pathname.split('/').pop()!;
    const auth = { authorization: `Bearer ${token}` };
    // Bounds from the adapter's drain (it discards ≤ 64 MB or 500 ms after the answer, then closes),
    // not from timing: a 24 MiB bound on a 40 MiB body failed on a loaded machine (29 MiB written).
    const put = await postChunked(`${server.baseUrl}/v1/capture/video`, { method: 'PUT', head: '\x1a\x45\xdf\xa3', total: 200 * MiB, headers: { ...auth, 'content-type': 'video/webm' } });
    assert.equal(put.status, 413);
    assert.equal(code(put.body), 'payload_too_large');
    assert.ok(put.sent < 100 * MiB, `client could write ${Math.round(put.sent / MiB)} MiB`);
    // A resumable upload declared as 1 MiB: a chunk running past it is cut at 1 MiB.
    const started = await fetch(`${server.baseUrl}/v1/capture/video/uploads`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ content_type: 'video/webm', size: MiB }) });
    assert.equal(started.status, 201);
    const { upload_id: id } = (await started.json()) as { upload_id: string };
    const patch = await postChunked(`${server.baseUrl}/v1/capture/video/uploads/${id}`, { method: 'PATCH', head: '', total: 200 * MiB, headers: { ...auth, 'content-type': 'application/offset+octet-stream', 'upload-offset': '0' } });
    assert.equal(patch.status, 413);
    assert.equal(code(patch.body), 'payload_too_large');
    assert.ok(patch.sent < 100 * MiB, `client could write ${Math.round(patch.sent / MiB)} MiB`);
  } finally {
    await server.stop();
    clearInterval(keepAlive);
  }
});
