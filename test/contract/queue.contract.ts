import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { JobQueue } from '../../src/queue/port.ts';
import type { TestClock } from '../helpers/runtime.ts';

/** One behaviour suite for every JobQueue adapter. */
export function queueContract(name: string, make: () => Promise<{ queue: JobQueue; clock: TestClock; cleanup(): Promise<void> }>) {
  describe(`JobQueue contract: ${name}`, () => {
    let q: JobQueue;
    let clock: TestClock;
    let cleanup: () => Promise<void>;
    before(async () => ({ queue: q, clock, cleanup } = await make()));
    after(async () => cleanup());

    test('enqueue → claim → complete; a claimed job is not claimed twice', async () => {
      const id = await q.enqueue('expire-sessions', { n: 1 });
      const a = await q.claim('w1', ['expire-sessions'], 30_000);
      assert.equal(a?.id, id);
      assert.deepEqual(a?.payload, { n: 1 });
      assert.equal(a?.attempt, 1);
      assert.equal(await q.claim('w2', ['expire-sessions'], 30_000), null);
      await q.complete(id, 'w1');
      assert.equal((await q.get(id))?.status, 'completed');
    });

    test('run_at in the future is not claimable until due', async () => {
      const id = await q.enqueue('purge-retention', {}, { runAt: new Date(clock.now().getTime() + 60_000) });
      assert.equal(await q.claim('w1', ['purge-retention'], 30_000), null);
      clock.advance(61);
      assert.equal((await q.claim('w1', ['purge-retention'], 30_000))?.id, id);
      await q.complete(id, 'w1');
    });

    test('expired lease → claimable again with attempt + 1 (resume after a crash)', async () => {
      const id = await q.enqueue('verify-session', { sessionId: 's', projectId: 'p' });
      await q.claim('dead-worker', ['verify-session'], 5_000);
      assert.equal(await q.claim('w2', ['verify-session'], 5_000), null);
      clock.advance(6);
      const again = await q.claim('w2', ['verify-session'], 5_000);
      assert.equal(again?.id, id);
      assert.equal(again?.attempt, 2);
      // The dead worker can no longer complete or extend what it lost.
      assert.equal(await q.extend(id, 'dead-worker', 5_000), false);
      await q.complete(id, 'w2');
    });

    test('fail with retryAt re-queues; fail with null is permanent', async () => {
      const id = await q.enqueue('deliver-webhook', { deliveryId: 'd' });
      await q.claim('w', ['deliver-webhook'], 5_000);
      await q.fail(id, 'w', 'boom', new Date(clock.now().getTime() + 10_000));
      const row = await q.get(id);
      assert.equal(row?.status, 'queued');
      assert.equal(row?.last_error, 'boom');
      assert.equal(await q.claim('w', ['deliver-webhook'], 5_000), null);
      clock.advance(11);
      await q.claim('w', ['deliver-webhook'], 5_000);
      await q.fail(id, 'w', 'final', null);
      assert.equal((await q.get(id))?.status, 'failed');
    });

    test('dedupe key: a second enqueue is a no-op while the first exists', async () => {
      const a = await q.enqueue('verify-session', { sessionId: 'x', projectId: 'p' }, { dedupeKey: 'verify:x' });
      const b = await q.enqueue('verify-session', { sessionId: 'x', projectId: 'p' }, { dedupeKey: 'verify:x' });
      assert.equal(a, b);
      const c = await q.claim('w', ['verify-session'], 5_000);
      await q.complete(c!.id, 'w');
    });

    test('release gives a job back without counting the run', async () => {
      const id = await q.enqueue('expire-sessions', {});
      await q.claim('w', ['expire-sessions'], 5_000);
      await q.release(id, 'w');
      const again = await q.claim('w', ['expire-sessions'], 5_000);
      assert.equal(again?.attempt, 1);
      await q.complete(id, 'w');
    });

    test('concurrent claimers never get the same job', async () => {
      const ids = await Promise.all(Array.from({ length: 10 }, () => q.enqueue('purge-retention', {})));
      const claims = await Promise.all(Array.from({ length: 16 }, (_, i) => q.claim(`w${i}`, ['purge-retention'], 5_000)));
      const got = claims.filter(Boolean).map((c) => c!.id);
      assert.equal(new Set(got).size, got.length);
      for (const c of claims) if (c) await q.complete(c.id, `w${claims.indexOf(c)}`);
      assert.ok(got.every((g) => ids.includes(g)));
    });

    test('a claim takes only the names it asks for (concurrency classes have their own slots)', async () => {
      const v = await q.enqueue('class-verify', {});
      const d = await q.enqueue('class-webhook', {});
      assert.equal((await q.claim('w', ['class-webhook'], 5_000))?.id, d);
      assert.equal(await q.claim('w', ['class-webhook'], 5_000), null);
      assert.equal((await q.claim('w', ['class-verify'], 5_000))?.id, v);
      await q.complete(d, 'w');
      await q.complete(v, 'w');
    });

    test('maxPerGroup: a group at its cap is skipped, groups take turns, a finished job frees a slot', async () => {
      const at = (s: number) => ({ runAt: new Date(clock.now().getTime() - s * 1000) });
      const a1 = await q.enqueue('fair', {}, { group: 'a', ...at(40) });
      const a2 = await q.enqueue('fair', {}, { group: 'a', ...at(30) });
      const a3 = await q.enqueue('fair', {}, { group: 'a', ...at(20) });
      const b1 = await q.enqueue('fair', {}, { group: 'b', ...at(10) });
      const claim = async () => (await q.claim('w', ['fair'], 5_000, { maxPerGroup: 2 }))?.id ?? null;
      // Round-robin: a's oldest, then b's oldest although a2 is older, then a2; a3 waits for a slot.
      assert.deepEqual([await claim(), await claim(), await claim(), await claim()], [a1, b1, a2, null]);
      await q.complete(a1, 'w');
      assert.equal(await claim(), a3);
      // Without the option the cap does not apply: a group may take every slot.
      const a4 = await q.enqueue('fair', {}, { group: 'a' });
      assert.equal((await q.claim('w', ['fair'], 5_000))?.id, a4);
      // A dead worker's job (lease run out) does not hold its group's slot.
      clock.advance(6);
      const again = await claim();
      assert.ok(again !== null && [a2, a3, a4, b1].includes(again));
      for (const id of [a2, a3, a4, b1]) await q.complete(id, 'w');
    });
  });
}
