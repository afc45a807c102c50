import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { createVkycClient, VkycError, verifyWebhook, WebhookVerificationError } from '../../clients/ts/src/index.ts';
import { startMerchant } from '../../clients/ts/example/merchant.ts';
import { clientTypes, SCHEMA_FILE } from '../../scripts/generate-client.ts';
import { signWebhook } from '../../src/webhooks/sign.ts';
import { passportPage, personA1, personA3 } from '../helpers/face-media.ts';
import { startServer } from '../helpers/server.ts';
import { td3 } from '../unit/documents/mrz-fixtures.ts';

// The typed client (clients/ts) against a running vkyc server, its webhook verifier against the
// Standard Webhooks reference library, and the example merchant app end to end: session, capture
// link, signed webhook, outcome.

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const EVENT = JSON.stringify({ event: 'video.completed', data: { session_id: 'ses_1', video_mode: 'self_record', status: 'completed', result: 'approved', reasons: [], external_id: null, duration_seconds: null, face_match_score: null, liveness_score: null, transcript: null }, timestamp: '2026-01-05T10:00:00.000Z', webhook_id: 'wh_evt_1' });

test('the committed client types are what openapi-typescript makes of the current document (npm run client:generate)', async () => {
  assert.equal(await readFile(SCHEMA_FILE, 'utf8'), await clientTypes(), 'the API changed: run npm run client:generate');
});

describe('webhook verification helper: Standard Webhooks compatible', () => {
  const now = new Date();
  const ts = String(Math.floor(now.getTime() / 1000));

  test('accepts what the reference library and the vkyc server sign', async () => {
    const reference = new Webhook(SECRET).sign('wh_evt_1', now, EVENT);
    assert.equal((await verifyWebhook(SECRET, { 'webhook-id': 'wh_evt_1', 'webhook-timestamp': ts, 'webhook-signature': reference }, EVENT)).event, 'video.completed');
    const server = signWebhook([SECRET], 'wh_evt_1', Number(ts), EVENT);
    assert.equal(server, reference, 'the server signs as the reference library does');
    // Several signatures (a secret being rotated): one match is enough.
    const headers = new Headers({ 'webhook-id': 'wh_evt_1', 'webhook-timestamp': ts, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} ${server}` });
    assert.equal((await verifyWebhook(SECRET, headers, EVENT)).webhook_id, 'wh_evt_1');
    // And the reference library accepts what the server signs.
    assert.deepEqual(new Webhook(SECRET).verify(EVENT, { 'webhook-id': 'wh_evt_1', 'webhook-timestamp': ts, 'webhook-signature': server }), JSON.parse(EVENT));
  });

  test('refuses a changed body, another secret, a stale timestamp, missing headers', async () => {
    const h = { 'webhook-id': 'wh_evt_1', 'webhook-timestamp': ts, 'webhook-signature': new Webhook(SECRET).sign('wh_evt_1', now, EVENT) };
    const reason = (p: Promise<unknown>) => p.then(() => 'accepted', (e: unknown) => (e instanceof WebhookVerificationError ? e.reason : String(e)));
    assert.equal(await reason(verifyWebhook(SECRET, h, EVENT.replace('approved', 'declined'))), 'bad_signature');
    assert.equal(await reason(verifyWebhook('whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==', h, EVENT)), 'bad_signature');
    assert.equal(await reason(verifyWebhook(SECRET, { ...h, 'webhook-id': 'wh_evt_2' }, EVENT)), 'bad_signature');
    assert.equal(await reason(verifyWebhook(SECRET, h, EVENT, { now: new Date(now.getTime() + 301_000) })), 'stale_timestamp');
    assert.equal(await reason(verifyWebhook(SECRET, { 'webhook-id': 'wh_evt_1' }, EVENT)), 'missing_headers');
    assert.equal(await reason(verifyWebhook('not-a-secret', h, EVENT)), 'bad_secret');
  });
});

describe('typed client and example merchant against a running server', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  before(async () => { server = await startServer({ env: { FACE_WORKERS: '1' } }); });
  after(async () => server.stop());

  test('client calls are typed and errors carry the API code', async () => {
    const vkyc = createVkycClient({ baseUrl: server.baseUrl, apiKey: server.apiKey });
    const s = await vkyc.sessions.create({ profile: { steps: ['selfie'], phrase: 'none' }, external_id: 'client-1' }, { idempotencyKey: 'client-1' });
    assert.equal((await vkyc.sessions.create({ profile: { steps: ['selfie'], phrase: 'none' }, external_id: 'client-1' }, { idempotencyKey: 'client-1' })).id, s.id);
    assert.equal(s.status, 'pending');
    assert.match(s.capture_url, /\/capture\/cap_/);
    const page = await vkyc.sessions.list({ external_id: 'client-1' });
    assert.deepEqual(page.data.map((x) => x.id), [s.id]);
    assert.equal((await vkyc.sessions.get(s.id)).profile.steps[0], 'selfie');
    assert.equal((await vkyc.sessions.cancel(s.id)).status, 'canceled');
    const missing = await vkyc.sessions.get('ses_nope').then(() => null, (e: unknown) => e);
    assert.ok(missing instanceof VkycError);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 'session_not_found');
    const invalid = await vkyc.sessions.create({ profile: { steps: [] } }).then(() => null, (e: unknown) => e as VkycError);
    assert.equal(invalid?.code, 'validation_failed');
    assert.equal((await vkyc.project.settings()).object, 'project_settings');
    const bad = createVkycClient({ baseUrl: server.baseUrl, apiKey: 'vk_test_wrongwrongwrongwrongwrong' });
    assert.equal((await bad.sessions.list().then(() => null, (e: VkycError) => e))?.code, 'api_key_invalid');
  });

  test('merchant: session for the order, capture page embedded (or redirect), verified webhook, outcome shown', async () => {
    const merchant = await startMerchant({ vkycUrl: server.baseUrl, apiKey: server.apiKey, steps: ['document', 'selfie'] });
    try {
      // At start the shop allowed its own origin to frame vkyc's capture page.
      assert.ok((await createVkycClient({ baseUrl: server.baseUrl, apiKey: server.apiKey }).project.settings()).allowed_origins.includes(merchant.url));
      const start = await fetch(`${merchant.url}/verify?redirect=1`, { method: 'POST', redirect: 'manual' });
      assert.equal(start.status, 303);
      const capture = new URL(start.headers.get('location')!);
      assert.equal(capture.origin, server.baseUrl);
      const order = [...merchant.orders.values()][0]!;
      assert.equal(order.status, 'started');
      // The default checkout embeds the capture page with vkyc's element and listens to its events.
      const embedded = await (await fetch(`${merchant.url}/verify`, { method: 'POST' })).text();
      assert.ok(embedded.includes(`<script src="${server.baseUrl}/embed.js"></script>`));
      assert.match(embedded, /<vkyc-capture id="kyc" session="http:\/\/127\.0\.0\.1:\d+\/capture\/cap_[^"]+"/);
      assert.match(embedded, /kyc\.addEventListener\('completed'/);
      // Page events are recorded per order (validated), and never change its outcome.
      const pageEvent = (id: string, body: unknown) => fetch(`${merchant.url}/orders/${id}/page-events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal((await pageEvent(order.id, { type: 'started', detail: { session_id: order.sessionId } })).status, 204);
      assert.equal((await pageEvent(order.id, { type: 'approved', detail: {} })).status, 422);
      assert.equal((await pageEvent('order-nope', { type: 'started', detail: {} })).status, 404);
      assert.deepEqual(order.pageEvents, [{ type: 'started', detail: { session_id: order.sessionId } }]);
      assert.equal(order.status, 'started');

      // The customer's phone: what the capture page uploads, with the token of the link.
      const token = capture.pathname.split('/').pop()!;
      const put = (path: string, bytes: Buffer) => fetch(`${server.baseUrl}/v1/capture${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: new Uint8Array(bytes) });
      const passport = td3({ number: 'K4T209386', surname: 'LINDQVIST', given: 'ELSA MARIA', birth: '910307', sex: 'F', expiry: '330812', personal: '' });
      assert.equal((await put('/document/front', await passportPage(await personA1(), passport))).status, 200);
      assert.equal((await put('/selfie', await personA3())).status, 200);
      const done = await fetch(`${server.baseUrl}/v1/capture/complete`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
      const submitted = await done.json() as { redirect_url: string };
      assert.equal(done.status, 200);
      assert.ok(submitted.redirect_url.startsWith(`${merchant.url}/done?session_id=${order.sessionId}`));

      // The pipeline decides and vkyc posts video.completed; the shop verifies it and records the result.
      for (let i = 0; i < 600 && order.status === 'started'; i++) await new Promise((r) => setTimeout(r, 200));
      const session = await createVkycClient({ baseUrl: server.baseUrl, apiKey: server.apiKey }).sessions.get(order.sessionId!);
      assert.equal(session.status, 'completed');
      assert.equal(order.status, session.result);
      assert.deepEqual(order.events, ['video.completed']);
      assert.match(await (await fetch(submitted.redirect_url)).text(), new RegExp(`Verification ${session.result!.replace('_', ' ')}`));
      // A forged delivery is refused.
      const forged = await fetch(`${merchant.url}/webhooks/vkyc`, { method: 'POST', headers: { 'webhook-id': 'x', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': 'v1,AAAA' }, body: '{}' });
      assert.equal(forged.status, 400);
      assert.equal(await forged.text(), 'bad_signature');
    } finally {
      await merchant.close();
    }
  });
});
