import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { jpeg, sample, testPatternVideo } from '../helpers/media.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { newCaptureSession } from '../helpers/capture-session.ts';

const newSession = newCaptureSession;

const code = async (r: Response) => (await r.json()).error?.code;

describe('capture uploads and processing', () => {
  let rt: TestRuntime;
  before(async () => { rt = await makeRuntime({ env: { MAX_IMAGE_BYTES: String(2_000_000), MAX_IMAGE_PIXELS: String(5_000_000) } }); });
  after(async () => { await rt.cleanup(); });

  test('images: sniffed, limits, truncated and mislabelled files refused', async () => {
    const { cap } = await newSession(rt);
    const ok = await cap('PUT', '/selfie', await sample(1), { 'content-type': 'application/octet-stream' });
    assert.equal(ok.status, 200);
    const a = (await ok.json()).artifact;
    assert.equal(a.content_type, 'image/jpeg');
    assert.ok(a.width > 0 && a.height > 0);
    assert.equal(await code(await cap('PUT', '/selfie', new TextEncoder().encode('hello, not an image'), { 'content-type': 'image/jpeg' })), 'unsupported_media_type');
    const full = await sample(2);
    assert.equal(await code(await cap('PUT', '/document/front', full.subarray(0, Math.floor(full.length / 2)))), 'media_unreadable');
    assert.equal(await code(await cap('PUT', '/document/front', new Uint8Array(2_100_000).fill(0xff))), 'payload_too_large');
    assert.equal(await code(await cap('PUT', '/document/front', await jpeg(3000, 2000))), 'image_too_large');
    assert.equal((await cap('PUT', '/document/front', await sample(3))).status, 200);
    assert.equal(await code(await cap('PUT', '/document/back', await sample(3))), undefined); // back is allowed for the document step
  });

  test('capture tokens: invalid, tampered, wrong step, expired session', async () => {
    const s = await newSession(rt, { steps: ['selfie'] }, { expires_in: 300 });
    const bad = await rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${s.token.slice(0, -2)}xx` } });
    assert.equal(bad.status, 401);
    assert.equal(await code(bad), 'capture_token_invalid');
    assert.equal(await code(await rt.app.request('/v1/capture/session', { headers: { authorization: `Bearer ${rt.apiKey}` } })), 'capture_token_invalid');
    assert.equal(await code(await s.cap('PUT', '/video', new Uint8Array(10))), 'step_not_in_profile');
    const view = await (await s.cap('GET', '/session')).json();
    assert.deepEqual(view.steps, ['selfie']);
    assert.equal(view.language, 'en');
    rt.clock.advance(301);
    assert.equal(await code(await s.cap('PUT', '/selfie', await sample(1))), 'capture_token_expired');
    rt.clock.advance(-301);
  });

  test('video: streamed upload, probe, too long, corrupt; resumable chunks with resume', async () => {
    const s = await newSession(rt, { steps: ['video'], video_max_duration: 5 });
    const long = await readFile(await testPatternVideo(12));
    assert.equal(await code(await s.cap('PUT', '/video', new Uint8Array(long))), 'video_too_long');
    const short = new Uint8Array(await readFile(await testPatternVideo(3)));
    assert.equal(await code(await s.cap('PUT', '/video', short.subarray(0, 600))), 'media_unreadable');
    const put = await s.cap('PUT', '/video', short);
    assert.equal(put.status, 200, await put.clone().text());
    const art = (await put.json()).artifact;
    assert.equal(art.content_type, 'video/webm');
    assert.ok(Math.abs(art.duration_seconds - 3) < 0.5, String(art.duration_seconds));

    const mp4 = new Uint8Array(await readFile(await testPatternVideo(3, 'mp4')));
    const start = await s.cap('POST', '/video/uploads', { content_type: 'video/mp4', size: mp4.length });
    assert.equal(start.status, 201);
    const { upload_id } = await start.json();
    const half = Math.floor(mp4.length / 2);
    const p1 = await s.cap('PATCH', `/video/uploads/${upload_id}`, mp4.subarray(0, half), { 'upload-offset': '0' });
    assert.equal((await p1.json()).offset, half);
    assert.equal(await code(await s.cap('PATCH', `/video/uploads/${upload_id}`, mp4.subarray(half), { 'upload-offset': '0' })), 'upload_offset_mismatch');
    const head = await s.cap('HEAD', `/video/uploads/${upload_id}`);
    assert.equal(head.headers.get('upload-offset'), String(half));
    const p2 = await s.cap('PATCH', `/video/uploads/${upload_id}`, mp4.subarray(half), { 'upload-offset': String(half) });
    const done = await p2.json();
    assert.equal(done.complete, true, JSON.stringify(done));
    assert.equal(done.artifact.content_type, 'video/mp4');
  });

  test('complete → verify job → decision with reasons → signed webhook; media URLs signed; erase deletes', async () => {
    let secret: string | undefined;
    const recv = await startReceiver({ secret: () => secret });
    try {
      const hook = await (await rt.req('POST', '/v1/webhooks', { url: recv.url, events: ['video.completed', 'video.reviewed'] })).json();
      secret = hook.secret;
      assert.match(hook.secret, /^whsec_/);
      assert.equal((await (await rt.req('GET', '/v1/webhooks')).json()).data[0].secret, undefined);

      const s = await newSession(rt, { steps: ['selfie', 'video'] });
      assert.equal(await code(await s.cap('POST', '/complete', {})), 'steps_incomplete');
      await s.cap('PUT', '/selfie', await sample(1));
      await s.cap('PUT', '/video', new Uint8Array(await readFile(await testPatternVideo(3))));
      assert.equal((await s.cap('POST', '/client-info', { user_agent: 'test', timezone: 'Europe/Paris', screen: { width: 390, height: 844 }, camera_label: 'OBS Virtual Camera' })).status, 200);
      const done = await (await s.cap('POST', '/complete', {})).json();
      assert.equal(done.status, 'processing');
      assert.equal(done.redirect_url, `https://example.com/done?x=1&session_id=${s.id}&status=processing`);
      assert.equal(await code(await s.cap('PUT', '/selfie', await sample(1))), 'session_already_completed');

      const w = rt.startWorkers({ pollMs: 20 });
      await recv.waitFor(1, 120_000); // the first job loads the face models: > 20 s on a loaded 2-core machine
      await w.drain();
      const evt = JSON.parse(recv.received[0]!.body);
      assert.equal(recv.received[0]!.verified, true);
      assert.equal(evt.event, 'video.completed');
      assert.equal(evt.data.session_id, s.id);
      assert.equal(evt.webhook_id, recv.received[0]!.headers['webhook-id']);

      const got = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json();
      assert.equal(got.status, 'completed');
      assert.ok(got.result);
      assert.ok(got.reasons.length > 0 || got.result === 'approved');
      assert.ok(got.verification.stages.find((st: { stage: string }) => st.stage === 'probe').result.usable);
      assert.equal(got.client_info.camera_label, 'OBS Virtual Camera');
      const video = await (await rt.req('GET', `/v1/sessions/${s.id}/video`)).json();
      assert.equal(video.duration_seconds, 3);

      const url = new URL(video.video_url);
      const media = await rt.app.request(url.pathname + url.search);
      assert.equal(media.status, 200);
      assert.equal(media.headers.get('content-type'), 'video/webm');
      const tampered = url.pathname.replace(s.id, 'ses_00000000-0000-0000-0000-000000000000') + url.search;
      assert.equal(await code(await rt.app.request(tampered)), 'media_url_invalid');
      rt.clock.advance(3601);
      assert.equal(await code(await rt.app.request(url.pathname + url.search)), 'media_url_expired');
      rt.clock.advance(-3601);

      const rv = await rt.req('POST', `/v1/sessions/${s.id}/review`, { result: 'approved', reviewer: 'agent_ann', notes: 'document checked by hand' });
      assert.equal(rv.status, 200);
      assert.equal((await rv.json()).result, 'approved');
      const second = await rt.req('POST', `/v1/sessions/${s.id}/review`, { result: 'declined', reviewer: 'agent_bob' });
      assert.equal(await code(second), 'decision_final');
      const v2 = await (await rt.req('GET', `/v1/sessions/${s.id}/video`)).json();
      assert.equal(v2.agent_id, 'agent_ann');
      assert.equal(v2.agent_notes, 'document checked by hand');
      assert.ok(v2.reviewed_at);
      const trail = await (await rt.req('GET', `/v1/sessions/${s.id}/audit`)).json();
      assert.deepEqual(trail.data.map((a: { action: string }) => a.action), ['decision.auto', 'decision.review']);

      const del = await (await rt.req('DELETE', `/v1/sessions/${s.id}`)).json();
      assert.equal(del.deleted, true);
      assert.ok(del.blobs_deleted >= 2);
      assert.equal((await rt.req('GET', `/v1/sessions/${s.id}`)).status, 404);
      const left: string[] = await readdir(join(rt.dataDir, 'blobs', 'projects', rt.projectId, 'sessions')).catch(() => []);
      assert.ok(!left.includes(s.id));
      await recv.waitFor(2);
      const reviewed = JSON.parse(recv.received[1]!.body);
      assert.equal(reviewed.event, 'video.reviewed');
      assert.equal(reviewed.data.result, 'approved');
      assert.equal(recv.received[1]!.verified, true);
      const auditRows = await rt.deps.db.selectFrom('audit_log').selectAll().where('session_id', '=', s.id).execute();
      assert.ok(auditRows.some((a) => a.action === 'session.erased'));
      await w.stop();
    } finally {
      await recv.close();
    }
  });
});
