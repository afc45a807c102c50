import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { jsonDepthExceeds, nulPath, valueDepthExceeds } from '../../src/domain/json-guard.ts';
import { makeRuntime, type DbKind, type TestRuntime } from '../helpers/runtime.ts';
import { storeArtifact, submitCapture } from '../helpers/session-fixtures.ts';

// Inputs that gave 500s (issue 12, item 9): 30 000 levels of metadata overflowed the stack in the
// size check; NUL characters reached PostgreSQL, which refuses them in text. Both are refused once,
// in the shared validation, with validation_failed; run on SQLite and PostgreSQL.

const profile = { steps: ['selfie', 'video'], video_mode: 'self_record' };
type ErrorJson = { error: { code: string; details?: { issues?: Array<{ path: string; code: string }> } } };

for (const db of ['sqlite', 'postgres'] as DbKind[]) {
  describe(`input validation (${db})`, () => {
    let rt: TestRuntime;
    before(async () => { rt = await makeRuntime({ db }); });
    after(async () => { await rt.cleanup(); });

    const expectRefused = async (res: Response, path: string, issue: string) => {
      assert.equal(res.status, 422);
      const body = (await res.json()) as ErrorJson;
      assert.equal(body.error.code, 'validation_failed');
      assert.ok(body.error.details?.issues?.some((i) => i.path === path && i.code === issue), JSON.stringify(body));
    };

    test('30 000 levels of metadata: validation_failed, not a stack overflow', async () => {
      // Arrays keep 30 000 levels within the 64 KiB body limit of the route (60 kB).
      const deep = '{"a":' + '['.repeat(30_000) + ']'.repeat(30_000) + '}';
      const res = await rt.app.request('/v1/sessions', { method: 'POST', headers: { authorization: `Bearer ${rt.apiKey}`, 'content-type': 'application/json' }, body: `{"profile":${JSON.stringify(profile)},"metadata":${deep}}` });
      await expectRefused(res, '', 'too_deep');
    });

    test('metadata deeper than 16 levels (within the JSON bound) is refused on the field', async () => {
      let metadata: Record<string, unknown> = { leaf: 1 };
      for (let i = 0; i < 20; i++) metadata = { a: metadata };
      const res = await rt.req('POST', '/v1/sessions', { profile, metadata });
      await expectRefused(res, 'metadata', 'custom');
      assert.equal((await rt.req('POST', '/v1/sessions', { profile, metadata: { a: { b: { c: 1 } } } })).status, 201);
    });

    test('NUL in external_id, account_id, metadata keys: validation_failed naming the field', async () => {
      await expectRefused(await rt.req('POST', '/v1/sessions', { profile, external_id: 'user\u00001' }), 'external_id', 'nul_character');
      await expectRefused(await rt.req('POST', '/v1/sessions', { profile, account_id: '\u0000' }), 'account_id', 'nul_character');
      await expectRefused(await rt.req('POST', '/v1/sessions', { profile, metadata: { 'k\u0000': 'v' } }), 'metadata.k\u0000', 'nul_character');
    });

    test('NUL in list filters and path ids', async () => {
      await expectRefused(await rt.req('GET', '/v1/sessions?external_id=a%00b'), 'external_id', 'nul_character');
      await expectRefused(await rt.req('GET', '/v1/sessions?cursor=%00'), 'cursor', 'nul_character');
      for (const path of ['/v1/sessions/ses_%00', '/v1/sessions/%00/video', '/v1/webhooks/wh_%00/deliveries']) {
        await expectRefused(await rt.req('GET', path), 'path', 'nul_character');
      }
      await expectRefused(await rt.req('DELETE', '/v1/sessions/ses_%00'), 'path', 'nul_character');
    });

    test('NUL in ZOLOZ bizId: INVALID_ARGUMENT in the ZOLOZ format, not a 500', async () => {
      for (const [route, body] of [['initialize', { bizId: 'biz\u00001' }], ['checkresult', { bizId: 'b', transactionId: 'ses_\u0000' }]] as const) {
        const res = await rt.req('POST', `/api/v1/zoloz/videoverify/${route}`, body);
        assert.equal(res.status, 200);
        const r = (await res.json()) as { result: { resultStatus: string; resultCode: string; resultMessage: string } };
        assert.equal(r.result.resultCode, 'INVALID_ARGUMENT');
        assert.match(r.result.resultMessage, /NUL/);
      }
    });

    test('client-info is refused once the capture was submitted', async () => {
      const s = (await (await rt.req('POST', '/v1/sessions', { profile })).json()) as { id: string; capture_url: string };
      const token = new URL(s.capture_url).pathname.split('/').pop();
      const post = () => rt.app.request('/v1/capture/client-info', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_agent: 'Mozilla/5.0' }) });
      assert.equal((await post()).status, 200);
      await storeArtifact(rt, s.id, 'selfie', new Uint8Array([0xff, 0xd8, 0xff]));
      await storeArtifact(rt, s.id, 'video', new Uint8Array([0x1a, 0x45, 0xdf, 0xa3]), 'video/webm');
      await submitCapture(rt, s.id);
      const late = await post();
      assert.equal(late.status, 409);
      assert.equal(((await late.json()) as ErrorJson).error.code, 'session_already_completed');
    });
  });
}

test('json guards: bounded depth on text and values, NUL paths, brackets inside strings ignored', () => {
  assert.equal(jsonDepthExceeds('[[[]]]', 3), false);
  assert.equal(jsonDepthExceeds('[[[[]]]]', 3), true);
  assert.equal(jsonDepthExceeds('{"a":"[[[[[[\\"[[["}', 2), false);
  assert.equal(jsonDepthExceeds('['.repeat(1_000_000), 64), true);
  assert.equal(valueDepthExceeds({ a: { b: {} } }, 3), false);
  assert.equal(valueDepthExceeds({ a: { b: { c: {} } } }, 3), true);
  assert.equal(nulPath({ a: [1, 'x', { b: 'y\u0000' }] }), 'a.2.b');
  assert.equal(nulPath({ a: 'fine' }), null);
});
