import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

const body = { profile: { steps: ['document', 'selfie', 'video'], video_mode: 'self_record' }, redirect_url: 'https://example.com/cb', external_id: 'user_1' };

describe('sessions API', () => {
  let rt: TestRuntime;
  before(async () => { rt = await makeRuntime(); });
  after(async () => { await rt.cleanup(); });

  test('create returns id, status, capture_url and expiry with seed defaults', async () => {
    const res = await rt.req('POST', '/v1/sessions', body);
    assert.equal(res.status, 201);
    const s = await res.json();
    assert.match(s.id, /^ses_[0-9a-f-]{36}$/);
    assert.equal(s.status, 'pending');
    assert.match(s.capture_url, /^http:\/\/vkyc\.test\/capture\/cap_/);
    assert.equal(s.profile.video_max_duration, 60);
    assert.equal(s.profile.video_language, 'en');
    assert.equal(new Date(s.expires_at).getTime() - rt.clock.now().getTime(), 3600_000);
  });

  test('auth: missing, malformed and unknown keys are refused; x-api-key works', async () => {
    assert.equal((await rt.app.request('/v1/sessions')).status, 401);
    const bad = await rt.app.request('/v1/sessions', { headers: { authorization: 'Bearer vk_test_nope' } });
    assert.equal(bad.status, 401);
    assert.equal((await bad.json()).error.code, 'api_key_invalid');
    assert.equal((await rt.app.request('/v1/sessions', { headers: { 'x-api-key': rt.apiKey } })).status, 200);
  });

  test('validation: unknown fields, wrong types, bad enums → 422 with field paths', async () => {
    for (const [b, path] of [
      [{ ...body, surprise: 1 }, ''],
      [{ profile: { steps: 'video' } }, 'profile.steps'],
      [{ profile: { steps: [] } }, 'profile.steps'],
      [{ profile: { steps: ['video', 'video'] } }, 'profile.steps'],
      [{ profile: { steps: ['video'], video_mode: 'zoom' } }, 'profile.video_mode'],
      [{ profile: { steps: ['video'], video_max_duration: 10_000 } }, 'profile.video_max_duration'],
      [{ profile: { steps: ['video'], video_language: 'it' } }, 'profile.video_language'],
      [{ profile: { steps: ['video'] }, expires_in: 10 }, 'expires_in'],
      [{ profile: { steps: ['video'] }, redirect_url: 'javascript:alert(1)' }, 'redirect_url'],
    ] as const) {
      const res = await rt.req('POST', '/v1/sessions', b);
      assert.equal(res.status, 422, JSON.stringify(b));
      const e = await res.json();
      assert.equal(e.error.code, 'validation_failed');
      assert.ok(e.error.details.issues.some((i: { path: string }) => i.path === path), `${path} in ${JSON.stringify(e.error.details)}`);
    }
    const broken = await rt.app.request('/v1/sessions', { method: 'POST', headers: { authorization: `Bearer ${rt.apiKey}` }, body: '{"profile":' });
    assert.equal(broken.status, 400);
    assert.equal((await broken.json()).error.code, 'invalid_json');
  });

  test('get, video view with null scores before processing, cancel', async () => {
    const s = await (await rt.req('POST', '/v1/sessions', body)).json();
    const got = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    assert.equal(got.id, s.id);
    assert.deepEqual(got.artifacts, []);
    const video = await (await rt.req('GET', `/v1/sessions/${s.id}/video`)).json();
    assert.deepEqual(Object.keys(video).sort(), ['agent_id', 'agent_notes', 'duration_seconds', 'face_match_score', 'liveness_score', 'recorded_at', 'result', 'reviewed_at', 'session_id', 'status', 'transcript', 'video_mode', 'video_url'].sort());
    assert.equal(video.face_match_score, null);
    assert.equal(video.liveness_score, null);
    assert.equal(video.transcript, null);
    const c = await rt.req('POST', `/v1/sessions/${s.id}/cancel`);
    assert.equal((await c.json()).status, 'canceled');
    const again = await rt.req('POST', `/v1/sessions/${s.id}/cancel`);
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'session_not_cancelable');
  });

  test("tenant isolation: another project's session is 404 everywhere", async () => {
    const s = await (await rt.req('POST', '/v1/sessions', body)).json();
    const other = await createKey(rt.deps, 'other-project');
    const h = { authorization: `Bearer ${other.key}` };
    for (const [m, p] of [['GET', `/v1/sessions/${s.id}`], ['GET', `/v1/sessions/${s.id}/video`], ['POST', `/v1/sessions/${s.id}/cancel`], ['DELETE', `/v1/sessions/${s.id}`]] as const) {
      const res = await rt.app.request(p, { method: m, headers: h });
      assert.equal(res.status, 404, `${m} ${p}`);
      assert.equal((await res.json()).error.code, 'session_not_found');
    }
    const list = await (await rt.app.request('/v1/sessions', { headers: h })).json();
    assert.equal(list.data.length, 0);
  });

  test('idempotency key: same body replays, different body conflicts', async () => {
    const h = { 'idempotency-key': 'k-123' };
    const a = await rt.req('POST', '/v1/sessions', body, h);
    const b = await rt.req('POST', '/v1/sessions', body, h);
    assert.equal(a.status, 201);
    assert.equal(b.status, 201);
    assert.equal(b.headers.get('idempotent-replayed'), 'true');
    assert.equal((await a.json()).id, (await b.json()).id);
    const c = await rt.req('POST', '/v1/sessions', { ...body, external_id: 'other' }, h);
    assert.equal(c.status, 409);
    assert.equal((await c.json()).error.code, 'idempotency_conflict');
  });

  test('list: cursor pagination and filters', async () => {
    const mine = await makeRuntime();
    try {
      for (let i = 0; i < 5; i++) {
        await mine.req('POST', '/v1/sessions', { ...body, external_id: `u${i}` });
        mine.clock.advance(1);
      }
      const p1 = await (await mine.req('GET', '/v1/sessions?limit=2')).json();
      assert.equal(p1.data.length, 2);
      assert.equal(p1.has_more, true);
      assert.deepEqual(p1.data.map((s: { external_id: string }) => s.external_id), ['u4', 'u3']);
      const p2 = await (await mine.req('GET', `/v1/sessions?limit=2&cursor=${p1.next_cursor}`)).json();
      assert.deepEqual(p2.data.map((s: { external_id: string }) => s.external_id), ['u2', 'u1']);
      const p3 = await (await mine.req('GET', `/v1/sessions?limit=2&cursor=${p2.next_cursor}`)).json();
      assert.equal(p3.has_more, false);
      assert.equal(p3.next_cursor, null);
      const f = await (await mine.req('GET', '/v1/sessions?external_id=u2')).json();
      assert.equal(f.data.length, 1);
      const st = await (await mine.req('GET', '/v1/sessions?status=completed')).json();
      assert.equal(st.data.length, 0);
      assert.equal((await mine.req('GET', '/v1/sessions?status=bogus')).status, 422);
      assert.equal((await mine.req('GET', '/v1/sessions?cursor=xyz')).status, 422);
    } finally {
      await mine.cleanup();
    }
  });

  test('expiry is enforced by the scheduled job', async () => {
    const s = await (await rt.req('POST', '/v1/sessions', { ...body, expires_in: 300 })).json();
    rt.clock.advance(301);
    const { expireSessions } = await import('../../src/sessions/expire-sessions.ts');
    assert.ok((await expireSessions(rt.deps)) >= 1);
    assert.equal((await (await rt.req('GET', `/v1/sessions/${s.id}`)).json()).status, 'expired');
  });

  test('openapi, docs, health', async () => {
    const spec = await (await rt.app.request('/openapi.json')).json();
    assert.equal(spec.openapi, '3.1.0');
    assert.ok(spec.paths['/v1/sessions'].post.requestBody);
    assert.ok(spec.paths['/v1/capture/video'].put);
    assert.match(await (await rt.app.request('/docs')).text(), /swagger-ui-bundle\.js/);
    assert.equal((await rt.app.request('/docs/assets/swagger-ui-bundle.js')).status, 200);
    assert.equal((await rt.app.request('/healthz')).status, 200);
    assert.equal((await rt.app.request('/readyz')).status, 200);
    const nf = await rt.app.request('/nope');
    assert.equal(nf.status, 404);
    assert.equal((await nf.json()).error.code, 'not_found');
  });
});

test('retention erases finished sessions older than RETENTION_DAYS', async () => {
  const rt = await makeRuntime({ env: { RETENTION_DAYS: '30' } });
  try {
    const s = await (await rt.req('POST', '/v1/sessions', body)).json();
    await rt.req('POST', `/v1/sessions/${s.id}/cancel`);
    const { purgeRetention } = await import('../../src/sessions/purge-retention.ts');
    assert.equal((await purgeRetention(rt.deps)).sessions, 0);
    rt.clock.advance(31 * 86400);
    assert.equal((await purgeRetention(rt.deps)).sessions, 1);
    assert.equal((await rt.req('GET', `/v1/sessions/${s.id}`)).status, 404);
  } finally {
    await rt.cleanup();
  }
});

test('retention prunes finished jobs after a week through the queue port, never unfinished ones', async () => {
  const rt = await makeRuntime();
  try {
    const { purgeRetention } = await import('../../src/sessions/purge-retention.ts');
    const q = rt.deps.queue;
    const done = await q.enqueue('expire-sessions', {});
    rt.clock.advance(1); // the oldest due job is claimed first
    const failed = await q.enqueue('expire-sessions', {});
    const later = await q.enqueue('expire-sessions', {}, { runAt: new Date(rt.clock.now().getTime() + 30 * 86400_000) });
    assert.equal((await q.claim('w', 'maintenance', 5_000))?.id, done);
    await q.complete(done, 'w');
    assert.equal((await q.claim('w', 'maintenance', 5_000))?.id, failed);
    await q.fail(failed, 'w', 'final', null);
    rt.clock.advance(6 * 86400);
    await purgeRetention(rt.deps);
    assert.deepEqual([(await q.get(done))?.state, (await q.get(failed))?.state], ['completed', 'failed']);
    rt.clock.advance(2 * 86400);
    await purgeRetention(rt.deps);
    assert.deepEqual([await q.get(done), await q.get(failed), (await q.get(later))?.state], [null, null, 'delayed']);
  } finally {
    await rt.cleanup();
  }
});

test('capture API is rate limited per capture token', async () => {
  const rt = await makeRuntime({ env: { CAPTURE_RATE_LIMIT: '5' } });
  try {
    const s = await (await rt.req('POST', '/v1/sessions', body)).json();
    const token = new URL(s.capture_url).pathname.split('/').pop();
    const get = () => rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 5; i++) assert.equal((await get()).status, 200);
    const limited = await get();
    assert.equal(limited.status, 429);
    assert.equal((await limited.json()).error.code, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    rt.clock.advance(61);
    assert.equal((await get()).status, 200);
  } finally {
    await rt.cleanup();
  }
});
