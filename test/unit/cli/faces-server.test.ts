import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { personA1, personA3 } from '../../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../../helpers/runtime.ts';

const BIN = resolve(import.meta.dirname, '../../../bin/vkyc.mjs');
const run = promisify(execFile);

async function vkyc(env: Record<string, string>, ...args: string[]) {
  const t0 = performance.now();
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', VKYC_SERVER: '', VKYC_API_KEY: '', ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr, ms: performance.now() - t0 };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr, ms: performance.now() - t0 };
  }
}

describe('vkyc faces compare --server: a running server answers with its warm models', () => {
  let rt: TestRuntime;
  let server: ServerType;
  let url: string;
  let dir: string;
  let a: string;
  let b: string;
  before(async () => {
    rt = await makeRuntime({ env: { FACE_WORKERS: '1' } });
    server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'vkyc-faces-'));
    a = join(dir, 'a.png');
    b = join(dir, 'b.png');
    await writeFile(a, await personA1());
    await writeFile(b, await personA3());
  });
  after(async () => {
    await new Promise((r) => server.close(r));
    await rt.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  test('the same JSON as POST /v1/faces/compare; the key comes from VKYC_API_KEY', async () => {
    const form = new FormData();
    const { readFile } = await import('node:fs/promises');
    form.append('a', new Blob([await readFile(a)]), 'a');
    form.append('b', new Blob([await readFile(b)]), 'b');
    const api = await (await rt.app.request('/v1/faces/compare', { method: 'POST', headers: { authorization: `Bearer ${rt.apiKey}` }, body: form })).json();
    const first = await vkyc({ VKYC_API_KEY: rt.apiKey }, 'faces', 'compare', a, b, '--server', url);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(JSON.parse(first.stdout), api);
    assert.equal((api as { match: boolean }).match, true, 'two photos of person A');
    // VKYC_SERVER works as well as the flag; detect too.
    const det = await vkyc({ VKYC_API_KEY: rt.apiKey, VKYC_SERVER: url }, 'faces', 'detect', a);
    assert.equal(det.code, 0, det.stderr);
    assert.equal(JSON.parse(det.stdout).count, 1);
    process.stderr.write(`faces compare --server: ${Math.round(first.ms)} ms wall (process start included)\n`);
  });

  test('refusals: no key, a bad key (the server\'s error JSON, exit 1), a server that is not there', async () => {
    const noKey = await vkyc({}, 'faces', 'compare', a, b, '--server', url);
    assert.equal(noKey.code, 1);
    assert.match(noKey.stderr, /--server needs an API key in VKYC_API_KEY/);
    const bad = await vkyc({ VKYC_API_KEY: 'vk_test_wrong' }, 'faces', 'compare', a, b, '--server', url);
    assert.equal(bad.code, 1);
    assert.equal(JSON.parse(bad.stdout).error.code, 'api_key_invalid');
    const gone = await vkyc({ VKYC_API_KEY: rt.apiKey }, 'faces', 'compare', a, b, '--server', 'http://127.0.0.1:9');
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /cannot reach http:\/\/127\.0\.0\.1:9 \(\w+/);
    assert.equal((await vkyc({}, 'faces', 'compare', a)).code, 1, 'usage');
  });
});
