import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { jpeg } from '../helpers/media.ts';
import { decodeQr } from '../helpers/qr-decode.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// Desktop-to-phone hand-off and the capture page's project settings through the real app and
// database (SQLite here; migration 014 on PostgreSQL is covered by the run on `db: 'postgres'`).

for (const db of ['sqlite', 'postgres'] as const) {
  describe(`hand-off (${db})`, () => {
    let rt: TestRuntime;
    before(async () => {
      // Gates off: these tests are about who may upload, not whether a grey JPEG is a document.
      rt = await makeRuntime({ db, env: { UPLOAD_QUALITY_GATES: 'false' } });
    });
    after(async () => rt.cleanup());

    const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> });
    const open = (url: string) => Promise.resolve(rt.app.request(new URL(url).pathname, { redirect: 'manual' }));

    test('link → phone token; the desktop may then only read; the code is single use', async () => {
      const { id, cap } = await newCaptureSession(rt, { steps: ['document', 'selfie'] });
      assert.deepEqual((await json(await cap('GET', '/handoff'))).body, { object: 'capture_handoff', state: 'none', can_upload: true, is_handoff_device: false, opened_at: null, expires_at: null });
      const created = await json(await cap('POST', '/handoff'));
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const link = created.body as { url: string; expires_at: string; qr_svg: string };
      assert.match(link.url, /^http:\/\/vkyc\.test\/c\/[0-9A-HJKMNP-TV-Z]{20}$/);
      assert.match(link.qr_svg, /^<svg[^>]+xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.equal(await decodeQr(link.qr_svg), link.url, 'the QR code reads back as the link (jsQR)');
      assert.equal(new Date(link.expires_at).getTime() - rt.clock.now().getTime(), 600_000);
      assert.equal((await json(await cap('GET', '/handoff'))).body.state, 'waiting');
      // The code is stored hashed: the table never holds the link's code.
      const code = link.url.split('/').pop()!;
      const rows = await rt.deps.db.selectFrom('handoffs').selectAll().where('session_id', '=', id).execute();
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(code));

      const opened = await open(link.url);
      assert.equal(opened.status, 303);
      const phonePath = opened.headers.get('location')!;
      assert.match(phonePath, /^\/capture\/cap_/);
      const phoneToken = decodeURIComponent(phonePath.split('/').pop()!);
      const phone = (method: string, path: string, body?: Uint8Array) => Promise.resolve(rt.app.request(`/v1/capture${path}`, { method, headers: { authorization: `Bearer ${phoneToken}`, ...(body ? { 'content-type': 'image/jpeg' } : {}) }, body: body as Uint8Array<ArrayBuffer> | undefined }));

      const again = await open(link.url);
      assert.equal(again.status, 410);
      assert.match(await again.text(), /data-outcome="used"/);

      // The desktop: reads, but no longer uploads.
      const blocked = await json(await cap('PUT', '/document/front', await jpeg()));
      assert.equal(blocked.status, 409);
      assert.equal(blocked.body.error.code, 'capture_handed_off');
      assert.equal((await json(await cap('POST', '/complete', {}))).body.error.code, 'capture_handed_off');
      assert.equal((await cap('GET', '/session')).status, 200);
      assert.deepEqual(((await json(await cap('GET', '/handoff'))).body as { state: string; can_upload: boolean }).can_upload, false);
      // The phone: its own token, same session, uploads and completes.
      const ph = await json(await phone('GET', '/handoff'));
      assert.equal(ph.body.state, 'opened');
      assert.equal(ph.body.can_upload, true);
      assert.equal(ph.body.is_handoff_device, true);
      assert.equal((await json(await phone('GET', '/session'))).body.session_id, id);
      assert.equal((await phone('PUT', '/document/front', await jpeg())).status, 200);
      assert.equal((await phone('PUT', '/selfie', await jpeg())).status, 200);
      assert.equal((await phone('POST', '/complete')).status, 200);
      // The desktop sees the phone's progress and the end through its own token.
      const seen = (await json(await cap('GET', '/session'))).body as { completed_steps: string[]; status: string };
      assert.deepEqual([...seen.completed_steps].sort(), ['document_front', 'selfie']);
      assert.notEqual(seen.status, 'pending');
    });

    test('expired, unknown and malformed codes are refused; links are rate limited per session', async () => {
      const { cap } = await newCaptureSession(rt, { steps: ['selfie'] });
      const link = (await json(await cap('POST', '/handoff'))).body as { url: string };
      rt.clock.advance(601);
      try {
        const r = await open(link.url);
        assert.equal(r.status, 410);
        assert.match(await r.text(), /data-outcome="expired"/);
      } finally {
        rt.clock.advance(-601);
      }
      assert.equal((await open('http://vkyc.test/c/0123456789ABCDEFGHJK')).status, 404);
      assert.equal((await open('http://vkyc.test/c/not-a-code')).status, 404);
      // 1 above + 4 more = 5 in ten minutes; the sixth is refused.
      for (let i = 0; i < 4; i++) assert.equal((await cap('POST', '/handoff')).status, 201);
      const sixth = await json(await cap('POST', '/handoff'));
      assert.equal(sixth.status, 429);
      assert.equal(sixth.body.error.code, 'rate_limited');
    });

    test('a second hand-off moves the upload right to the newest phone', async () => {
      const { cap } = await newCaptureSession(rt, { steps: ['selfie'] });
      const tokenOf = async () => {
        const link = (await json(await cap('POST', '/handoff'))).body as { url: string };
        return decodeURIComponent((await open(link.url)).headers.get('location')!.split('/').pop()!);
      };
      const first = await tokenOf();
      // The first phone may create the next link (the user moves to another phone).
      const link2 = (await json(await rt.app.request('/v1/capture/handoff', { method: 'POST', headers: { authorization: `Bearer ${first}` } }))).body as { url: string };
      rt.clock.advance(1); // opened_at orders the hand-offs
      const second = decodeURIComponent((await open(link2.url)).headers.get('location')!.split('/').pop()!);
      const img = await jpeg();
      const put = (t: string) => Promise.resolve(rt.app.request('/v1/capture/selfie', { method: 'PUT', headers: { authorization: `Bearer ${t}`, 'content-type': 'image/jpeg' }, body: img as Uint8Array<ArrayBuffer> }));
      assert.equal(((await (await put(first)).json()) as { error: { code: string } }).error.code, 'capture_handed_off');
      assert.equal((await put(second)).status, 200);
    });

    test('page settings: allowed_origins validated, served to the page with the upload fallback', async () => {
      const bad = ['http://shop.example', 'https://shop.example/', 'https://shop.example/path', 'https://*.shop.example', 'javascript:alert(1)', 'https://u:p@shop.example'];
      for (const origin of bad) {
        const r = await json(await rt.req('PATCH', '/v1/project/settings', { allowed_origins: [origin] }));
        assert.equal(r.status, 422, origin);
        assert.equal(r.body.error.code, 'validation_failed');
      }
      assert.equal((await rt.req('PATCH', '/v1/project/settings', { document_upload_fallback: 'sometimes' })).status, 422);
      const ok = await json(await rt.req('PATCH', '/v1/project/settings', { allowed_origins: ['https://shop.example', 'http://localhost:5173'], document_upload_fallback: 'on_camera_failure' }));
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      const { cap } = await newCaptureSession(rt, { steps: ['document'] });
      assert.deepEqual((await json(await cap('GET', '/page-settings'))).body, { object: 'capture_page_settings', embed_origins: ['https://shop.example', 'http://localhost:5173'], document_upload_fallback: 'on_camera_failure' });
      await rt.req('PATCH', '/v1/project/settings', { allowed_origins: [], document_upload_fallback: 'off' });
    });
  });
}
