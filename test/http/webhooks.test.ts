import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { emitEvent } from '../../src/webhooks/events.ts';
import { WEBHOOK_RETRY_DELAYS_MS, webhookBackoff } from '../../src/queue/catalogue.ts';

describe('webhook delivery', () => {
  let rt: TestRuntime;
  before(async () => { rt = await makeRuntime(); });
  after(async () => rt.cleanup());

  test('a receiver that fails then recovers gets the event; attempts are logged; manual resend works', async () => {
    let secret: string | undefined;
    const recv = await startReceiver({ secret: () => secret, failFirst: 2 });
    try {
      const hook = await (await rt.req('POST', '/v1/webhooks', { url: recv.url })).json();
      secret = hook.secret;
      await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: 'ses_x' }));
      const w = rt.startWorkers({ pollMs: 10 });
      // Move the clock past each retry delay instead of waiting for it.
      for (let i = 0; i < 20 && recv.received.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        rt.clock.advance(WEBHOOK_RETRY_DELAYS_MS[Math.min(i, 2)]! / 1000 * 1.3);
      }
      await recv.waitFor(1);
      await w.drain();
      assert.equal(recv.received[0]!.verified, true);
      const del = await (await rt.req('GET', `/v1/webhooks/${hook.id}/deliveries`)).json();
      assert.equal(del.data[0].status, 'delivered');
      assert.equal(del.data[0].attempt_log.length, 3);
      assert.deepEqual(del.data[0].attempt_log.map((a: { status_code: number }) => a.status_code), [503, 503, 204]);

      const again = await rt.req('POST', `/v1/webhooks/deliveries/${del.data[0].id}/resend`);
      assert.equal(again.status, 202);
      await recv.waitFor(2);
      await w.drain();
      assert.equal(recv.received[1]!.headers['webhook-id'], recv.received[0]!.headers['webhook-id']);
      await w.stop();
    } finally {
      await recv.close();
    }
  });

  test('retry schedule spans more than 24 h with jitter', () => {
    const total = WEBHOOK_RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    assert.ok(total > 24 * 3600_000, `${total / 3600_000} h`);
    const samples = new Set(Array.from({ length: 20 }, () => webhookBackoff(3)));
    assert.ok(samples.size > 1, 'jitter');
  });

  test('SSRF guard: private targets refused unless allowed', async () => {
    const strict = await makeRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
    try {
      for (const url of ['http://127.0.0.1/x', 'http://10.0.0.5/', 'http://169.254.169.254/latest', 'http://[::1]/', 'ftp://example.com/', 'http://user:pw@example.com/']) {
        const res = await strict.req('POST', '/v1/webhooks', { url });
        assert.ok(res.status === 422, url);
      }
    } finally {
      await strict.cleanup();
    }
  });
});
