import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { newWebhookId } from '../../src/domain/ids.ts';
import { newWebhookSecret } from '../../src/domain/signing.ts';
import { iso } from '../../src/domain/time.ts';
import { emitEvent } from '../helpers/events.ts';
import { sealWebhookSecret } from '../../src/storage/secret-box.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { ACCEPTED_SPELLINGS, REFUSED_SPELLINGS } from '../helpers/ssrf-spellings.ts';

/** A loopback HTTP server that counts TCP connections: a refused target must never see one. */
async function loopbackTarget() {
  let connections = 0;
  let requests = 0;
  const server: Server = createServer((req, res) => {
    requests++;
    req.resume();
    res.writeHead(204).end();
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    counts: () => ({ connections, requests }),
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

async function attemptLog(rt: TestRuntime) {
  return rt.deps.db.selectFrom('delivery_attempts').innerJoin('webhook_deliveries', 'webhook_deliveries.id', 'delivery_attempts.delivery_id')
    .innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
    .select(['webhooks.url', 'delivery_attempts.status_code', 'delivery_attempts.error']).execute();
}

describe('webhook SSRF guard (WEBHOOK_ALLOW_PRIVATE=false)', () => {
  let rt: TestRuntime;
  let target: Awaited<ReturnType<typeof loopbackTarget>>;
  before(async () => {
    target = await loopbackTarget();
    rt = await makeRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' } });
  });
  after(async () => {
    await rt.cleanup();
    await target.close();
  });

  test(`${REFUSED_SPELLINGS.length} spellings of non-public targets are refused at registration`, async () => {
    assert.ok(REFUSED_SPELLINGS.length >= 30);
    for (const [url, what] of REFUSED_SPELLINGS) {
      const res = await rt.req('POST', '/v1/webhooks', { url: url.replace('PORT', String(target.port)) });
      const body = await res.json();
      assert.equal(res.status, 422, what);
      assert.equal(body.error.code, 'webhook_url_refused', what);
    }
    for (const url of ACCEPTED_SPELLINGS) assert.equal((await rt.req('POST', '/v1/webhooks', { url })).status, 201, url);
    assert.deepEqual(target.counts(), { connections: 0, requests: 0 });
    // Nothing was stored for the refused ones.
    const stored = await rt.deps.db.selectFrom('webhooks').select('url').execute();
    assert.deepEqual(stored.map((r) => r.url).sort(), [...ACCEPTED_SPELLINGS].sort());
    await rt.deps.db.deleteFrom('webhooks').execute();
  });

  test('the same spellings stored earlier (e.g. DNS changed since registration) are refused at send time without a connection', async () => {
    const now = iso(rt.clock.now());
    const urls = REFUSED_SPELLINGS.map(([u]) => u.replace('PORT', String(target.port)));
    for (const url of urls) {
      const id = newWebhookId();
      await rt.deps.db.insertInto('webhooks').values({ id, project_id: rt.projectId, url, events: '["*"]', secret: sealWebhookSecret(rt.deps.secret, id, newWebhookSecret()), description: null, enabled: 1, created_at: now }).execute();
    }
    await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: 'ses_x' }));
    const w = rt.startWorkers({ pollMs: 10 });
    await w.drain();
    await w.stop();
    const log = await attemptLog(rt);
    assert.equal(log.length, urls.length);
    // Only a code: no socket message, no address, no status that could tell open from closed ports.
    for (const a of log) assert.deepEqual({ status: a.status_code, error: a.error }, { status: null, error: 'refused_address_not_public' }, a.url);
    assert.deepEqual(target.counts(), { connections: 0, requests: 0 });
    await rt.deps.db.deleteFrom('webhooks').execute();
  });
});

test('DNS rebinding: a name that was public at registration and private at send time never reaches the loopback receiver', async () => {
  const target = await loopbackTarget();
  const answers: string[] = [];
  // First answer public (registration passes), every later one loopback (what a rebinding DNS does).
  const lookup = async (_host: string) => {
    const address = answers.length === 0 ? '93.184.216.34' : '127.0.0.1';
    answers.push(address);
    return [{ address, family: 4 }];
  };
  const rt = await makeRuntime({ env: { WEBHOOK_ALLOW_PRIVATE: 'false' }, build: { lookup } });
  try {
    const res = await rt.req('POST', '/v1/webhooks', { url: `http://rebind.test:${target.port}/hook` });
    assert.equal(res.status, 201);
    await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: 'ses_x' }));
    const w = rt.startWorkers({ pollMs: 10 });
    await w.drain();
    // Let the retry come due too: still refused, still no connection.
    rt.clock.advance(10);
    await w.drain();
    await w.stop();
    assert.deepEqual((await attemptLog(rt)).map((a) => a.error), ['refused_address_not_public', 'refused_address_not_public']);
    assert.deepEqual(answers, ['93.184.216.34', '127.0.0.1', '127.0.0.1'], 'one lookup per check, none at connect time');
    assert.deepEqual(target.counts(), { connections: 0, requests: 0 });
  } finally {
    await rt.cleanup();
    await target.close();
  }
});

test('the delivery connects to the address the guard resolved (deps.lookup), not to a second resolution', async () => {
  // "hooks.test" does not exist in DNS; only the injected lookup knows it. Delivered = the connection
  // used the vetted answer (private targets allowed here, the pin is the same).
  const target = await loopbackTarget();
  let lookups = 0;
  const rt = await makeRuntime({ build: { lookup: async () => (lookups++, [{ address: '127.0.0.1', family: 4 }]) } });
  try {
    assert.equal((await rt.req('POST', '/v1/webhooks', { url: `http://hooks.test:${target.port}/hook` })).status, 201);
    await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: 'ses_x' }));
    const w = rt.startWorkers({ pollMs: 10 });
    await w.drain();
    await w.stop();
    assert.deepEqual((await attemptLog(rt)).map((a) => [a.status_code, a.error]), [[204, null]]);
    assert.equal(lookups, 2, 'registration + send');
    assert.deepEqual(target.counts(), { connections: 1, requests: 1 });
  } finally {
    await rt.cleanup();
    await target.close();
  }
});
