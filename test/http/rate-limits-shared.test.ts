import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { Redis } from 'ioredis';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { deleteKeys, REDIS_URL } from '../helpers/redis.ts';
import { makeRuntime, makeTwoNodes, type TestRuntime } from '../helpers/runtime.ts';

// Two API nodes with REDIS_URL share every rate-limit window through the real Redis on
// 127.0.0.1:6379 (.ci/run starts it): a client spreading requests over both nodes gets the limit
// once, not once per node. Without Redis in CI this fails, never skips.

const prefix = `vkyc-test-${randomBytes(4).toString('hex')}:`;
let a: TestRuntime;
let b: TestRuntime;
let nodes: Awaited<ReturnType<typeof makeTwoNodes>> | undefined;

before(async () => {
  nodes = await makeTwoNodes({ REDIS_URL, REDIS_PREFIX: prefix, CAPTURE_RATE_LIMIT: '6' });
  ({ a, b } = nodes);
});
after(async () => {
  await nodes?.cleanup();
  await deleteKeys(prefix);
});

test('the capture limit is counted across nodes, and the token is not in Redis', async () => {
  const { token } = await newCaptureSession(a, { steps: ['selfie'] });
  const get = (rt: TestRuntime) => rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${token}` } });
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await get(i % 2 ? b : a)).status);
  assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429]);
  const r = new Redis(REDIS_URL);
  const keys = await r.keys(`${prefix}*`);
  await r.quit();
  assert.ok(keys.length > 0);
  assert.ok(keys.every((k) => !k.includes(token)), 'keys are hashed');
});

test('failed credentials are counted across nodes: 20 wrong keys over two nodes, then 429 on both', async () => {
  const wrong = (rt: TestRuntime) => rt.app.request('/v1/sessions', { headers: { authorization: `Bearer vk_test_${'x'.repeat(32)}` } });
  for (let i = 0; i < 20; i++) assert.equal((await wrong(i % 2 ? b : a)).status, 401);
  assert.equal((await wrong(a)).status, 429);
  assert.equal((await wrong(b)).status, 429);
});

test('with Redis gone, requests are served (limits fail open) and the failure is logged, not thrown', async () => {
  const rt = await makeRuntime({ env: { REDIS_URL: 'redis://127.0.0.1:1', REDIS_PREFIX: prefix } });
  try {
    const { token } = await newCaptureSession(rt, { steps: ['selfie'] });
    const res = await rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
  } finally {
    await rt.cleanup();
  }
});
