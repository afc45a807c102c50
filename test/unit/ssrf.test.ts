import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { blockedReason, parseIp } from '../../src/webhooks/ip-ranges.ts';
import { DeliveryError, postPinned } from '../../src/webhooks/pinned-post.ts';
import { assertPublicUrl, SsrfError } from '../../src/webhooks/ssrf.ts';
import { ACCEPTED_SPELLINGS, REFUSED_SPELLINGS } from '../helpers/ssrf-spellings.ts';

test('IPv6 spellings of one address parse to the same bytes', () => {
  const same = ['::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '0:0:0:0:0:FFFF:127.0.0.1', '[::ffff:7f00:1]'];
  const want = parseIp(same[0]!);
  for (const s of same) assert.deepEqual(parseIp(s), want, s);
  assert.deepEqual(Array.from(parseIp('1:2:3:4:5:6:7:8')!), [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]);
  assert.deepEqual(Array.from(parseIp('fe80::1')!.subarray(0, 2)), [0xfe, 0x80]);
  for (const bad of ['fe80::1%eth0', '1.2.3', 'localhost', '::ffff:1.2.3.256', '']) assert.equal(parseIp(bad), null, bad);
});

test('every refused spelling is refused by the guard; public ones pass and pin their address', async () => {
  const lookup = async (host: string) => (host === 'localhost' ? [{ address: '127.0.0.1', family: 4 }] : []);
  for (const [url, what] of REFUSED_SPELLINGS) {
    await assert.rejects(assertPublicUrl(url.replace('PORT', '8080'), { allowPrivate: false, lookup }), (e: unknown) => e instanceof SsrfError && e.code === 'address_not_public', what);
  }
  for (const url of ACCEPTED_SPELLINGS) {
    const t = await assertPublicUrl(url, { allowPrivate: false, lookup });
    assert.equal(blockedReason(t.address), null, url);
  }
  const mapped = await assertPublicUrl('http://[::ffff:93.184.216.34]/', { allowPrivate: false });
  assert.equal(mapped.family, 6);
});

test('a name with any non-public address is refused; the first address of a public name is pinned', async () => {
  const mixed = async () => [{ address: '93.184.216.34', family: 4 }, { address: '::ffff:10.0.0.1', family: 6 }];
  await assert.rejects(assertPublicUrl('https://mixed.example/', { allowPrivate: false, lookup: mixed }), (e: unknown) => e instanceof SsrfError && e.reason === 'IPv4-mapped private (RFC 1918)');
  const ok = await assertPublicUrl('https://ok.example/', { allowPrivate: false, lookup: async () => [{ address: '2606:4700::1111', family: 6 }, { address: '93.184.216.34', family: 4 }] });
  assert.deepEqual([ok.address, ok.family], ['2606:4700::1111', 6]);
  // No answer and a private answer look the same to the caller (no oracle on internal DNS names).
  const nx = await assertPublicUrl('https://nx.example/', { allowPrivate: false, lookup: async () => [] }).catch((e: SsrfError) => e);
  const internal = await assertPublicUrl('https://db.internal/', { allowPrivate: false, lookup: async () => [{ address: '10.1.2.3', family: 4 }] }).catch((e: SsrfError) => e);
  assert.ok(nx instanceof SsrfError && internal instanceof SsrfError);
  assert.deepEqual([nx.code, nx.message, nx.reason], [internal.code, internal.message, 'no DNS answer']);
  assert.equal(internal.reason, 'private (RFC 1918)');
  for (const url of ['ftp://example.com/', 'http://user:pw@example.com/', 'not a url', 'http://[fe80::1%25eth0]/']) {
    await assert.rejects(assertPublicUrl(url, { allowPrivate: false }), (e: unknown) => e instanceof SsrfError && e.code === 'url_invalid', url);
  }
});

async function listen(host: string, port: number, onRequest: (headers: IncomingHttpHeaders) => void): Promise<Server> {
  const s = createServer((req, res) => {
    onRequest(req.headers);
    req.resume();
    res.writeHead(204).end();
  });
  await new Promise<void>((r, j) => s.once('error', j).listen(port, host, () => r()));
  return s;
}
const close = (s: Server) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });

test('postPinned connects to the vetted address, not to what the name resolves to now', async () => {
  // "localhost" resolves to 127.0.0.1 where the (private) target listens; the vetted address is
  // 127.0.0.2 on the same port. A request that re-resolved the name would reach the wrong server.
  const hits: string[] = [];
  const wrong = await listen('127.0.0.1', 0, () => hits.push('resolved-now'));
  const port = (wrong.address() as AddressInfo).port;
  let host = '';
  const vetted = await listen('127.0.0.2', port, (h) => { hits.push('vetted'); host = h.host ?? ''; });
  try {
    const status = await postPinned({ url: new URL(`http://localhost:${port}/hook?x=1`), address: '127.0.0.2', family: 4 }, { headers: {}, body: '{}', timeoutMs: 5000 });
    assert.equal(status, 204);
    assert.deepEqual(hits, ['vetted']);
    assert.equal(host, `localhost:${port}`, 'the Host header still names the host');
  } finally {
    await close(wrong);
    await close(vetted);
  }
});

test('postPinned reports coded failures: timeout for a silent receiver, connection_failed for a closed port', async () => {
  const silent = createServer(() => undefined); // accepts, never answers
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (silent.address() as AddressInfo).port;
  try {
    const t0 = performance.now();
    await assert.rejects(postPinned({ url: new URL(`http://127.0.0.1:${port}/`), address: '127.0.0.1', family: 4 }, { headers: {}, body: '{}', timeoutMs: 300 }), (e: unknown) => e instanceof DeliveryError && e.code === 'timeout');
    assert.ok(performance.now() - t0 < 2000);
  } finally {
    await close(silent);
  }
  // The port was just freed: nothing listens there now.
  await assert.rejects(postPinned({ url: new URL(`http://127.0.0.1:${port}/`), address: '127.0.0.1', family: 4 }, { headers: {}, body: '{}', timeoutMs: 2000 }), (e: unknown) => e instanceof DeliveryError && e.code === 'connection_failed' && e.message === 'connection_failed');
  const aborted = AbortSignal.abort();
  await assert.rejects(postPinned({ url: new URL(`http://127.0.0.1:${port}/`), address: '127.0.0.1', family: 4 }, { headers: {}, body: '{}', timeoutMs: 2000, signal: aborted }), (e: unknown) => e instanceof DeliveryError && e.code === 'aborted');
});

test('postPinned over https keeps the host name for SNI and certificate checks; an untrusted certificate is tls_failed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=hooks.test', '-days', '1', '-keyout', join(dir, 'k.pem'), '-out', join(dir, 'c.pem')], { stdio: 'ignore' });
    const tlsOpts = { key: await readFile(join(dir, 'k.pem')), cert: await readFile(join(dir, 'c.pem')) };
    const sni: string[] = [];
    let requests = 0;
    const server = createHttpsServer({ ...tlsOpts, SNICallback: (name, cb) => { sni.push(name); cb(null, createSecureContext(tlsOpts)); } }, (_req, res) => { requests++; res.end(); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // hooks.test exists in no DNS: the connection can only have gone to the pinned address.
      await assert.rejects(postPinned({ url: new URL(`https://hooks.test:${port}/hook`), address: '127.0.0.1', family: 4 }, { headers: {}, body: '{}', timeoutMs: 5000 }), (e: unknown) => e instanceof DeliveryError && e.code === 'tls_failed');
      assert.deepEqual(sni, ['hooks.test']);
      assert.equal(requests, 0, 'no request is sent over an unverified connection');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
