import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { vkyc } from '../../helpers/cli.ts';
import { makeRuntime, type TestRuntime } from '../../helpers/runtime.ts';

describe('vkyc keys and vkyc sessions', () => {
  let rt: TestRuntime;
  before(async () => { rt = await makeRuntime(); });
  after(async () => rt.cleanup());

  test('keys create, list (never the key), revoke by prefix: the key stops authenticating', async () => {
    const created = await vkyc(rt, 'keys', 'create', '--project', 'shop', '--test');
    assert.equal(created.code, 0, created.stderr);
    const key = created.stdout.trim();
    assert.match(key, /^vk_test_/);
    assert.equal((await rt.app.request('/v1/sessions', { headers: { authorization: `Bearer ${key}` } })).status, 200);

    const listed = JSON.parse((await vkyc(rt, 'keys', 'list', '--project', 'shop')).stdout) as { data: Array<Record<string, unknown>> };
    assert.equal(listed.data.length, 1);
    assert.deepEqual(Object.keys(listed.data[0]!).sort(), ['created_at', 'id', 'mode', 'prefix', 'project', 'project_id', 'revoked_at']);
    assert.equal(listed.data[0]!.prefix, key.slice(0, 16));
    assert.equal(listed.data[0]!.revoked_at, null);
    assert.ok(!JSON.stringify(listed).includes(key), 'the key itself is never listed');
    const all = JSON.parse((await vkyc(rt, 'keys', 'list')).stdout) as { data: unknown[] };
    assert.equal(all.data.length, 2, 'the test runtime key and the new one');

    const revoked = await vkyc(rt, 'keys', 'revoke', key.slice(0, 16));
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.equal(JSON.parse(revoked.stdout).outcome, 'revoked');
    const denied = await rt.app.request('/v1/sessions', { headers: { authorization: `Bearer ${key}` } });
    assert.equal(denied.status, 401);
    assert.equal(JSON.parse((await vkyc(rt, 'keys', 'revoke', String(listed.data[0]!.id))).stdout).outcome, 'already_revoked');

    const unknown = await vkyc(rt, 'keys', 'revoke', 'vk_test_nothing1');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no key with id or prefix vk_test_nothing1/);
    assert.equal((await vkyc(rt, 'keys', 'rotate')).code, 1);
  });

  test('sessions list, get (the API view) and erase (needs --yes; tombstone and audit record)', async () => {
    const s = await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] }, external_id: 'order-42' })).json() as { id: string };
    const list = JSON.parse((await vkyc(rt, 'sessions', 'list', '--project', 'test-project', '--external-id', 'order-42')).stdout);
    assert.deepEqual(list.data.map((x: { id: string }) => x.id), [s.id]);
    assert.equal(list.has_more, false);
    const bad = await vkyc(rt, 'sessions', 'list', '--project', 'test-project', '--limit', '1000');
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--limit/);

    const got = JSON.parse((await vkyc(rt, 'sessions', 'get', s.id, '--project', 'test-project')).stdout);
    const api = await (await rt.req('GET', `/v1/sessions/${s.id}`)).json() as Record<string, unknown>;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(api).sort());
    assert.equal(got.id, s.id);
    assert.equal(got.status, 'pending');
    assert.equal(got.external_id, 'order-42');

    const refused = await vkyc(rt, 'sessions', 'erase', s.id, '--project', 'test-project');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /--yes/);
    const erased = await vkyc(rt, 'sessions', 'erase', s.id, '--project', 'test-project', '--yes');
    assert.equal(erased.code, 0, erased.stderr);
    assert.equal(JSON.parse(erased.stdout).deleted, true);
    assert.equal((await rt.req('GET', `/v1/sessions/${s.id}`)).status, 404);
    const row = await rt.deps.db.selectFrom('audit_log').select(['action', 'actor']).where('session_id', '=', s.id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { action: 'session.erased', actor: 'cli' });

    const missing = await vkyc(rt, 'sessions', 'get', s.id, '--project', 'nope');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no project named nope/);
  });
});
