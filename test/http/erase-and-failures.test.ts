import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { UnrecoverableError } from '../../src/queue/catalogue.ts';
import type { RealtimeEvent } from '../../src/realtime/port.ts';
import { loadRawSession } from '../../src/sessions/rows.ts';
import { saveEvidence } from '../../src/verification/evidence.ts';
import { z } from 'zod';
import type { Stage } from '../../src/verification/pipeline.ts';
import { faceMatchResult } from '../../src/verification/results/face-match.ts';
import { probeResult } from '../../src/verification/results/probe.ts';
import { sample } from '../helpers/media.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { makeRuntime, type DbKind, type TestRuntime } from '../helpers/runtime.ts';
import { storeArtifact, submitCapture } from '../helpers/session-fixtures.ts';

// Issue 14 item 6: erase is complete (a job still running writes nothing after it; no byte and no
// row of the session is left but the tombstone and its audit trail), and a verification that fails
// for good ends its session with a webhook. Run on SQLite and PostgreSQL.

/** Every file under `dir` (relative paths); [] when it does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Rows of any table whose JSON contains `needle`, by table. */
async function rowsMentioning(rt: TestRuntime, needle: string): Promise<Record<string, unknown[]>> {
  const names = new Set((await rt.deps.db.introspection.getTables()).map((t) => t.name).filter((n) => !n.startsWith('kysely_')));
  const out: Record<string, unknown[]> = {};
  for (const name of names) {
    const rows = await (rt.deps.db as unknown as { selectFrom(t: string): { selectAll(): { execute(): Promise<unknown[]> } } }).selectFrom(name).selectAll().execute();
    const hits = rows.filter((r) => JSON.stringify(r).includes(needle));
    if (hits.length) out[name] = hits;
  }
  return out;
}

/** Nothing of the session left: no blob, part or scratch file; no row but its tombstone, its audit trail and the queue's finished job record. */
async function assertNothingLeft(rt: TestRuntime, sessionId: string, externalId: string) {
  const files = [...(await filesUnder(join(rt.dataDir, 'blobs'))), ...(await filesUnder(join(rt.dataDir, 'tmp'))), ...(await filesUnder(join(rt.dataDir, 'uploads')))];
  assert.deepEqual(files.filter((f) => f.includes(sessionId)), [], 'no file of the session');
  assert.deepEqual(await rowsMentioning(rt, externalId), {}, 'external_id is nowhere');
  // The queue's own records (ids only, purged after 7 days) are the queue's: read through its port.
  const { jobs: queueRecords, ...rows } = await rowsMentioning(rt, sessionId);
  assert.deepEqual(Object.keys(rows).sort().filter((t) => !['audit_log', 'sessions'].includes(t)), [], `only the tombstone, the audit trail and job records: ${JSON.stringify(rows).slice(0, 2000)}`);
  assert.equal(rows.sessions?.length, 1, 'the tombstone');
  // The verify job must show it ended, not waiting to retry.
  const verifyJobs = (await rt.deps.queue.list({ name: 'verify-session', limit: 1000 })).filter((j) => j.payload.sessionId === sessionId);
  assert.equal(verifyJobs.length, queueRecords?.length ?? 0, 'the only queue records of the session are its verify jobs');
  for (const j of verifyJobs) assert.equal(j.state, 'completed', `job ${j.name} ended done`);
  const tomb = await loadRawSession(rt.deps.db, rt.projectId, sessionId);
  assert.ok(tomb?.erased_at);
  assert.equal(tomb?.metadata, null);
  assert.equal(tomb?.client_info, null);
}

for (const db of ['sqlite', 'postgres'] as DbKind[]) {
  describe(`erase and failures (${db})`, () => {
    let rt: TestRuntime;
    // The second stage waits until the test erased the session, then tries to write evidence anyway,
    // as a job in another process would (it cannot see this process's realtime event).
    let entered: () => void = () => undefined;
    let release: () => void = () => undefined;
    let failing = false;
    const stages = (): Stage[] => [
      { name: 'probe', result: probeResult, run: async (ctx) => {
        if (failing) throw new UnrecoverableError('the media cannot be processed');
        await saveEvidence(ctx, 'evidence_selfie_face', await sample(1));
        return { present: true, usable: true, duration_seconds: 4 };
      } },
      { name: 'held', result: z.object({ findings: z.array(z.never()) }), run: async (ctx) => {
        if (!ctx.session.external_id?.startsWith('erase-mid')) return { findings: [] };
        entered();
        await new Promise<void>((r) => { release = r; });
        await saveEvidence(ctx, 'evidence_video_face_1', await sample(2));
        return { findings: [] };
      } },
      { name: 'face_match', result: faceMatchResult, run: async () => ({ face_match_score: 97, threshold: 60, pairs: [], findings: [] }) },
    ];
    before(async () => { rt = await makeRuntime({ db, build: { stages } }); });
    after(async () => { await rt.cleanup(); });

    async function processing(externalId: string): Promise<string> {
      const res = await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie'] }, external_id: externalId, metadata: { customer: externalId } }, { 'idempotency-key': `idem-${externalId}` });
      assert.equal(res.status, 201);
      const { id } = (await res.json()) as { id: string };
      await storeArtifact(rt, id, 'selfie', await sample(1));
      const token = new URL(((await (await rt.req('GET', `/v1/sessions/${id}`)).json()) as { capture_url: string }).capture_url).pathname.split('/').pop()!;
      const info = await rt.app.request('/v1/capture/client-info', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ user_agent: 'UA', timezone: 'Europe/Vienna' }) });
      assert.equal(info.status, 200);
      await submitCapture(rt, id);
      return id;
    }

    test('erase during processing: the running job writes nothing more, and no byte and no row is left', async () => {
      const recv = await startReceiver();
      try {
        assert.equal((await rt.req('POST', '/v1/webhooks', { url: recv.url })).status, 201);
        const seen: RealtimeEvent[] = [];
        const stop = rt.deps.realtime.subscribe(rt.projectId, (e) => seen.push(e));
        const id = await processing('erase-mid-1');
        const inStage = new Promise<void>((r) => { entered = r; });
        const w = rt.startWorkers({ pollMs: 10 });
        await inStage;
        const erased = await rt.req('DELETE', `/v1/sessions/${id}`);
        assert.equal(erased.status, 200);
        release();
        await w.drain(20_000);
        await w.stop();
        stop();

        await assertNothingLeft(rt, id, 'erase-mid-1');
        assert.equal((await rt.req('GET', `/v1/sessions/${id}`)).status, 404);
        assert.equal(recv.received.length, 0, 'no decision was announced for an erased session');
        assert.ok(seen.some((e) => e.type === 'session.erased' && e.sessionId === id), 'listeners heard of the erase');
        const trail = await rt.deps.db.selectFrom('audit_log').select(['action', 'actor', 'details']).where('session_id', '=', id).execute();
        assert.deepEqual(trail.map((a) => a.action), ['session.erased']);
        assert.match(trail[0]!.actor, /^key_/, 'the API key that erased, from authentication');
        assert.equal(JSON.parse(trail[0]!.details!).idempotent_responses_deleted, 1);
      } finally {
        await recv.close();
      }
    });

    test('erase of a decided session removes its webhook payloads, delivery log and idempotent answer', async () => {
      const recv = await startReceiver();
      try {
        assert.equal((await rt.req('POST', '/v1/webhooks', { url: recv.url })).status, 201);
        const id = await processing('erase-done-1');
        const w = rt.startWorkers({ pollMs: 10 });
        await w.drain(20_000);
        await recv.waitFor(1);
        await w.stop();
        assert.equal(JSON.parse(recv.received[0]!.body).data.external_id, 'erase-done-1');
        assert.ok(Object.keys(await rowsMentioning(rt, 'erase-done-1')).includes('webhook_events'), 'the payload was stored');
        assert.equal((await rt.req('DELETE', `/v1/sessions/${id}`)).status, 200);
        await assertNothingLeft(rt, id, 'erase-done-1');
        // A second erase finds nothing (the erase finished: its audit record exists).
        assert.equal((await rt.req('DELETE', `/v1/sessions/${id}`)).status, 404);
      } finally {
        await recv.close();
      }
    });

    test('a verification that fails for good ends its session (state failed) with a video.completed webhook', async () => {
      const recv = await startReceiver();
      failing = true;
      try {
        assert.equal((await rt.req('POST', '/v1/webhooks', { url: recv.url, events: ['video.completed'] })).status, 201);
        const id = await processing('fail-1');
        const w = rt.startWorkers({ pollMs: 10 });
        await w.drain(20_000);
        await recv.waitFor(1);
        await w.stop();
        const hook = recv.received.map((r) => JSON.parse(r.body)).find((b) => b.data.session_id === id);
        assert.equal(hook?.event, 'video.completed');
        assert.equal(hook?.data.status, 'completed');
        assert.equal(hook?.data.result, 'needs_review');
        assert.deepEqual(hook?.data.reasons, ['processing_failed']);
        const view = (await (await rt.req('GET', `/v1/sessions/${id}`)).json()) as { status: string; state: string; result: string; decision: { reasons: Array<{ code: string; details: unknown }> } };
        assert.equal(view.status, 'completed');
        assert.equal(view.state, 'failed');
        assert.equal(view.result, 'needs_review');
        assert.deepEqual(view.decision.reasons.map((r) => [r.code, r.details]), [['processing_failed', { reason: 'job_failed' }]]);
        // A reviewer then decides it: failed → completed, with who decided from the key.
        const rv = await rt.req('POST', `/v1/sessions/${id}/review`, { result: 'declined', reviewer: 'Ann Agent' });
        assert.equal(rv.status, 200);
        const reviewed = (await rv.json()) as { reviewed_by: unknown };
        assert.deepEqual(reviewed.reviewed_by, { kind: 'api_key', id: (await rt.deps.db.selectFrom('api_keys').select('id').executeTakeFirstOrThrow()).id, name: 'Ann Agent', name_source: 'integrator' });
        const after = (await (await rt.req('GET', `/v1/sessions/${id}`)).json()) as { state: string; result: string };
        assert.deepEqual([after.state, after.result], ['completed', 'declined']);
      } finally {
        failing = false;
        await recv.close();
      }
    });
  });
}
