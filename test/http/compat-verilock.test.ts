import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { contractProblems } from '../helpers/contract.ts';
import { idCard, personA3, videoOfA } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { createSessionSample, sampleOmits, videoCompletedFields, videoLanguages, videoModeDefaults, videoResultFields, videoResultSample } from '../fixtures/compat/verilock.ts';

// Verilock compatibility (seed 000): the seed's own create request, sent to the /api/v1 aliases with
// a Bearer key, then the whole capture (document, selfie, video) and the real pipeline; the video
// result is compared with the seed's field table, and its video_url has the seed's
// …/api/v1/sessions/{id}/video/download shape, signed and expiring after an hour.

describe('Verilock compatibility', () => {
  let rt: TestRuntime;
  before(async () => {
    rt = await makeRuntime();
  });
  after(async () => rt.cleanup());

  const api = (method: string, path: string, body?: unknown, key = rt.apiKey) =>
    Promise.resolve(rt.app.request(`/api/v1${path}`, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined }));

  test('the field table transcribes the seed sample', () => {
    const table = Object.fromEntries(Object.entries(videoResultFields).filter(([k]) => !(sampleOmits as readonly string[]).includes(k)));
    assert.deepEqual(contractProblems(videoResultSample, table), []);
    assert.equal(new URL(videoResultSample.video_url).pathname.replace(/ses_[^/]+/, '{id}'), '/api/v1/sessions/{id}/video/download');
  });

  test("the seed's create request works on /api/v1 with the native body and defaults; auth and tenancy as native", async () => {
    const res = await api('POST', '/sessions', createSessionSample);
    assert.equal(res.status, 201, await res.clone().text());
    const s = await res.json();
    assert.match(s.id, /^ses_[0-9a-f-]{36}$/);
    assert.deepEqual(s.profile.steps, createSessionSample.profile.steps);
    assert.equal(s.profile.video_mode, videoModeDefaults.video_mode);
    assert.equal(s.profile.video_max_duration, videoModeDefaults.video_max_duration);
    assert.equal(s.profile.video_language, videoModeDefaults.video_language);
    assert.equal(s.external_id, createSessionSample.external_id);
    const got = await (await api('GET', `/sessions/${s.id}`)).json();
    assert.equal(got.redirect_url, createSessionSample.redirect_url);
    const native = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
    assert.equal(got.id, s.id);
    assert.deepEqual({ ...got, capture_url: null }, { ...native, capture_url: null }, 'same body as the native API (capture links are minted per request)');
    const video = await (await api('GET', `/sessions/${s.id}/video`)).json();
    assert.deepEqual(contractProblems(video, videoResultFields), []);
    assert.equal(video.status, 'pending');
    assert.equal(video.video_url, null);
    for (const lang of videoLanguages) assert.equal((await api('POST', '/sessions', { profile: { steps: ['video'], video_language: lang } })).status, 201);

    const noKey = await rt.app.request(`/api/v1/sessions/${s.id}/video`);
    assert.equal(noKey.status, 401);
    assert.equal((await noKey.json()).error.code, 'unauthorized');
    const other = await createKey(rt.deps, 'other-project');
    const foreign = await api('GET', `/sessions/${s.id}/video`, undefined, other.key);
    assert.equal(foreign.status, 404);
    assert.equal((await foreign.json()).error.code, 'session_not_found');
    const bad = await api('POST', '/sessions', { profile: { steps: ['video'], video_mode: 'screen_share' } });
    assert.equal(bad.status, 422);
    assert.equal((await bad.json()).error.code, 'validation_failed');
  });

  test('after capture and processing the video result matches the seed field by field; video_url downloads the video for an hour', async () => {
    const s = await (await api('POST', '/sessions', createSessionSample)).json();
    const token = new URL(s.capture_url).pathname.split('/').pop()!;
    const cap = async (method: string, path: string, body?: Uint8Array) => {
      const r = await rt.app.request(`/v1/capture${path}`, { method, headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> | undefined });
      assert.equal(r.status, 200, `${method} ${path}: ${await r.clone().text()}`);
    };
    const videoBytes = new Uint8Array(await readFile(await videoOfA()));
    await cap('PUT', '/document/front', new Uint8Array(await idCard(await personA3())));
    await cap('PUT', '/selfie', new Uint8Array(await personA3()));
    await cap('PUT', '/video', videoBytes);
    await cap('POST', '/complete');
    const w = rt.startWorkers({ pollMs: 20 });
    await w.drain(300_000);
    await w.stop();

    const video = await (await api('GET', `/sessions/${s.id}/video`)).json();
    assert.deepEqual(contractProblems(video, videoResultFields), []);
    assert.equal(video.session_id, s.id);
    assert.equal(video.status, 'completed');
    assert.notEqual(video.result, null, 'a processed session has a result');
    assert.ok(video.face_match_score >= 0 && video.face_match_score <= 100, `face_match_score ${video.face_match_score} on the seed's 0–100 scale`);
    assert.ok(video.liveness_score >= 0 && video.liveness_score <= 100, `liveness_score ${video.liveness_score} on the seed's 0–100 scale`);
    assert.equal(video.duration_seconds, 6, 'the 6 s test video');
    assert.equal(video.agent_id, null, 'self_record has no agent');

    // The video.completed webhook body, as recorded for delivery (the signed delivery itself is
    // tested in webhooks.test.ts): the seed's fields plus vkyc's documented extras.
    const events = await rt.deps.db.selectFrom('webhook_events').select('payload').where('type', '=', 'video.completed').execute();
    const event = events.map((e) => JSON.parse(e.payload)).find((e) => e.data.session_id === s.id);
    assert.ok(event, 'a video.completed event was recorded');
    assert.deepEqual(contractProblems(event, videoCompletedFields, ['data.result', 'data.reasons', 'data.external_id', 'data.face_match_score', 'data.liveness_score', 'data.transcript']), []);
    assert.equal(event.data.status, 'completed');
    assert.equal(event.data.duration_seconds, 6);

    const url = new URL(video.video_url);
    assert.equal(`${url.origin}${url.pathname}`, `http://vkyc.test/api/v1/sessions/${s.id}/video/download`);
    assert.equal(Number(url.searchParams.get('exp')) - Math.floor(rt.clock.now().getTime() / 1000), 3600, 'expires after 1 hour');
    const signed = await rt.app.request(`${url.pathname}${url.search}`);
    assert.equal(signed.status, 200);
    assert.match(signed.headers.get('content-type') ?? '', /^video\//);
    assert.deepEqual(new Uint8Array(await signed.arrayBuffer()), videoBytes);
    const native = await (await rt.req('GET', `/v1/sessions/${s.id}/video`)).json();
    assert.equal(new URL(native.video_url).pathname, url.pathname, 'the native endpoint links the same shape');

    const tampered = await rt.app.request(`${url.pathname}?exp=${Number(url.searchParams.get('exp')) + 3600}&sig=${url.searchParams.get('sig')}`);
    assert.equal(tampered.status, 403);
    assert.equal((await tampered.json()).error.code, 'media_url_invalid');
    const otherSession = await rt.app.request(`${url.pathname.replace(s.id, 'ses_00000000-0000-0000-0000-000000000000')}${url.search}`);
    assert.equal((await otherSession.json()).error.code, 'media_url_invalid', 'a link signs one path only');
    const withKey = await rt.app.request(url.pathname, { headers: { authorization: `Bearer ${rt.apiKey}` } });
    assert.equal(withKey.status, 200, 'an API key may download without a signature');
    assert.equal((await withKey.arrayBuffer()).byteLength, videoBytes.byteLength);
    const foreign = await rt.app.request(url.pathname, { headers: { 'x-api-key': (await createKey(rt.deps, 'third-project')).key } });
    assert.equal(foreign.status, 404);
    const anonymous = await rt.app.request(url.pathname);
    assert.equal(anonymous.status, 401);
    rt.clock.advance(3601);
    const expired = await rt.app.request(`${url.pathname}${url.search}`);
    assert.equal(expired.status, 403);
    assert.equal((await expired.json()).error.code, 'media_url_expired');
  });
});
