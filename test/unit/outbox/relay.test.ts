import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { writeOutbox } from '../../../src/outbox/outbox.ts';
import { createOutboxRelay } from '../../../src/outbox/relay.ts';
import type { JobQueue } from '../../../src/queue/port.ts';
import { createSqlQueue } from '../../../src/queue/sql-queue.ts';
import { createMemoryBus } from '../../../src/realtime/memory-bus.ts';
import type { RealtimeEvent } from '../../../src/realtime/port.ts';
import { openDatabase, type DbHandle } from '../../../src/storage/db.ts';
import { createLogger } from '../../../src/log.ts';
import { TestClock } from '../../helpers/runtime.ts';

// The outbox relay against a real database, queue and bus: rows committed with a change reach the
// queue and the bus, a failed hand-over is retried, and a row handed over twice (a relay that died
// before deleting it) reaches consumers once, by dedupe key and event id.

let dir: string;
let h: DbHandle;
const clock = new TestClock(new Date('2026-01-01T00:00:00Z'));
const log = createLogger('silent');
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vkyc-relay-'));
  h = await openDatabase({ sqlitePath: join(dir, 'db.sqlite') });
});
after(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

const write = (sessionId: string) => h.db.transaction().execute((tx) => writeOutbox(tx, clock.now().toISOString(), 'prj_1', sessionId, [
  { kind: 'job', name: 'verify-session', payload: { sessionId, projectId: 'prj_1' }, dedupeKey: `verify:${sessionId}` },
  { kind: 'realtime', type: 'session.state_changed', data: { session_id: sessionId, state: 'processing' } },
]));
const jobsOf = async (sessionId: string) => (await createSqlQueue(h.db, clock).list({ name: 'verify-session', limit: 1000 })).filter((j) => j.payload.sessionId === sessionId).length;
const outboxRows = async () => (await h.db.selectFrom('outbox').select('id').execute()).length;

test('dispatch hands the committed rows to the queue and the bus, then deletes them', async () => {
  const bus = createMemoryBus();
  const seen: RealtimeEvent[] = [];
  bus.subscribe('prj_1', (e) => seen.push(e));
  bus.subscribe('prj_other', () => assert.fail('another project hears nothing'));
  const relay = createOutboxRelay({ db: h.db, queue: createSqlQueue(h.db, clock), bus, clock, log });
  const ids = await write('ses_a');
  await relay.dispatch(ids);
  assert.equal(await jobsOf('ses_a'), 1);
  assert.deepEqual(seen.map((e) => [e.type, e.sessionId, e.data.state]), [['session.state_changed', 'ses_a', 'processing']]);
  assert.equal(seen[0]!.id, ids[1], 'the event id is the outbox row id (stable across re-publication)');
  assert.equal(await outboxRows(), 0);
});

test('a failed hand-over stays in the outbox and the poll retries it after retryMs', async () => {
  let down = true;
  const real = createSqlQueue(h.db, clock);
  const flaky: JobQueue = { ...real, enqueue: async (...a) => { if (down) throw new Error('queue down'); return real.enqueue(...a); } };
  const relay = createOutboxRelay({ db: h.db, queue: flaky, bus: createMemoryBus(), clock, log, retryMs: 5000 });
  const ids = await write('ses_b');
  await relay.dispatch(ids);
  assert.equal(await jobsOf('ses_b'), 0);
  assert.equal(await outboxRows(), 1, 'the job row waits; the realtime row went');
  down = false;
  assert.equal(await relay.flush(), 0, 'not before retryMs');
  clock.advance(6);
  assert.equal(await relay.flush(), 1);
  assert.equal(await jobsOf('ses_b'), 1);
  assert.equal(await outboxRows(), 0);
});

test('at least once: a row handed over again after its relay died reaches consumers once', async () => {
  const bus = createMemoryBus();
  const seen: string[] = [];
  bus.subscribe('prj_1', (e) => seen.push(e.id));
  const queue = createSqlQueue(h.db, clock);
  const ids = await write('ses_c');
  // Relay A hands both rows over and dies before deleting them: simulated by publishing and
  // enqueueing exactly what it would have, then leaving the rows (their lease runs out).
  const rows = await h.db.selectFrom('outbox').selectAll().where('id', 'in', ids).execute();
  await queue.enqueue('verify-session', { sessionId: 'ses_c', projectId: 'prj_1' }, { dedupeKey: 'verify:ses_c' });
  const rt = rows.find((r) => r.kind === 'realtime')!;
  await bus.publish({ id: rt.id, type: 'session.state_changed', projectId: 'prj_1', sessionId: 'ses_c', data: {}, at: rt.created_at });
  await h.db.updateTable('outbox').set({ locked_until: new Date(clock.now().getTime() + 30_000).toISOString() }).where('id', 'in', ids).execute();
  const relayB = createOutboxRelay({ db: h.db, queue, bus, clock, log });
  assert.equal(await relayB.flush(), 0, 'rows held by a live relay are left alone');
  clock.advance(31);
  assert.equal(await relayB.flush(), 2);
  assert.equal(await jobsOf('ses_c'), 1, 'the dedupe key made the second enqueue a no-op');
  assert.deepEqual(seen, [rt.id], 'the bus dropped the repeated event id');
});

test('start/stop: the poll picks up rows nobody dispatched (a process that died after its commit)', async () => {
  const relay = createOutboxRelay({ db: h.db, queue: createSqlQueue(h.db, clock), bus: createMemoryBus(), clock, log, pollMs: 20 });
  await write('ses_d');
  relay.start();
  for (let i = 0; i < 100 && (await outboxRows()) > 0; i++) await new Promise((r) => setTimeout(r, 20));
  await relay.stop();
  assert.equal(await outboxRows(), 0);
  assert.equal(await jobsOf('ses_d'), 1);
});
