import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import type { JobHandlers } from '../../src/queue/catalogue.ts';
import type { JobQueue } from '../../src/queue/port.ts';
import { createSqlQueue } from '../../src/queue/sql-queue.ts';
import { startWorkers } from '../../src/queue/worker.ts';
import { openDatabase } from '../../src/storage/db.ts';
import { TestClock } from '../helpers/runtime.ts';

// A pool's idle slots share one poller: claims while idle do not multiply with the slots, yet a job
// enqueued while the pool is idle is run without anyone draining, and a burst of due jobs fills
// every slot at once.

const noop = async () => undefined;

async function pool(slots: number, verify: JobHandlers['verify-session']) {
  const h = await openDatabase({ sqlitePath: ':memory:' });
  const clock = new TestClock();
  const sql = createSqlQueue(h.db, clock);
  let claims = 0;
  const queue: JobQueue = { ...sql, claim: (...a) => (claims++, sql.claim(...a)) };
  const handlers: JobHandlers = { 'verify-session': verify, 'deliver-webhook': noop, 'expire-sessions': noop, 'purge-retention': noop };
  const w = startWorkers({ queue, handlers, clock, log: createLogger('silent'), pollMs: 20, jobClass: 'verify', concurrency: slots });
  return {
    queue,
    claims: () => claims,
    async close() {
      await w.stop();
      await h.close();
    },
  };
}

test('six idle slots claim about as often as one poller would, and a job enqueued meanwhile runs', async () => {
  let ran!: () => void;
  const done = new Promise<void>((r) => { ran = r; });
  const p = await pool(6, async (payload) => void (payload.sessionId === 'late' && ran()));
  try {
    await new Promise((r) => setTimeout(r, 400));
    // One claim per slot at start, then one per 20-ms tick at most (timers only ever fire late).
    assert.ok(p.claims() <= 6 + 400 / 20 + 2, `${p.claims()} claims in 400 ms of idle`);
    await p.queue.enqueue('verify-session', { sessionId: 'late', projectId: 'p' });
    await done; // no drain: the poller itself finds it
  } finally {
    await p.close();
  }
});

test('a burst of due jobs is spread over every slot at once', async () => {
  const started = new Set<string>();
  let all!: () => void;
  const allStarted = new Promise<void>((r) => { all = r; });
  // Each job holds its slot until all four have started: only four slots claiming side by side finish.
  const p = await pool(4, async (payload) => {
    started.add(payload.sessionId);
    if (started.size === 4) all();
    await allStarted;
  });
  try {
    await new Promise((r) => setTimeout(r, 50)); // every slot idle, three of them waiting for the poller
    for (const id of ['a', 'b', 'c', 'd']) await p.queue.enqueue('verify-session', { sessionId: id, projectId: 'p' });
    await allStarted;
    assert.deepEqual([...started].sort(), ['a', 'b', 'c', 'd']);
  } finally {
    await p.close();
  }
});
