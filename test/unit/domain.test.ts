import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { decide } from '../../src/domain/decision.ts';
import { mayDecide, publicStatus, requiredArtifacts } from '../../src/domain/session.ts';
import { signToken, verifyMediaPath, signMediaPath, verifyToken } from '../../src/domain/signing.ts';
import { sniffImage, sniffVideo } from '../../src/domain/sniff.ts';
import { signWebhook, verifyWebhook } from '../../src/webhooks/sign.ts';
import { assertPublicUrl, isPrivateAddress } from '../../src/webhooks/ssrf.ts';

const SECRET = 'x'.repeat(40);

// The transitions themselves are tested one by one in test/unit/sessions/aggregate.test.ts.
test('the API keeps its six statuses: live-agent states are in_progress, failed processing is completed', () => {
  assert.equal(publicStatus('awaiting_agent'), 'in_progress');
  assert.equal(publicStatus('in_call'), 'in_progress');
  assert.equal(publicStatus('failed'), 'completed');
  assert.equal(publicStatus('processing'), 'processing');
});

test('a final decision is never silently overwritten', () => {
  const auto = { result: 'approved' as const, reasons: [], decided_by: 'auto', decided_at: '' };
  const human = { ...auto, decided_by: 'agent_1' };
  assert.ok(mayDecide(null, { decided_by: 'auto' }));
  assert.ok(!mayDecide(auto, { decided_by: 'auto' }));
  assert.ok(mayDecide(auto, { decided_by: 'agent_1' }));
  assert.ok(!mayDecide(human, { decided_by: 'agent_2' }));
  // A reviewer an integrator names "auto" is still a human: the actor, not the label, says so.
  const namedAuto = { ...auto, actor: { kind: 'api_key' as const, id: 'key_1' } };
  assert.ok(!mayDecide(namedAuto, { decided_by: 'agent_2', actor: { kind: 'api_key', id: 'key_2' } }));
});

test('decision policy: decline beats review beats approve', () => {
  assert.equal(decide([]).result, 'approved');
  assert.equal(decide([{ code: 'low_quality', message: '', stage: 'x' }]).result, 'needs_review');
  assert.equal(decide([{ code: 'low_quality', message: '', stage: 'x' }, { code: 'face_mismatch', message: '', stage: 'y' }]).result, 'declined');
});

test('required artifacts follow the profile', () => {
  assert.deepEqual(requiredArtifacts({ steps: ['document', 'selfie', 'video'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: true, accessible: false }), ['document_front', 'document_back', 'selfie', 'video']);
  assert.deepEqual(requiredArtifacts({ steps: ['video'], video_mode: 'live_agent', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }), []);
});

test('signed tokens: tamper, purpose and expiry', () => {
  const t = signToken(SECRET, 'capture', { sid: 's', exp: 2_000_000_000 });
  assert.equal(verifyToken(SECRET, 'capture', t, Date.now()).ok, true);
  assert.deepEqual(verifyToken(SECRET, 'media', t, Date.now()), { ok: false, reason: 'invalid' });
  const [b, m] = t.split('.');
  const forged = Buffer.from(JSON.stringify({ sid: 'other', exp: 2_000_000_000 })).toString('base64url');
  assert.equal(verifyToken(SECRET, 'capture', `${forged}.${m}`, Date.now()).ok, false);
  assert.deepEqual(verifyToken(SECRET, 'capture', `${b}.${m}`, 2_000_000_001_000), { ok: false, reason: 'expired' });
  assert.throws(() => signToken('short', 'capture', { exp: 1 }), /secret/);
  const sig = signMediaPath(SECRET, '/v1/sessions/s/media/video', 100);
  assert.ok(verifyMediaPath(SECRET, '/v1/sessions/s/media/video', 100, sig));
  assert.ok(!verifyMediaPath(SECRET, '/v1/sessions/s/media/video', 101, sig));
});

test('Standard Webhooks signature: verify, tamper, stale, rotation', () => {
  const secret = 'whsec_' + Buffer.from('k'.repeat(24)).toString('base64');
  const other = 'whsec_' + Buffer.from('o'.repeat(24)).toString('base64');
  const sig = signWebhook([other, secret], 'msg_1', 1000, '{"a":1}');
  const h = { 'webhook-id': 'msg_1', 'webhook-timestamp': '1000', 'webhook-signature': sig };
  assert.ok(verifyWebhook(secret, h, '{"a":1}', 1000));
  assert.ok(!verifyWebhook(secret, h, '{"a":2}', 1000));
  assert.ok(!verifyWebhook(secret, h, '{"a":1}', 1000 + 3600));
  assert.throws(() => signWebhook([], 'x', 1, ''));
});

test('SSRF: private ranges and resolution', async () => {
  for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0', '100.64.0.1']) assert.ok(isPrivateAddress(a), a);
  for (const a of ['93.184.216.34', '2606:4700::1111', '8.8.8.8']) assert.ok(!isPrivateAddress(a), a);
  const lookup = async () => [{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.1', family: 4 }];
  await assert.rejects(assertPublicUrl('https://mixed.example/', { allowPrivate: false, lookup }), /private/);
  await assertPublicUrl('https://ok.example/', { allowPrivate: false, lookup: async () => [{ address: '93.184.216.34', family: 4 }] });
});

test('content sniffing ignores names and headers', () => {
  assert.equal(sniffImage(new Uint8Array([0xff, 0xd8, 0xff, 0xe0])), 'image/jpeg');
  assert.equal(sniffImage(new TextEncoder().encode('GIF89a')), 'image/gif'); // read since issue 20 (first frame)
  assert.equal(sniffImage(new TextEncoder().encode('hello.jpg')), null);
  assert.equal(sniffVideo(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3])), 'video/webm');
  assert.equal(sniffVideo(new Uint8Array([0, 0, 0, 0x20, ...new TextEncoder().encode('ftypisom')])), 'video/mp4');
});

test('config: validated, defaults are the embedded mode', () => {
  const c = loadConfig({});
  assert.equal(c.PORT, 3000);
  assert.equal(c.DATABASE_URL, undefined);
  assert.equal(c.PUBLIC_URL, 'http://127.0.0.1:3000');
  assert.throws(() => loadConfig({ PORT: 'abc' }), ConfigError);
  assert.throws(() => loadConfig({ BLOB_ENCRYPTION_KEY: 'short' }), /BLOB_ENCRYPTION_KEY/);
});

test('object-store settings: BLOB_URL shape, presigned delivery needs S3 and no client-side key, keys go in pairs', () => {
  assert.equal(loadConfig({ BLOB_URL: 's3://media/vkyc', S3_ENDPOINT: 'http://127.0.0.1:9000' }).BLOB_URL, 's3://media/vkyc');
  assert.throws(() => loadConfig({ BLOB_URL: 'https://media/vkyc' }), /BLOB_URL/);
  assert.throws(() => loadConfig({ MEDIA_DELIVERY: 'presigned' }), /needs BLOB_URL/);
  assert.throws(() => loadConfig({ MEDIA_DELIVERY: 'presigned', BLOB_URL: 's3://m', BLOB_ENCRYPTION_KEY: 'a'.repeat(64) }), /S3_SSE/);
  assert.throws(() => loadConfig({ BLOB_URL: 's3://m', S3_ACCESS_KEY_ID: 'k' }), /go together/);
});

test('request logs carry no capture token, API key or media signature', async () => {
  const { createApp } = await import('../../src/http/app.ts');
  const { createLogger } = await import('../../src/log.ts');
  const { makeRuntime } = await import('../helpers/runtime.ts');
  const rt = await makeRuntime();
  try {
    const lines: string[] = [];
    const app = createApp({ ...rt.deps, log: createLogger('debug', {}, (l) => lines.push(l)) });
    await app.request('/capture/cap_SECRETTOKEN.sig');
    await app.request('/v1/sessions/x/media/video?exp=1&sig=SECRETSIG');
    await app.request('/v1/sessions', { headers: { authorization: `Bearer ${rt.apiKey}` } });
    const all = lines.join('\n');
    assert.ok(lines.length >= 3);
    for (const secret of ['SECRETTOKEN', 'SECRETSIG', rt.apiKey]) assert.ok(!all.includes(secret), secret);
  } finally {
    await rt.cleanup();
  }
});
