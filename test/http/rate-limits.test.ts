import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { parseTrustedProxies } from '../../src/config/trusted-proxies.ts';
import { resolveClientIp } from '../../src/http/client-ip.ts';
import { startServer } from '../helpers/server.ts';

// Rate-limit bypasses found by the attack run (issue 12, item 5), each reproduced over a real
// socket: a rotating X-Forwarded-For (40 of 40 got through a 30/min limit), capture-token header
// spellings (each got a fresh window), and unlimited API-key guessing.

async function withServer(env: Record<string, string>, fn: (s: Awaited<ReturnType<typeof startServer>>) => Promise<void>) {
  const s = await startServer({ workers: false, env });
  try {
    await fn(s);
  } finally {
    await s.stop();
  }
}

const verify = (base: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/v1/liveness/verify`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

describe('X-Forwarded-For', () => {
  test('without TRUST_PROXY a rotating header does not escape the 30/min liveness limit', async () => {
    await withServer({}, async (s) => {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await verify(s.baseUrl, { 'x-forwarded-for': `203.0.113.${i + 1}` })).status);
      assert.deepEqual(statuses.slice(0, 30), Array(30).fill(422)); // an empty body: validation, but counted
      assert.deepEqual(statuses.slice(30), Array(10).fill(429));
    });
  });

  test('behind a trusted proxy, the first untrusted hop from the right is the client', async () => {
    await withServer({ TRUST_PROXY: '127.0.0.1' }, async (s) => {
      // A client writing its own header in front of the proxy's entry gains nothing.
      const spoofed: number[] = [];
      for (let i = 0; i < 40; i++) spoofed.push((await verify(s.baseUrl, { 'x-forwarded-for': `10.9.${i}.1, 198.51.100.7` })).status);
      assert.equal(spoofed.filter((x) => x === 429).length, 10);
      // Distinct real clients behind the proxy each get their own window.
      const distinct: number[] = [];
      for (let i = 0; i < 40; i++) distinct.push((await verify(s.baseUrl, { 'x-forwarded-for': `192.0.2.${i + 1}` })).status);
      assert.equal(distinct.filter((x) => x === 429).length, 0);
    });
  });

  test('resolveClientIp walks right to left past trusted hops', () => {
    const trusted = parseTrustedProxies(['10.0.0.0/8', '127.0.0.1', 'fd00::/8']);
    assert.equal(resolveClientIp('198.51.100.1', '1.2.3.4', trusted), '198.51.100.1', 'untrusted peer: header ignored');
    assert.equal(resolveClientIp('127.0.0.1', '1.2.3.4, 5.6.7.8', trusted), '5.6.7.8');
    assert.equal(resolveClientIp('127.0.0.1', '1.2.3.4, 5.6.7.8, 10.1.2.3', trusted), '5.6.7.8', 'a trusted inner hop is skipped');
    assert.equal(resolveClientIp('::ffff:127.0.0.1', '5.6.7.8', trusted), '5.6.7.8', 'IPv4-mapped peer');
    assert.equal(resolveClientIp('fd00::1', '2001:db8::7', trusted), '2001:db8::7');
    assert.equal(resolveClientIp('127.0.0.1', 'garbage, 5.6.7.8', trusted), '5.6.7.8', 'stops at the last real address');
    assert.equal(resolveClientIp('127.0.0.1', 'garbage', trusted), '127.0.0.1');
    assert.equal(resolveClientIp('127.0.0.1', '10.0.0.2, 10.0.0.1', trusted), '10.0.0.2', 'all trusted: the leftmost');
    assert.equal(resolveClientIp('127.0.0.1', '1.2.3.4', parseTrustedProxies([])), '127.0.0.1', 'default: nothing trusted');
  });

  test('TRUST_PROXY: addresses and CIDRs, anything else refused at start', () => {
    assert.deepEqual(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }).TRUST_PROXY, ['127.0.0.1', '10.0.0.0/8', '::1']);
    assert.deepEqual(loadConfig({}).TRUST_PROXY, []);
    assert.throws(() => loadConfig({ TRUST_PROXY: 'proxy.local' }), ConfigError);
    assert.throws(() => loadConfig({ TRUST_PROXY: '10.0.0.0/33' }), ConfigError);
  });
});

test('capture limit keys on the normalised token: header spellings share one window', async () => {
  await withServer({ CAPTURE_RATE_LIMIT: '5' }, async (s) => {
    const created = await fetch(`${s.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie'], video_mode: 'self_record' } }) });
    const token = new URL(((await created.json()) as { capture_url: string }).capture_url).pathname.split('/').pop()!;
    const spellings = [`Bearer ${token}`, `bearer ${token}`, `BEARER ${token}`, `Bearer    ${token}`, `bEaReR\t${token}`, `BEARER  ${token}`, `bearer ${token}`];
    const statuses: number[] = [];
    for (const a of spellings) statuses.push((await fetch(`${s.baseUrl}/v1/capture/session`, { headers: { authorization: a } })).status);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
  });
});

test('failed API keys per client address: 20 a minute, then 429 with Retry-After, also for a good key', async () => {
  await withServer({}, async (s) => {
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`${s.baseUrl}/v1/sessions`, { headers: { authorization: `Bearer vk_test_guess${i}` } });
      assert.equal(r.status, 401);
    }
    const blocked = await fetch(`${s.baseUrl}/v1/sessions`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    assert.equal(blocked.status, 429);
    assert.equal(((await blocked.json()) as { error: { code: string } }).error.code, 'rate_limited');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    // The ZOLOZ routes' keys count against the same address.
    const zoloz = await fetch(`${s.baseUrl}/api/v1/zoloz/videoverify/initialize`, { method: 'POST', headers: { authorization: 'Bearer vk_test_x', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(zoloz.status, 429);
    s.clock.advance(61);
    assert.equal((await fetch(`${s.baseUrl}/v1/sessions`, { headers: { authorization: `Bearer ${s.apiKey}` } })).status, 200);
  });
});
