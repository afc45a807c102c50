import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { iso } from '../../src/domain/time.ts';
import { storeTemplate } from '../../src/duplicates/templates.ts';
import type { RealtimeEvent } from '../../src/realtime/port.ts';
import { deleteKeys, REDIS_URL } from '../helpers/redis.ts';
import { makeTwoNodes, type TestRuntime } from '../helpers/runtime.ts';

// What two API/worker nodes of one deployment (one PostgreSQL schema, the real Redis) must share:
// realtime events (a state change on one node reaches a listener on the other), idempotency keys
// (a retry on the other node replays; racing requests on both create one session), and the
// duplicate-face index (each node's index is rebuilt from face_templates and follows it, including
// a row that commits after a higher-numbered one). Rate limits across nodes: rate-limits-shared.test.ts.

const prefix = `vkyc-test-${randomBytes(4).toString('hex')}:`;
let nodes: Awaited<ReturnType<typeof makeTwoNodes>> | undefined;
let a: TestRuntime;
let b: TestRuntime;

before(async () => {
  nodes = await makeTwoNodes({ REDIS_URL, REDIS_PREFIX: prefix });
  ({ a, b } = nodes);
});
after(async () => {
  await nodes?.cleanup();
  await deleteKeys(prefix);
});

/** A request to `rt` with node A's project key (both nodes serve every project of the database). */
const call = (rt: TestRuntime, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  Promise.resolve(rt.app.request(path, { method, headers: { authorization: `Bearer ${a.apiKey}`, 'content-type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body) }));

test('a session canceled through node A reaches a realtime listener on node B', async () => {
  const got: RealtimeEvent[] = [];
  let arrived!: () => void;
  const done = new Promise<void>((r) => (arrived = r));
  const stop = b.deps.realtime.subscribe(a.projectId, (e) => {
    got.push(e);
    if (e.type === 'session.state_changed' && e.data.state === 'canceled') arrived();
  });
  await b.deps.realtime.ready?.();
  const s = (await (await call(a, 'POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()) as { id: string };
  assert.equal((await call(a, 'POST', `/v1/sessions/${s.id}/cancel`)).status, 200);
  const timer = setTimeout(() => arrived(), 10_000);
  await done;
  clearTimeout(timer);
  stop();
  const ev = got.find((e) => e.type === 'session.state_changed' && e.data.state === 'canceled');
  assert.ok(ev, `the cancel event reached node B; got ${JSON.stringify(got.map((e) => e.type))}`);
  assert.equal(ev.sessionId, s.id);
});

describe('idempotency keys are shared through the database', () => {
  test('a retry on the other node replays the first answer; another body is a conflict on either', async () => {
    const key = `idem-${randomBytes(4).toString('hex')}`;
    const body = { profile: { steps: ['selfie'] }, external_id: key };
    const first = await call(a, 'POST', '/v1/sessions', body, { 'idempotency-key': key });
    assert.equal(first.status, 201);
    const again = await call(b, 'POST', '/v1/sessions', body, { 'idempotency-key': key });
    assert.equal(again.status, 201);
    assert.equal(((await again.json()) as { id: string }).id, ((await first.json()) as { id: string }).id);
    const other = await call(b, 'POST', '/v1/sessions', { ...body, external_id: 'other' }, { 'idempotency-key': key });
    assert.equal(other.status, 409);
    assert.equal(((await other.json()) as { error: { code: string } }).error.code, 'idempotency_conflict');
  });

  test('the same key sent to both nodes at once creates one session', async () => {
    const keys = Array.from({ length: 6 }, () => `race-${randomBytes(4).toString('hex')}`);
    const answers = await Promise.all(keys.flatMap((key) => [a, b].map(async (rt) => {
      const res = await call(rt, 'POST', '/v1/sessions', { profile: { steps: ['selfie'] }, external_id: key }, { 'idempotency-key': key });
      return { key, status: res.status, body: (await res.json()) as { id?: string; error?: { code: string } } };
    })));
    for (const key of keys) {
      const mine = answers.filter((x) => x.key === key);
      // Each pair: both 201 with one id (the second replayed), or 201 + 409 "still in progress".
      const ok = mine.filter((x) => x.status === 201);
      assert.ok(ok.length >= 1, `one request with ${key} succeeded`);
      assert.equal(new Set(ok.map((x) => x.body.id)).size, 1);
      for (const x of mine.filter((x) => x.status !== 201)) assert.deepEqual([x.status, x.body.error?.code], [409, 'idempotency_conflict']);
      const rows = await a.deps.db.selectFrom('sessions').select('id').where('project_id', '=', a.projectId).where('external_id', '=', key).execute();
      assert.equal(rows.length, 1, `exactly one session for ${key}`);
    }
  });
});

function vec(seed: number): Float32Array {
  let x = seed * 9301 + 49297;
  const v = new Float32Array(128);
  for (let i = 0; i < 128; i++) {
    x = (x * 233280 + 12345) % 2147483647;
    v[i] = ((x % 1000) / 1000 - 0.5) * 0.25;
  }
  return v;
}

test('the face index of each node follows face_templates, even when a lower seq commits after a higher one', async () => {
  const session = async () => ((await (await call(a, 'POST', '/v1/sessions', { profile: { steps: ['selfie'] } })).json()) as { id: string }).id;
  const find = async (rt: TestRuntime, v: Float32Array) => (await rt.deps.faceIndex.search(a.projectId, v, { k: 3, maxDistance: 0.1 })).map((h) => h.seq);
  const seqOf = async (sessionId: string) => Number((await a.deps.db.selectFrom('face_templates').select('seq').where('session_id', '=', sessionId).executeTakeFirstOrThrow()).seq);

  // Stored by a worker on node A, found by node B's index (B never saw the write).
  const s1 = await session();
  await storeTemplate(a.deps, { projectId: a.projectId, sessionId: s1, accountId: null, template: vec(1), links: {} });
  assert.deepEqual(await find(b, vec(1)), [await seqOf(s1)]);

  // Worker X inserts a template (seq n) and has not committed; worker Y stores the next one
  // (seq n+1) and B's index syncs past it; then X commits.
  const s2 = await session();
  const s3 = await session();
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let inserted!: () => void;
  const insertedP = new Promise<void>((r) => (inserted = r));
  const slow = a.deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('face_templates').values({ project_id: a.projectId, session_id: s2, account_id: null, template: a.deps.templateCodec.encode(s2, vec(2)), created_at: iso(a.deps.clock.now()) }).execute();
    inserted();
    await gate;
  });
  await insertedP;
  await storeTemplate(b.deps, { projectId: a.projectId, sessionId: s3, accountId: null, template: vec(3), links: {} });
  assert.deepEqual(await find(b, vec(3)), [await seqOf(s3)]);
  assert.deepEqual(await find(b, vec(2)), [], 'not committed yet: invisible');
  release();
  await slow;
  assert.ok((await seqOf(s2)) < (await seqOf(s3)), 'the late row has the lower seq');
  assert.deepEqual(await find(b, vec(2)), [await seqOf(s2)], 'B picks up the late commit below its highest seq');
  assert.deepEqual(await find(a, vec(2)), [await seqOf(s2)], 'and so does A');
});
