// Per-project settings through the API (SQLite and PostgreSQL), and what `non_english_phrase`
// does to the capture plan of a session in a language no installed engine transcribes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { parseSettings } from '../../src/projects/settings.ts';
import { SPOTTABLE_DIGITS } from '../../src/speech/spot-digits.ts';
import { makeRuntime, type DbKind, type TestRuntime } from '../helpers/runtime.ts';

/** The live-agent fields (src/agents) at their defaults: not what these tests are about. */
const agentDefaults = Object.fromEntries(Object.entries(parseSettings(null)).filter(([k]) => k.startsWith('agent_')));

const session = (language: string, extra: Record<string, unknown> = {}) => ({
  profile: { steps: ['selfie', 'video'], video_mode: 'self_record', video_language: language, ...extra },
  expected_data: { first_name: 'Ana', last_name: 'García' },
});

for (const db of ['sqlite', 'postgres'] as DbKind[]) {
  describe(`project settings (${db})`, () => {
    let rt: TestRuntime;
    before(async () => { rt = await makeRuntime({ db }); });
    after(async () => { await rt.cleanup(); });

    const plan = async (body: unknown) => {
      const res = await rt.req('POST', '/v1/sessions', body);
      assert.equal(res.status, 201);
      const { id } = await res.json() as { id: string };
      const row = await rt.deps.db.selectFrom('sessions').select('capture_plan').where('id', '=', id).executeTakeFirstOrThrow();
      return JSON.parse(row.capture_plan ?? 'null') as { phrase: { kind: string; text: string; check: string } | null };
    };

    test('GET returns the defaults for a project that never set anything', async () => {
      const res = await rt.req('GET', '/v1/project/settings');
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { object: 'project_settings', non_english_phrase: 'digits_spotting', risk_policy: null, require_totp: false, ...agentDefaults });
    });

    test('PATCH changes a setting, GET returns it; another project keeps its own', async () => {
      const res = await rt.req('PATCH', '/v1/project/settings', { non_english_phrase: 'review' });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), { object: 'project_settings', non_english_phrase: 'review', risk_policy: null, require_totp: false, ...agentDefaults });
      assert.deepEqual(await (await rt.req('GET', '/v1/project/settings')).json(), { object: 'project_settings', non_english_phrase: 'review', risk_policy: null, require_totp: false, ...agentDefaults });
      const other = await createKey(rt.deps, 'other-project', 'test');
      const theirs = await rt.app.request('/v1/project/settings', { headers: { authorization: `Bearer ${other.key}` } });
      assert.equal((await theirs.json() as { non_english_phrase: string }).non_english_phrase, 'digits_spotting');
      // An empty patch changes nothing.
      assert.equal((await (await rt.req('PATCH', '/v1/project/settings', {})).json() as { non_english_phrase: string }).non_english_phrase, 'review');
    });

    test('PATCH refuses unknown keys, unknown values and wrong types with validation_failed', async () => {
      for (const [body, path] of [[{ surprise: true }, ''], [{ non_english_phrase: 'whisper' }, 'non_english_phrase'], [{ non_english_phrase: 1 }, 'non_english_phrase']] as const) {
        const res = await rt.req('PATCH', '/v1/project/settings', body);
        assert.equal(res.status, 422, JSON.stringify(body));
        const err = (await res.json() as { error: { code: string; details: { issues: { path: string }[] } } }).error;
        assert.equal(err.code, 'validation_failed');
        assert.ok(err.details.issues.some((d) => d.path === path), JSON.stringify(err.details));
      }
      const bad = await rt.req('PATCH', '/v1/project/settings', undefined, { 'content-type': 'application/json' });
      assert.equal(bad.status, 200, 'no body is an empty patch');
    });

    test('risk_policy: set, validated, reset to null (the server default)', async () => {
      const policy = { decline: ['tor', 'vpn'], review: ['datacenter'] };
      const set = await rt.req('PATCH', '/v1/project/settings', { risk_policy: policy });
      assert.equal(set.status, 200);
      assert.deepEqual((await set.json() as { risk_policy: unknown }).risk_policy, policy);
      for (const bad of [{ decline: ['teleport'] }, { decline: ['tor'], review: ['tor'] }, { decline: ['tor'], extra: 1 }]) {
        const res = await rt.req('PATCH', '/v1/project/settings', { risk_policy: bad });
        assert.equal(res.status, 422, JSON.stringify(bad));
        assert.equal((await res.json() as { error: { code: string } }).error.code, 'validation_failed');
      }
      const reset = await rt.req('PATCH', '/v1/project/settings', { risk_policy: null });
      assert.equal((await reset.json() as { risk_policy: unknown }).risk_policy, null);
    });

    test('without an API key: 401', async () => {
      assert.equal((await rt.app.request('/v1/project/settings')).status, 401);
      assert.equal((await rt.app.request('/v1/project/settings', { method: 'PATCH', body: '{}' })).status, 401);
    });

    test('digits_spotting: a Spanish session is asked for digits checked by spotting; English keeps its phrase', async () => {
      await rt.req('PATCH', '/v1/project/settings', { non_english_phrase: 'digits_spotting' });
      const es = await plan(session('es'));
      assert.equal(es.phrase?.kind, 'digits');
      assert.equal(es.phrase?.check, 'digits_spotting');
      assert.match(es.phrase?.text ?? '', /^\d( \d){5}$/);
      // Only the digits the English model tells apart in Spanish (spot-digits.ts).
      for (const d of (es.phrase?.text ?? '').split(' ')) assert.ok(SPOTTABLE_DIGITS.es.includes(Number(d)), es.phrase?.text);
      const en = await plan(session('en'));
      assert.deepEqual([en.phrase?.kind, en.phrase?.check], ['name_date', 'transcript']);
      // A profile that asks for no phrase gets none in any language.
      assert.equal((await plan(session('fr', { phrase: 'none' }))).phrase, null);
    });

    test('review: the profile\'s phrase, checked by a human; none: no phrase', async () => {
      await rt.req('PATCH', '/v1/project/settings', { non_english_phrase: 'review' });
      const de = await plan(session('de'));
      assert.equal(de.phrase?.kind, 'name_date');
      assert.equal(de.phrase?.check, 'review');
      assert.match(de.phrase?.text ?? '', /^Mein Name ist Ana García\./);
      await rt.req('PATCH', '/v1/project/settings', { non_english_phrase: 'none' });
      assert.equal((await plan(session('pt'))).phrase, null);
      assert.deepEqual((await plan(session('en'))).phrase?.kind, 'name_date');
    });
  });
}

test('stored settings are validated on read: absent keys take defaults, unknown values fail loudly', () => {
  assert.deepEqual(parseSettings(null), { non_english_phrase: 'digits_spotting', risk_policy: null, require_totp: false, ...agentDefaults });
  assert.deepEqual(parseSettings('{"non_english_phrase":"none","later_setting":1}'), { non_english_phrase: 'none', risk_policy: null, require_totp: false, ...agentDefaults });
  assert.throws(() => parseSettings('{"non_english_phrase":"sometimes"}'), /does not match its schema: non_english_phrase/);
});
