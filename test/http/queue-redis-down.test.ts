import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emitEvent } from '../helpers/events.ts';
import { makeRuntime } from '../helpers/runtime.ts';

// The BullMQ queue with its Redis unreachable (REDIS_URL to a closed port): the API keeps serving,
// /readyz says why it is not ready, the jobs wait in the outbox (nothing lost), and shutdown does
// not hang on a hand-over that waits for Redis — a SIGTERM must end the process.

test('BullMQ queue, Redis down: API served, readyz 503, jobs kept in the outbox, workers and shutdown complete', async () => {
  const rt = await makeRuntime({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  let closed = false;
  try {
    // Worker slots whose claims wait for Redis: stop() still returns (a SIGTERM ends the process).
    const w = rt.startWorkers({ pollMs: 20 });
    await new Promise((r) => setTimeout(r, 200));
    const stopGuard = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000).unref());
    assert.equal(await Promise.race([w.stop(500).then(() => 'stopped' as const), stopGuard]), 'stopped');
    assert.equal((await rt.req('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x' })).status, 201);
    await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: 'ses_down' }));
    assert.equal((await rt.req('GET', '/v1/webhooks')).status, 200);
    const ready = await rt.app.request('/readyz');
    assert.deepEqual([ready.status, await ready.json()], [503, { ok: false, reason: 'redis unreachable' }]);
    // The delivery job could not reach the queue: its outbox row is still there for a later hand-over.
    const rows = await rt.deps.db.selectFrom('outbox').select('id').execute();
    assert.equal(rows.length, 1);
  } finally {
    const guard = new Promise<'hung'>((r) => setTimeout(() => r('hung'), 60_000).unref());
    closed = (await Promise.race([rt.cleanup().then(() => 'closed' as const), guard])) === 'closed';
  }
  assert.ok(closed, 'shutdown completed with Redis down');
});
