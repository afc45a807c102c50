import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runMultinode } from '../../bench/multinode/run.ts';

// The multi-node run at test size (bench:multinode runs 50 sessions, 1 vs 2 workers): PostgreSQL +
// Redis + an S3 server, 2 API node processes behind a round-robin proxy, 2 worker processes, 6
// self-record sessions with generated face media through the capture API, the video uploaded in 3
// resumable chunks that alternate between the nodes, one worker SIGKILLed mid-run and restarted.
// Every session is decided exactly once and its decision webhook delivered; nothing is lost.

test('2 API nodes + 2 workers, a worker killed -9 mid-run: every session decided once, every webhook delivered', { timeout: 15 * 60_000 }, async () => {
  const r = await runMultinode({ sessions: 6, workers: 2, kills: 1, budgetMs: 12 * 60_000, clients: 1, log: (s) => process.stderr.write(`# multinode: ${s}\n`) });
  process.stderr.write(`# multinode: ${JSON.stringify(r)}\n`);
  assert.equal(r.sessions, 6);
  assert.equal(r.killsDone, 1, 'the worker was killed mid-run');
  assert.deepEqual(r.undecided, [], 'no session left undecided');
  assert.deepEqual(r.undelivered, [], 'no decision webhook lost');
  assert.deepEqual(r.duplicated, [], 'no session decided, announced or delivered twice');
  assert.equal(r.decidedOnce, 6);
  assert.equal(r.eventOnce, 6);
  assert.equal(r.deliveredOnce, 6);
  assert.equal(r.uploadsOnBothNodes, 6, 'every resumable upload was split over both API nodes');
  assert.ok(r.servedPerNode.every((n) => n > 0));
});
