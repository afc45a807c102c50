import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadSession } from '../../src/sessions/rows.ts';
import { runStages, type Stage } from '../../src/verification/pipeline.ts';
import { STAGE_RESULTS } from '../../src/verification/results/index.ts';
import { duplicatesStage } from '../../src/verification/stages/duplicates.ts';
import { personA1, personA3, personB } from '../helpers/face-media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { recordClientInfo, storeArtifact, submitCapture } from '../helpers/session-fixtures.ts';

// The duplicates stage end to end on real faces (the face-api sample photos shipped in npm: person
// A in two different photos, person B) with the real face engine, SQLite and the HTTP API.

interface Linked { account_id: string; match_types: string[]; session_ids: string[] }
interface DupResult { template_source: string | null; matches: { num_accounts_linked: number; accounts_linked: Linked[] }; findings: Array<{ code: string }> }

/** The stages duplicates reads, as a selfie-only session leaves them: no video frames, no document. */
const noVideoNoDocument: Stage[] = [
  { name: 'document', result: STAGE_RESULTS.document, run: async () => ({ skipped: true as const, findings: [] }) },
  { name: 'faces', result: STAGE_RESULTS.faces, run: async () => ({ skipped: true as const, reason: 'no_video_frames' as const }) },
];

describe('duplicate faces (1:N)', () => {
  let rt: TestRuntime;
  const faces: Record<string, Buffer> = {};
  before(async () => {
    rt = await makeRuntime({ env: { BLOB_ENCRYPTION_KEY: '11'.repeat(32) } });
    [faces.A1, faces.A3, faces.B] = await Promise.all([personA1(), personA3(), personB()]);
  });
  after(async () => rt.cleanup());

  /** A decided-looking selfie session: created through the API, selfie stored, client IP recorded, duplicates stage run. */
  async function verify(face: 'A1' | 'A3' | 'B', account: string, ip = '203.0.113.9') {
    const s = (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] }, account_id: account })).json()) as { id: string };
    await storeArtifact(rt, s.id, 'selfie', faces[face]!);
    await recordClientInfo(rt, s.id, { ip_address: ip, user_agent: `UA-${account}` });
    // The pipeline writes only to a processing session (the verify job waits in the queue: no workers here).
    await submitCapture(rt, s.id);
    const results = await runStages(rt.deps, await loadSession(rt.deps.db, rt.projectId, s.id), [...noVideoNoDocument, duplicatesStage], new AbortController().signal);
    return { id: s.id, r: results.get('duplicates')! };
  }
  const codes = (r: DupResult) => r.findings.map((f) => f.code).sort();
  let alice1: string, alice2: string, bob: string;

  it('first session of a face: template stored (sealed), nothing linked', async () => {
    const v = await verify('A1', 'alice', '198.51.100.1');
    alice1 = v.id;
    assert.equal(v.r.template_source, 'selfie');
    assert.deepEqual(v.r.matches, { num_accounts_linked: 0, accounts_linked: [] });
    assert.deepEqual(codes(v.r), []);
    const row = await rt.deps.db.selectFrom('face_templates').selectAll().where('session_id', '=', alice1).executeTakeFirstOrThrow();
    assert.equal(row.account_id, 'alice');
    assert.match(row.template, /^v1:/, 'sealed with BLOB_ENCRYPTION_KEY');
    assert.ok(row.link_ip && !row.link_ip.includes('198.51'), 'the IP is kept as a keyed hash only');
  });

  it('same face, same account (another photo): not flagged', async () => {
    const v = await verify('A3', 'alice');
    alice2 = v.id;
    assert.deepEqual(codes(v.r), []);
    assert.deepEqual(v.r.matches.accounts_linked, []);
  });

  it('another face under another account: not flagged', async () => {
    const v = await verify('B', 'bob', '192.0.2.7');
    bob = v.id;
    assert.deepEqual(codes(v.r), []);
    assert.deepEqual(v.r.matches.accounts_linked, []);
  });

  it('same face under another account: repeat_face, accounts_linked with face and ip_address, shown in GET /v1/sessions/{id}', async () => {
    const v = await verify('A1', 'mallory');
    assert.deepEqual(codes(v.r), ['repeat_face']);
    assert.equal(v.r.matches.num_accounts_linked, 1);
    const [a] = v.r.matches.accounts_linked;
    assert.equal(a?.account_id, 'alice');
    assert.deepEqual(a?.match_types, ['face', 'ip_address'], 'alice2 shared the IP 203.0.113.9');
    assert.deepEqual(a?.session_ids.sort(), [alice1, alice2].sort());
    const view = (await (await rt.req('GET', `/v1/sessions/${v.id}`)).json()) as { verification: { stages: Array<{ stage: string; result: DupResult }> } };
    const shown = view.verification.stages.find((s) => s.stage === 'duplicates')?.result;
    assert.equal(shown?.matches.accounts_linked[0]?.account_id, 'alice');
    assert.deepEqual(shown?.findings.map((f) => f.code), ['repeat_face']);
  });

  it('an allow-listed account is not flagged repeat_face (the links are still listed)', async () => {
    const add = await rt.req('POST', '/v1/lists/allow', { kind: 'account', value: 'tester' });
    assert.equal(add.status, 201);
    const v = await verify('B', 'tester', '192.0.2.50');
    assert.deepEqual(codes(v.r), []);
    assert.deepEqual(v.r.matches.accounts_linked.map((a) => [a.account_id, a.match_types]), [['bob', ['face']]]);
  });

  it('block lists: a blocked face (by session) and a blocked account decline, a blocked IP goes to review', async () => {
    assert.equal((await rt.req('POST', '/v1/lists/block', { kind: 'face', session_id: bob })).status, 201);
    assert.equal((await rt.req('POST', '/v1/lists/block', { kind: 'account', value: 'carol' })).status, 201);
    assert.equal((await rt.req('POST', '/v1/lists/block', { kind: 'ip', value: '192.0.2.99' })).status, 201);
    const bad = await rt.req('POST', '/v1/lists/block', { kind: 'face', value: 'x' });
    assert.equal(bad.status, 422);
    const v = await verify('B', 'carol', '192.0.2.99');
    assert.deepEqual(codes(v.r), ['blocked_account', 'blocked_face', 'blocked_ip', 'repeat_face']);
    const list = (await (await rt.req('GET', '/v1/lists/block')).json()) as { data: Array<{ kind: string; value: string }> };
    assert.deepEqual(list.data.map((e) => `${e.kind}:${e.value}`).sort(), ['account:carol', `face:session:${bob}`, 'ip:192.0.2.99'].sort());
    assert.equal((await rt.req('DELETE', '/v1/lists/block/account/carol')).status, 200);
    assert.equal((await rt.req('DELETE', '/v1/lists/block/account/carol')).status, 404);
  });

  it('erasing a session removes its template: the face is no longer found', async () => {
    assert.equal((await rt.req('DELETE', `/v1/sessions/${alice1}`)).status, 200);
    assert.equal((await rt.req('DELETE', `/v1/sessions/${alice2}`)).status, 200);
    assert.equal(await rt.deps.db.selectFrom('face_templates').select('seq').where('session_id', 'in', [alice1, alice2]).executeTakeFirst(), undefined);
    const v = await verify('A3', 'zoe', '198.51.100.77');
    assert.deepEqual(v.r.matches.accounts_linked.map((a) => a.account_id), ['mallory'], 'alice is gone; mallory (same face) remains');
  });
});
