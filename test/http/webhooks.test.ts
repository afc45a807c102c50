import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { emitEvent } from '../helpers/events.ts';
import { WEBHOOK_RETRY_DELAYS_MS, webhookBackoff } from '../../src/queue/catalogue.ts';
import { sealPlainWebhookSecrets } from '../../src/storage/migrations.ts';
import { openWebhookSecret } from '../../src/storage/secret-box.ts';

/**
 * A row written in clear by a version before migration 004: the migration's work refuses without
 * the secret (so it is never marked done early) and seals the row with it. (The migration record
 * itself cannot be rewound in a test: later migrations already ran after it.)
 */
async function checkLegacySecretMigration(rt: TestRuntime) {
  const plain = 'whsec_bGVnYWN5LXNlY3JldC1vbmUtMTIzNDU2';
  await rt.deps.db.insertInto('webhooks').values({ id: 'wh_legacy1', project_id: rt.projectId, url: 'http://127.0.0.1:9/x', events: '["*"]', secret: plain, description: null, enabled: 1, created_at: new Date().toISOString() }).execute();
  await assert.rejects(sealPlainWebhookSecrets(rt.deps.db, undefined), /needs VKYC_SECRET/);
  await sealPlainWebhookSecrets(rt.deps.db, rt.deps.secret);
  const row = await rt.deps.db.selectFrom('webhooks').select('secret').where('id', '=', 'wh_legacy1').executeTakeFirstOrThrow();
  assert.match(row.secret, /^enc1\./);
  assert.equal(openWebhookSecret(rt.deps.secret, 'wh_legacy1', row.secret), plain);
  // Rows sealed before are left as they are (no double encryption).
  const all = await rt.deps.db.selectFrom('webhooks').select(['id', 'secret']).execute();
  for (const o of all) assert.match(openWebhookSecret(rt.deps.secret, o.id, o.secret), /^whsec_/);
}

test('migration 004 seals clear-text webhook secrets: PostgreSQL', async () => {
  const rt = await makeRuntime({ db: 'postgres' });
  try {
    await checkLegacySecretMigration(rt);
  } finally {
    await rt.cleanup();
  }
});

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

  test('next_attempt_at in the delivery log is when the retry really runs', async () => {
    const recv = await startReceiver({ failFirst: 1 });
    try {
      const hook = await (await rt.req('POST', '/v1/webhooks', { url: recv.url })).json();
      await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: 'ses_y' }));
      const w = rt.startWorkers({ pollMs: 10 });
      await w.drain();
      const listed = async () => (await (await rt.req('GET', `/v1/webhooks/${hook.id}/deliveries`)).json()).data[0];
      const first = await listed();
      assert.equal(first.status, 'retrying');
      assert.equal(first.attempt_log.length, 1);
      const job = (await rt.deps.queue.list({ name: 'deliver-webhook', limit: 1000 })).find((j) => j.payload.deliveryId === first.id);
      assert.deepEqual([job?.runAt.toISOString(), job?.state], [first.next_attempt_at, 'delayed']);
      // One second before the announced time nothing runs; one second after, the retry does.
      const next = new Date(first.next_attempt_at).getTime();
      rt.clock.advance((next - rt.clock.now().getTime()) / 1000 - 1);
      await w.drain();
      assert.equal((await listed()).attempt_log.length, 1);
      rt.clock.advance(2);
      await recv.waitFor(1);
      await w.drain();
      await w.stop();
      const done = await listed();
      assert.deepEqual([done.status, done.attempt_log.length, done.next_attempt_at], ['delivered', 2, null]);
      assert.deepEqual(done.attempt_log.map((a: { error: string | null }) => a.error), ['http_status', null]);
    } finally {
      await recv.close();
    }
  });

  test('webhook secrets are stored encrypted, bound to their webhook; the secret shown once still signs', async () => {
    const hook = await (await rt.req('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x' })).json();
    assert.match(hook.secret, /^whsec_/);
    const row = await rt.deps.db.selectFrom('webhooks').select(['secret']).where('id', '=', hook.id).executeTakeFirstOrThrow();
    assert.match(row.secret, /^enc1\./);
    assert.ok(!row.secret.includes(hook.secret.slice('whsec_'.length)));
    assert.equal(openWebhookSecret(rt.deps.secret, hook.id, row.secret), hook.secret);
    assert.throws(() => openWebhookSecret(rt.deps.secret, 'wh_other', row.secret), /auth/i);
    assert.throws(() => openWebhookSecret('x'.repeat(64), hook.id, row.secret), /auth/i);
    const listing = await (await rt.req('GET', '/v1/webhooks')).text();
    assert.ok(!listing.includes('whsec_') && !listing.includes('enc1.'));
  });

  test('migration 004 encrypts secrets stored in clear by earlier versions (and needs VKYC_SECRET to do so): SQLite', async () => {
    await checkLegacySecretMigration(rt);
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
