import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { catalogue, type JobHandlers, UnrecoverableError } from '../../src/queue/catalogue.ts';
import { createSqlQueue } from '../../src/queue/sql-queue.ts';
import { startWorkers } from '../../src/queue/worker.ts';
import { openDatabase } from '../../src/storage/db.ts';
import { TestClock } from '../helpers/runtime.ts';

// The job runner's give-up hook: called exactly once per job, when it fails for the last time
// (final attempt, or an UnrecoverableError), never for a failure that will be retried.

test('onGiveUp runs once, after the last attempt or at once for an unrecoverable error, with the payload', async () => {
  const h = await openDatabase({ sqlitePath: ':memory:' });
  const clock = new TestClock();
  const queue = createSqlQueue(h.db, clock);
  const gaveUp: Array<{ sessionId: string; error: string }> = [];
  let attempts = 0;
  const noop = async () => undefined;
  const handlers: JobHandlers = {
    'verify-session': async (p) => {
      attempts++;
      if (p.sessionId === 'fatal') throw new UnrecoverableError('cannot ever work');
      throw new Error('transient');
    },
    'deliver-webhook': noop, 'expire-sessions': noop, 'purge-retention': noop,
  };
  // The attempts come from the catalogue, not from the caller.
  const maxAttempts = catalogue['verify-session'].retry.maxAttempts;
  await queue.enqueue('verify-session', { sessionId: 'flaky', projectId: 'p' });
  await queue.enqueue('verify-session', { sessionId: 'fatal', projectId: 'p' });
  const w = startWorkers({
    queue, handlers, clock, log: createLogger('silent'), pollMs: 5, jobClass: 'verify',
    onGiveUp: { 'verify-session': async (p, info) => void gaveUp.push({ sessionId: p.sessionId, error: info.error }) },
  });
  try {
    for (let i = 0; i < maxAttempts + 3; i++) {
      await w.drain(10_000);
      clock.advance(3600); // past any backoff
    }
  } finally {
    await w.stop();
    await h.close();
  }
  assert.equal(attempts, maxAttempts + 1, `flaky: ${maxAttempts} attempts; fatal: 1`);
  assert.deepEqual(gaveUp.map((g) => g.sessionId).sort(), ['fatal', 'flaky']);
  assert.match(gaveUp.find((g) => g.sessionId === 'fatal')!.error, /cannot ever work/);
});
