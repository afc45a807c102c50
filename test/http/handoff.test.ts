import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { jpeg } from '../helpers/media.ts';
import { decodeQr } from '../helpers/qr-decode.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { purgeRetention } from '../../src/sessions/purge-retention.ts';

// Desktop-to-phone hand-off and the capture page's project settings through the real app and
// database (SQLite here; migration 014 on PostgreSQL is covered by the run on `db: 'postgres'`).

for (const db of ['sqlite', 'postgres'] as const) {
  describe(`hand-off (${db})`, () => {
    let rt: TestRuntime;
    before(async () => {
      // Gates off: these tests are about who may upload, not whether a grey JPEG is a document.
      rt = await makeRuntime({ db, env: { UPLOAD_QUALITY_GATES: 'false', RETENTION_DAYS: '30' } });
    });
    after(async () => rt.cleanup());

    const json = async (r: Response) => ({ status: r.status, body: (await r.json()) as Record<string, any> });
    const path = (url: string) => new URL(url).pathname;
    /** What the phone's browser does: GET the confirm page, then submit its form (the button). */
    const open = async (url: string) => {
      const page = await rt.app.request(path(url), { redirect: 'manual' });
      if (page.status !== 200) return page;
      const nonce = /name="nonce" value="([^"]+)"/.exec(await page.text())?.[1];
      assert.ok(nonce, 'the confirm page carries a nonce');
      return post(url, nonce);
    };
    const post = (url: string, nonce?: string) => Promise.resolve(rt.app.request(path(url), {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: nonce === undefined ? '' : new URLSearchParams({ nonce }).toString(),
    }));
    const countHandoffs = async (sessionId: string) => (await rt.deps.db.selectFrom('handoffs').select('id').where('session_id', '=', sessionId).execute()).length;

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

      // GET only shows the confirm page (a link preview fetching the URL spends nothing), as often as asked.
      let linkNonce = '';
      for (let i = 0; i < 3; i++) {
        const preview = await rt.app.request(path(link.url));
        assert.equal(preview.status, 200);
        assert.match(preview.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(preview.headers.get('content-security-policy') ?? '', /form-action 'self'/);
        const text = await preview.text();
        assert.match(text, /<form method="post" action="\/c\/[0-9A-Z]{20}"[\s\S]*Continue here/);
        linkNonce = /name="nonce" value="([^"]+)"/.exec(text)![1]!;
      }
      assert.equal((await json(await cap('GET', '/handoff'))).body.state, 'waiting');
      // A POST without our page's nonce (another site's form, a replayed or foreign nonce) spends nothing.
      const other = (await json(await cap('POST', '/handoff'))).body as { url: string };
      const otherNonce = /name="nonce" value="([^"]+)"/.exec(await (await rt.app.request(path(other.url))).text())![1]!;
      for (const bad of [undefined, 'forged.nonce', otherNonce]) {
        const r = await post(link.url, bad);
        assert.equal(r.status, 403, String(bad));
        assert.match(await r.text(), /data-outcome="stale"/);
      }
      assert.equal((await json(await cap('GET', '/handoff'))).body.state, 'waiting');

      const opened = await open(link.url);
      assert.equal(opened.status, 303);
      const phonePath = opened.headers.get('location')!;
      assert.match(phonePath, /^\/capture\/cap_/);
      const phoneToken = decodeURIComponent(phonePath.split('/').pop()!);
      const phone = (method: string, path: string, body?: Uint8Array) => Promise.resolve(rt.app.request(`/v1/capture${path}`, { method, headers: { authorization: `Bearer ${phoneToken}`, ...(body ? { 'content-type': 'image/jpeg' } : {}) }, body: body as Uint8Array<ArrayBuffer> | undefined }));

      const again = await open(link.url);
      assert.equal(again.status, 410);
      assert.match(await again.text(), /data-outcome="used"/);
      // A second POST with the page's nonce (a double tap, a resubmitted form) finds it spent too.
      const twice = await post(link.url, linkNonce);
      assert.equal(twice.status, 410);
      assert.match(await twice.text(), /data-outcome="used"/);

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

    test('erase and retention delete the session\'s hand-off links', async () => {
      const a = await newCaptureSession(rt, { steps: ['selfie'] });
      const link = (await json(await a.cap('POST', '/handoff'))).body as { url: string };
      await a.cap('POST', '/handoff');
      assert.equal(await countHandoffs(a.id), 2);
      const kept = await newCaptureSession(rt, { steps: ['selfie'] });
      await kept.cap('POST', '/handoff');
      const erased = await json(await rt.req('DELETE', `/v1/sessions/${a.id}`));
      assert.equal(erased.status, 200, JSON.stringify(erased.body));
      assert.equal(await countHandoffs(a.id), 0);
      assert.equal(await countHandoffs(kept.id), 1, 'only the erased session\'s links');
      assert.equal((await rt.app.request(path(link.url))).status, 404, 'its link is unknown now');
      const audit = await rt.deps.db.selectFrom('audit_log').select('details').where('session_id', '=', a.id).where('action', '=', 'session.erased').executeTakeFirst();
      assert.match(String(audit?.details ?? ''), /"handoffs_deleted":2/);

      // Retention erases old finished sessions the same way.
      const b = await newCaptureSession(rt, { steps: ['selfie'] });
      await b.cap('POST', '/handoff');
      assert.equal((await rt.req('POST', `/v1/sessions/${b.id}/cancel`)).status, 200);
      rt.clock.advance(31 * 86400);
      try {
        await purgeRetention(rt.deps);
      } finally {
        rt.clock.advance(-31 * 86400);
      }
      assert.equal(await countHandoffs(b.id), 0);
      assert.equal(await countHandoffs(kept.id), 1, 'an open session keeps its links');
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
      assert.deepEqual((await json(await cap('GET', '/page-settings'))).body, { object: 'capture_page_settings', embed_origins: ['https://shop.example', 'http://localhost:5173'], document_upload_fallback: 'on_camera_failure', branding: { name: null, logo_data_url: null, color: null } });
      await rt.req('PATCH', '/v1/project/settings', { allowed_origins: [], document_upload_fallback: 'off' });
    });
  });
}
