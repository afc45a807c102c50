import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { auditRecordHash, type ChainedRecord, nextLink, verifyChain } from '../../../src/domain/audit-chain.ts';
import { canonicalJson } from '../../../src/domain/canonical-json.ts';
import { readAuditChain } from '../../../src/sessions/audit-trail.ts';
import { backfillAuditChain } from '../../../src/storage/migrations.ts';
import { makeRuntime, type DbKind, type TestRuntime } from '../../helpers/runtime.ts';
import { decidedSession } from './decided-session.ts';

function chainOf(n: number): ChainedRecord[] {
  const out: ChainedRecord[] = [];
  for (let i = 0; i < n; i++) {
    const details = JSON.stringify({ i });
    out.push({ ...nextLink(out.at(-1) ?? null, { id: `aud_${i}`, project_id: 'prj_1', session_id: 'ses_1', action: 'a', actor: 'auto', created_at: `2026-01-01T00:00:0${i}.000Z`, details }), details });
  }
  return out;
}

describe('audit chain (pure)', () => {
  test('canonical JSON sorts keys at every depth and has no whitespace', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, 'x', null], c: true } }), '{"a":{"c":true,"d":[1,"x",null]},"b":1}');
    assert.throws(() => canonicalJson({ x: Number.NaN }), /non-finite/);
  });

  test('an intact chain verifies; each kind of change is named', () => {
    const c = chainOf(4);
    assert.deepEqual(verifyChain(c), { ok: true, records: 4, head: c[3]!.hash });
    const changed = c.map((r, i) => (i === 1 ? { ...r, actor: 'someone' } : r));
    assert.deepEqual(verifyChain(changed), { ok: false, seq: 2, id: 'aud_1', problem: 'the record does not match its hash (a field was changed)' });
    const removed = [c[0]!, c[2]!, c[3]!];
    assert.equal((verifyChain(removed) as { problem: string }).problem, 'sequence gap: expected 2, found 3');
    // Renumbered and rehashed after a removal: the link to the previous record still breaks.
    const rehashed = { ...c[2]!, seq: 2 };
    assert.match((verifyChain([c[0]!, { ...rehashed, hash: auditRecordHash(rehashed) }]) as { problem: string }).problem, /prev_hash does not match/);
    assert.equal((verifyChain(c.map((r, i) => (i === 0 ? { ...r, details: '{"i":9}' } : r))) as { problem: string }).problem, 'details do not match details_sha256');
    assert.equal(verifyChain(c.map((r) => ({ ...r, details: null }))).ok, true, 'erased details: the chain still verifies');
  });
});

for (const db of ['sqlite', 'postgres'] as DbKind[]) {
  describe(`audit chain on ${db}`, () => {
    let rt: TestRuntime;
    after(async () => rt?.cleanup());

    test('concurrent writers on one session: every record lands in one unbroken chain', async () => {
      rt = await makeRuntime({ db });
      const s = await decidedSession(rt, { review: false });
      // 12 claims at once: each is an audit record written under the session's row lock.
      const answers = await Promise.all(Array.from({ length: 12 }, () => rt.req('POST', `/v1/sessions/${s.id}/review/claim`, {})));
      assert.deepEqual(answers.map((a) => a.status), Array(12).fill(200));
      const chain = await readAuditChain(rt.deps.db, rt.projectId, s.id);
      assert.equal(chain.length, 13, 'decision.auto + 12 claims');
      assert.deepEqual(chain.map((r) => r.seq), Array.from({ length: 13 }, (_, i) => i + 1));
      assert.equal(verifyChain(chain).ok, true);
    });

    test('migration 015 backfill chains records written before it, per session, in write order', async () => {
      const rows = [
        { id: 'aud_b', session_id: 'ses_x', created_at: '2026-01-01T00:00:02.000Z', details: null },
        { id: 'aud_a', session_id: 'ses_x', created_at: '2026-01-01T00:00:01.000Z', details: '{"result":"approved"}' },
        { id: 'aud_c', session_id: 'ses_y', created_at: '2026-01-01T00:00:01.000Z', details: null },
      ];
      for (const r of rows) {
        await rt.deps.db.insertInto('audit_log').values({ ...r, project_id: rt.projectId, action: 'decision.auto', actor: 'auto', seq: null, prev_hash: null, hash: null, details_sha256: null }).execute();
      }
      await backfillAuditChain(rt.deps.db as never);
      const x = await readAuditChain(rt.deps.db, rt.projectId, 'ses_x');
      assert.deepEqual(x.map((r) => [r.id, r.seq]), [['aud_a', 1], ['aud_b', 2]]);
      assert.equal(x[1]!.prev_hash, x[0]!.hash);
      assert.equal(verifyChain(x).ok, true);
      const y = await readAuditChain(rt.deps.db, rt.projectId, 'ses_y');
      assert.deepEqual(y.map((r) => [r.seq, r.prev_hash]), [[1, null]]);
    });
  });
}
