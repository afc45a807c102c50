import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSession } from '../../src/sessions/create-session.ts';
import { listSessions } from '../../src/sessions/list-sessions.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { emitEvent } from '../helpers/events.ts';
import { makeRuntime, type DbKind, type TestRuntime } from '../helpers/runtime.ts';
import { storeArtifact, submitCapture } from '../helpers/session-fixtures.ts';

const profile = { steps: ['selfie' as const], video_mode: 'self_record' as const, video_max_duration: 60, video_language: 'en' as const, document_back: false, accessible: false };

/** Session store behaviour (the one query layer) on every database. */
export function sessionStoreContract(kind: string, _open: unknown) {
  describe(`SessionStore contract: ${kind}`, () => {
    let rt: TestRuntime;
    before(async () => { rt = await makeRuntime({ db: kind as DbKind }); });
    after(async () => rt.cleanup());

    test('JSON fields round-trip; reads are scoped to the project', async () => {
      const s = await createSession(rt.deps, rt.projectId, { profile, expires_in: 600, metadata: { a: [1, { b: 'ü' }] } });
      const r = await loadSession(rt.deps.db, rt.projectId, s.id);
      assert.deepEqual(r.metadata, { a: [1, { b: 'ü' }] });
      assert.deepEqual(r.profile, profile);
      await assert.rejects(loadSession(rt.deps.db, 'prj_other', s.id), /no session/);
    });

    test('keyset pagination is stable and newest first', async () => {
      for (let i = 0; i < 4; i++) {
        await createSession(rt.deps, rt.projectId, { profile, expires_in: 600, external_id: `k${i}` });
        rt.clock.advance(1);
      }
      const p1 = await listSessions(rt.deps, rt.projectId, { limit: 3 });
      const p2 = await listSessions(rt.deps, rt.projectId, { limit: 3, cursor: p1.next_cursor! });
      const all = [...p1.data, ...p2.data].map((s) => s.id);
      assert.equal(new Set(all).size, all.length);
      assert.equal(p1.data[0]?.external_id, 'k3');
    });

    test('event, delivery rows and their outbox jobs commit with the change, and roll back with it; the relay hands them to the queue', async () => {
      await rt.req('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/x' });
      const count = async (table: 'outbox' | 'webhook_events') => Number((await rt.deps.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      const jobs = async () => (await rt.deps.queue.list({ name: 'deliver-webhook', limit: 1000 })).length;
      await rt.deps.relay.flush();
      const before = { outbox: await count('outbox'), events: await count('webhook_events'), jobs: await jobs() };
      await assert.rejects(rt.deps.db.transaction().execute(async (tx) => {
        await emitEvent(rt.deps, tx, rt.projectId, 'video.completed', { session_id: 'x' });
        throw new Error('rollback');
      }));
      assert.deepEqual({ outbox: await count('outbox'), events: await count('webhook_events'), jobs: await jobs() }, before);
      await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.completed', { session_id: 'x' }));
      assert.equal(await count('webhook_events'), before.events + 1);
      assert.equal(await rt.deps.relay.flush(), 1);
      assert.equal(await count('outbox'), before.outbox, 'handed over rows leave the outbox');
      assert.equal(await jobs(), before.jobs + 1);
    });

    test('a session change and its effects commit in one transaction (store → outbox → relay → queue)', async () => {
      const s = await createSession(rt.deps, rt.projectId, { profile, expires_in: 600 });
      await storeArtifact(rt, s.id, 'selfie', new Uint8Array([0xff, 0xd8, 0xff]));
      await submitCapture(rt, s.id);
      const job = await rt.deps.queue.findByDedupeKey(`verify:${s.id}`);
      assert.equal(job?.name, 'verify-session', 'the store handed the job over right after the commit');
      assert.equal((await rt.deps.db.selectFrom('outbox').select('id').where('session_id', '=', s.id).execute()).length, 0);
      // Handing the same job over again (a relay that died before deleting its row) is a no-op.
      await rt.deps.queue.enqueue('verify-session', { sessionId: s.id, projectId: rt.projectId }, { dedupeKey: `verify:${s.id}` });
      const verifyJobs = (await rt.deps.queue.list({ name: 'verify-session', limit: 1000 })).filter((j) => j.payload.sessionId === s.id);
      assert.equal(verifyJobs.length, 1);
    });

    test('HTTP flow works on this database (create, get, idempotency)', async () => {
      const a = await rt.req('POST', '/v1/sessions', { profile: { steps: ['video'] } }, { 'idempotency-key': 'same' });
      const b = await rt.req('POST', '/v1/sessions', { profile: { steps: ['video'] } }, { 'idempotency-key': 'same' });
      assert.equal((await a.json()).id, (await b.json()).id);
    });
  });
}
