import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { verifyChain } from '../../src/domain/audit-chain.ts';
import { rotateSigningKey } from '../../src/evidence/signing-keys.ts';
import { verifyPack } from '../../src/evidence/verify-pack.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { decidedSession } from '../unit/evidence/decided-session.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('evidence pack: signed JSON + PDF of a decided session, keys at a well-known URL', () => {
  let rt: TestRuntime;
  before(async () => { rt = await makeRuntime(); });
  after(async () => rt.cleanup());

  const keys = async () => (await rt.app.request('/.well-known/vkyc-evidence-keys.json')).json();
  const files = (m: Record<string, Uint8Array>) => ({ read: async (ref: string) => m[ref] ?? null });

  test('the pack holds hashes, reasons with frames, decision history with actors and the chain; it verifies; the PDF matches its hash', async () => {
    const s = await decidedSession(rt);
    const res = await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`);
    assert.equal(res.status, 200);
    const signed = (await res.json()) as Json;
    const { pack } = signed;
    assert.equal(pack.session.id, s.id);
    assert.deepEqual(pack.artifacts.map((a: Json) => [a.kind, a.sha256]), [['evidence_selfie_face', sha(s.crop)], ['selfie', sha(s.selfie)]]);
    assert.equal(pack.reasons[0].code, 'low_quality');
    assert.deepEqual(pack.reasons[0].evidence_frames.map((f: Json) => f.kind), ['evidence_selfie_face', 'selfie']);
    assert.deepEqual(pack.decision_history.map((d: Json) => [d.action, d.result, d.previous_result]), [['decision.auto', 'needs_review', null], ['decision.review', 'approved', 'needs_review']]);
    assert.equal(pack.decision_history[0].actor, 'pipeline');
    assert.match(pack.decision_history[1].actor, /^key_/, 'the reviewer is the API key that called');
    assert.equal(pack.decision_history[1].reviewed_by.name, 'alice');
    assert.ok(pack.models.server.face_embedder.includes('face-api'), 'model names and versions');
    assert.equal(pack.audit.verified_by_server, true);
    assert.equal(pack.audit.records.at(-1).hash, pack.audit.head);
    assert.equal(signed.signature.alg, 'EdDSA');

    const checks = await verifyPack(signed, await keys(), { files: files({ 'artifacts/selfie': s.selfie, 'artifacts/evidence_selfie_face': s.crop }) });
    assert.deepEqual(checks.filter((c) => !c.ok), [], JSON.stringify(checks));
    assert.deepEqual(checks.map((c) => c.check), ['signature', 'audit_chain', 'artifact evidence_selfie_face', 'artifact selfie']);

    const pdfRes = await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack/pdf`);
    assert.equal(pdfRes.status, 200);
    assert.equal(pdfRes.headers.get('content-type'), 'application/pdf');
    const pdf = new Uint8Array(await pdfRes.arrayBuffer());
    assert.equal(Buffer.from(pdf.subarray(0, 5)).toString(), '%PDF-');
    assert.equal(sha(pdf), pack.pdf.sha256, 'the PDF fetched separately is the one the signed JSON names');
    assert.equal((await verifyPack(signed, await keys(), { pdf })).find((c) => c.check === 'pdf')?.ok, true);
    // The same state gives the same signed pack (Ed25519 is deterministic, the pack has no clock).
    assert.deepEqual(await (await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`)).json(), signed);
  });

  test('undecided: 409 session_not_decided; another project\'s session or none: 404', async () => {
    const s = (await (await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()) as { id: string };
    const r = await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`);
    assert.equal(r.status, 409);
    assert.equal(((await r.json()) as Json).error.code, 'session_not_decided');
    assert.equal((await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack/pdf`)).status, 409);
    const none = await rt.req('GET', '/v1/sessions/ses_nope/evidence-pack');
    assert.equal(none.status, 404);
    assert.equal((await rt.app.request(`/v1/sessions/${s.id}/evidence-pack`)).status, 401, 'an API key is needed');
  });

  test('rotation: new packs carry the new kid; a pack signed before still verifies from the published set', async () => {
    const s = await decidedSession(rt);
    const before = (await (await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`)).json()) as Json;
    const { kid, retired } = await rotateSigningKey(rt.deps, rt.projectId);
    assert.deepEqual(retired, [before.signature.kid]);
    const later = (await (await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`)).json()) as Json;
    assert.equal(later.signature.kid, kid);
    const published = (await keys()) as Json;
    assert.equal(published.keys.find((k: Json) => k.kid === before.signature.kid).retired_at !== null, true);
    assert.ok(published.keys.every((k: Json) => !('d' in k)), 'never a private part');
    for (const p of [before, later]) assert.equal((await verifyPack(p, published)).every((c) => c.ok), true);
  });

  test('erase: the pack is gone (404); the audit chain answers, details removed, and still verifies', async () => {
    const s = await decidedSession(rt);
    assert.equal((await rt.req('DELETE', `/v1/sessions/${s.id}`)).status, 200);
    assert.equal((await rt.req('GET', `/v1/sessions/${s.id}`)).status, 404);
    assert.equal((await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`)).status, 404);
    const res = await rt.req('GET', `/v1/sessions/${s.id}/audit`);
    assert.equal(res.status, 200, 'the README promises the audit record stays reachable');
    const trail = ((await res.json()) as Json).data as Json[];
    assert.deepEqual(trail.map((r) => r.action), ['decision.auto', 'decision.review', 'session.erased']);
    assert.ok(!JSON.stringify(trail).includes('Anna'), 'no PII: the reviewer\'s note is gone');
    assert.deepEqual(trail.slice(0, 2).map((r) => r.details), [null, null]);
    assert.equal(typeof trail[2]!.details.blobs_deleted, 'number');
    const check = verifyChain(trail.map((r) => ({ ...r, project_id: rt.projectId, session_id: s.id, details: r.details === null ? null : JSON.stringify(r.details) })) as never);
    assert.deepEqual(check, { ok: true, records: 3, head: trail[2]!.hash });
  });
});

describe('evidence pack from the dashboard: signed-in users of the project', () => {
  test('a signed-in auditor gets the same signed pack; signed out is 401; another project\'s user gets 404', async () => {
    const { serve } = await import('@hono/node-server');
    const { DashClient, makeUser } = await import('../helpers/dashboard-client.ts');
    const { createKey } = await import('../../src/projects/keys.ts');
    const rt = await makeRuntime();
    const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((r) => server.once('listening', r));
    try {
      const base = `http://127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
      const s = await decidedSession(rt);
      const viaApi = await (await rt.req('GET', `/v1/sessions/${s.id}/evidence-pack`)).json();
      const auditor = await makeUser(rt.deps, { login: 'aud', projectId: rt.projectId, roles: ['auditor'] });
      const dash = new DashClient(base);
      assert.equal((await dash.req('GET', `/sessions/${s.id}/evidence-pack`)).status, 401);
      assert.equal((await dash.login(auditor.login, auditor.password)).status, 200);
      const res = await dash.req('GET', `/sessions/${s.id}/evidence-pack`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.deepEqual(await res.json(), viaApi);
      const pdf = await dash.req('GET', `/sessions/${s.id}/evidence-pack/pdf`);
      assert.equal(pdf.headers.get('content-type'), 'application/pdf');
      assert.equal(sha(new Uint8Array(await pdf.arrayBuffer())), (viaApi as Json).pack.pdf.sha256);
      const other = await createKey(rt.deps, 'other-project', 'test');
      const stranger = await makeUser(rt.deps, { login: 'str', projectId: other.project.id, roles: ['admin'] });
      const dash2 = new DashClient(base);
      await dash2.login(stranger.login, stranger.password);
      assert.equal((await dash2.req('GET', `/sessions/${s.id}/evidence-pack`)).status, 404, 'tenant isolation');
    } finally {
      await new Promise((r) => server.close(r));
      await rt.cleanup();
    }
  });
});
