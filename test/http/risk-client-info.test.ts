import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSession } from '../../src/sessions/rows.ts';
import { sessionRiskSignals } from '../../src/verification/stages/risk.ts';
import { startServer } from '../helpers/server.ts';

// Over a real socket: the capture page's client info keeps the socket address and the forwarded
// chain beside the resolved client address, and spoofed_ip follows TRUST_PROXY.

async function postClientInfo(srv: Awaited<ReturnType<typeof startServer>>, xff: string) {
  const s = await (await fetch(`${srv.baseUrl}/v1/sessions`, {
    method: 'POST', headers: { authorization: `Bearer ${srv.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ profile: { steps: ['document'] } }),
  })).json() as { id: string; capture_url: string };
  const token = new URL(s.capture_url).pathname.split('/').pop()!;
  const r = await fetch(`${srv.baseUrl}/v1/capture/client-info`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': xff },
    body: JSON.stringify({ user_agent: 'Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/135.0.0.0 Safari/537.36', webdriver: true, gpu: 'Google SwiftShader', timezone: 'UTC' }),
  });
  assert.equal(r.status, 200);
  const rt = srv.runtime;
  const session = await loadSession(rt.deps.db, (await rt.deps.db.selectFrom('sessions').select('project_id').where('id', '=', s.id).executeTakeFirstOrThrow()).project_id, s.id);
  return { session, signals: await sessionRiskSignals(rt.deps, session) };
}

test('untrusted peer with X-Forwarded-For: the socket address is the client, the chain is kept, spoofed_ip = 1', async () => {
  const srv = await startServer({ workers: false });
  try {
    const { session, signals } = await postClientInfo(srv, '203.0.113.7');
    assert.equal(session.client_info?.ip_address, '127.0.0.1');
    assert.equal(session.client_info?.socket_ip, '127.0.0.1');
    assert.equal(session.client_info?.forwarded_for, '203.0.113.7');
    assert.equal(session.client_info?.webdriver, true);
    assert.equal(signals.device_network_signals.spoofed_ip, 1);
    assert.deepEqual([...signals.risk_flags].sort(), ['automation', 'emulator', 'headless', 'spoofed_ip']);
    // Loopback has no place in the databases.
    assert.equal(signals.session_data.location?.country_code, null);
  } finally {
    await srv.stop();
  }
});

test('loopback is a trusted proxy: the forwarded client is used and the chain is not spoofed', async () => {
  const srv = await startServer({ workers: false, env: { TRUST_PROXY: '127.0.0.1' } });
  try {
    const { session, signals } = await postClientInfo(srv, '8.8.8.8');
    assert.equal(session.client_info?.ip_address, '8.8.8.8');
    assert.equal(session.client_info?.socket_ip, '127.0.0.1');
    assert.equal(signals.device_network_signals.spoofed_ip, 0);
    // 8.8.8.8 is Google's (AS15169): a datacenter address.
    assert.equal(signals.device_network_signals.datacenter, 1);
    assert.equal(signals.session_data.network.asn, 15169);
    assert.ok(signals.compute_ms >= 0);
  } finally {
    await srv.stop();
  }
});
