import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { sample } from '../helpers/media.ts';
import { makeRuntime } from '../helpers/runtime.ts';

// A blob altered on disk is answered with an error by the signed media route, never with 200 and
// bytes that did not authenticate.

test('a tampered encrypted selfie is refused by the media route with media_integrity_failed', async () => {
  const rt = await makeRuntime({ env: { BLOB_ENCRYPTION_KEY: randomBytes(32).toString('hex') } });
  try {
    const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json();
    const token = new URL(s.capture_url).pathname.split('/').pop()!;
    const img = await sample(1);
    const put = await rt.app.request('/v1/capture/selfie', { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: img as Uint8Array<ArrayBuffer> });
    assert.equal(put.status, 200);
    const view = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    const url = new URL(view.artifacts.find((a: { kind: string }) => a.kind === 'selfie').url);
    const path = `${url.pathname}${url.search}`;

    const ok = await rt.app.request(path);
    assert.equal(ok.status, 200);
    assert.ok(Buffer.from(await ok.arrayBuffer()).equals(Buffer.from(img)));

    const file = join(rt.dataDir, 'blobs', 'projects', rt.projectId, 'sessions', s.id, 'selfie');
    const raw = await readFile(file);
    raw[raw.length - 40] = (raw[raw.length - 40] ?? 0) ^ 0x01;
    await writeFile(file, raw);
    const bad = await rt.app.request(path);
    assert.equal(bad.status, 500);
    assert.equal((await bad.json()).error.code, 'media_integrity_failed');
  } finally {
    await rt.cleanup();
  }
});
