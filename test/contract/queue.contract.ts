import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { catalogue, type JobClass, type JobName } from '../../src/queue/catalogue.ts';
import { JobInputError } from '../../src/queue/job-input.ts';
import type { JobQueue } from '../../src/queue/port.ts';
import type { TestClock } from '../helpers/runtime.ts';

/**
 * One behaviour suite for every JobQueue adapter, through a factory (adapters.test.ts). Time moves
 * with the adapter's injected clock (`clock.advance`), never with sleeps. Open point for the BullMQ
 * adapter (issue 18): due times can follow an injected clock, but Redis expires locks in real time,
 * so the lease tests there need the factory's `advance` to wait out short leases.
 */
export function queueContract(name: string, make: () => Promise<{ queue: JobQueue; clock: TestClock; cleanup(): Promise<void> }>) {
  describe(`JobQueue contract: ${name}`, () => {
    let q: JobQueue;
    let clock: TestClock;
    let cleanup: () => Promise<void>;
    before(async () => ({ queue: q, clock, cleanup } = await make()));
    after(async () => cleanup());

    test('enqueue → claim → complete; a claimed job is not claimed twice', async () => {
      const id = await q.enqueue('expire-sessions', { n: 1 });
      const a = await q.claim('w1', 'maintenance', 30_000);
      assert.equal(a?.id, id);
      assert.deepEqual(a?.payload, { n: 1 });
      assert.equal(a?.attempt, 1);
      assert.equal(await q.claim('w2', 'maintenance', 30_000), null);
      await q.complete(id, 'w1');
      assert.equal((await q.get(id))?.state, 'completed');
    });

    test('run_at in the future is not claimable until due', async () => {
      const id = await q.enqueue('purge-retention', {}, { runAt: new Date(clock.now().getTime() + 60_000) });
      assert.equal(await q.claim('w1', 'maintenance', 30_000), null);
      clock.advance(61);
      assert.equal((await q.claim('w1', 'maintenance', 30_000))?.id, id);
      await q.complete(id, 'w1');
    });

    test('expired lease → claimable again with attempt + 1 (resume after a crash)', async () => {
      const id = await q.enqueue('verify-session', { sessionId: 's', projectId: 'p' });
      await q.claim('dead-worker', 'verify', 5_000);
      assert.equal(await q.claim('w2', 'verify', 5_000), null);
      clock.advance(6);
      const again = await q.claim('w2', 'verify', 5_000);
      assert.equal(again?.id, id);
      assert.equal(again?.attempt, 2);
      // The dead worker can no longer complete or extend what it lost.
      assert.equal(await q.extend(id, 'dead-worker', 5_000), false);
      await q.complete(id, 'w2');
    });

    test('fail with retryAt re-queues; fail with null is permanent', async () => {
      const id = await q.enqueue('deliver-webhook', { deliveryId: 'd' });
      await q.claim('w', 'webhook', 5_000);
      await q.fail(id, 'w', 'boom', new Date(clock.now().getTime() + 10_000));
      const row = await q.get(id);
      assert.equal(row?.state, 'delayed');
      assert.equal(row?.lastError, 'boom');
      assert.equal(await q.claim('w', 'webhook', 5_000), null);
      clock.advance(11);
      await q.claim('w', 'webhook', 5_000);
      await q.fail(id, 'w', 'final', null);
      assert.equal((await q.get(id))?.state, 'failed');
    });

    test('dedupe key: a second enqueue is a no-op while the first exists', async () => {
      const a = await q.enqueue('verify-session', { sessionId: 'x', projectId: 'p' }, { dedupeKey: 'verify:x' });
      const b = await q.enqueue('verify-session', { sessionId: 'x', projectId: 'p' }, { dedupeKey: 'verify:x' });
      assert.equal(a, b);
      const c = await q.claim('w', 'verify', 5_000);
      await q.complete(c!.id, 'w');
    });

    test('release gives a job back without counting the run', async () => {
      const id = await q.enqueue('expire-sessions', {});
      await q.claim('w', 'maintenance', 5_000);
      await q.release(id, 'w');
      const again = await q.claim('w', 'maintenance', 5_000);
      assert.equal(again?.attempt, 1);
      await q.complete(id, 'w');
    });

    test('concurrent claimers never get the same job', async () => {
      const ids = await Promise.all(Array.from({ length: 10 }, () => q.enqueue('purge-retention', {})));
      const claims = await Promise.all(Array.from({ length: 16 }, (_, i) => q.claim(`w${i}`, 'maintenance', 5_000)));
      const got = claims.filter(Boolean).map((c) => c!.id);
      assert.equal(new Set(got).size, got.length);
      for (const c of claims) if (c) await q.complete(c.id, `w${claims.indexOf(c)}`);
      assert.ok(got.every((g) => ids.includes(g)));
    });

    test('a claim takes only the names it asks for (concurrency classes have their own slots)', async () => {
      const v = await q.enqueue('verify-session', { sessionId: 'class', projectId: 'p' });
      const d = await q.enqueue('deliver-webhook', { deliveryId: 'class' });
      assert.equal((await q.claim('w', 'webhook', 5_000))?.id, d);
      assert.equal(await q.claim('w', 'webhook', 5_000), null);
      assert.equal((await q.claim('w', 'verify', 5_000))?.id, v);
      await q.complete(d, 'w');
      await q.complete(v, 'w');
    });

    test('maxPerGroup: a group at its cap is skipped, groups take turns, a finished job frees a slot', async () => {
      const at = (s: number) => ({ runAt: new Date(clock.now().getTime() - s * 1000) });
      const fair = { deliveryId: 'fair' };
      const a1 = await q.enqueue('deliver-webhook', fair, { group: 'a', ...at(40) });
      const a2 = await q.enqueue('deliver-webhook', fair, { group: 'a', ...at(30) });
      const a3 = await q.enqueue('deliver-webhook', fair, { group: 'a', ...at(20) });
      const b1 = await q.enqueue('deliver-webhook', fair, { group: 'b', ...at(10) });
      const claim = async () => (await q.claim('w', 'webhook', 5_000, { maxPerGroup: 2 }))?.id ?? null;
      // Round-robin: a's oldest, then b's oldest although a2 is older, then a2; a3 waits for a slot.
      assert.deepEqual([await claim(), await claim(), await claim(), await claim()], [a1, b1, a2, null]);
      await q.complete(a1, 'w');
      assert.equal(await claim(), a3);
      // Without the option the cap does not apply: a group may take every slot.
      const a4 = await q.enqueue('deliver-webhook', fair, { group: 'a' });
      assert.equal((await q.claim('w', 'webhook', 5_000))?.id, a4);
      // A dead worker's job (lease run out) does not hold its group's slot.
      clock.advance(6);
      const again = await claim();
      assert.ok(again !== null && [a2, a3, a4, b1].includes(again));
      for (const id of [a2, a3, a4, b1]) await q.complete(id, 'w');
    });

    // The verbs below replace what callers used to read from the table: the neutral job shape,
    // the dedupe lookup of the stuck-session sweep, the prune of purge-retention, test inspection.

    /** Claims until `id` comes up, completing what earlier tests left due in the class. */
    const claimThis = async (id: string, cls: JobClass) => {
      for (let c = await q.claim('w', cls, 5_000); c; c = await q.claim('w', cls, 5_000)) {
        if (c.id === id) return c;
        await q.complete(c.id, 'w');
      }
      assert.fail(`job ${id} was not claimable`);
    };

    test('the catalogue owns the retry policy: attempts come from it, not from the caller', async () => {
      const id = await q.enqueue('deliver-webhook', { deliveryId: 'policy' });
      assert.equal((await q.get(id))?.maxAttempts, catalogue['deliver-webhook'].retry.maxAttempts);
      const c = await claimThis(id, 'webhook');
      assert.equal(c?.maxAttempts, catalogue['deliver-webhook'].retry.maxAttempts);
      await q.complete(id, 'w');
    });

    test('enqueue refuses a name, payload or option the catalogue does not allow, and stores nothing', async () => {
      const refused = async (p: Promise<unknown>, code: string) => {
        await assert.rejects(p, (e: unknown) => e instanceof JobInputError && e.code === code);
      };
      const before = (await q.list({ name: 'verify-session', limit: 1000 })).length;
      await refused(q.enqueue('no-such-job' as JobName, {} as never), 'job_name_unknown');
      await refused(q.enqueue('verify-session', { sessionId: 's' } as never), 'job_payload_invalid');
      await refused(q.enqueue('verify-session', { sessionId: 7, projectId: 'p' } as never), 'job_payload_invalid');
      // A retry count at a call site is exactly what the catalogue replaced: refused, not ignored.
      await refused(q.enqueue('verify-session', { sessionId: 's', projectId: 'p' }, { maxAttempts: 9 } as never), 'job_options_invalid');
      await refused(q.enqueue('verify-session', { sessionId: 's', projectId: 'p' }, { runAt: new Date(Number.NaN) }), 'job_options_invalid');
      await refused(q.enqueue('verify-session', { sessionId: 's', projectId: 'p' }, { dedupeKey: '' }), 'job_options_invalid');
      assert.equal((await q.list({ name: 'verify-session', limit: 1000 })).length, before);
    });

    test('get shows a neutral shape through every state', async () => {
      const runAt = new Date(clock.now().getTime() + 30_000);
      const id = await q.enqueue('deliver-webhook', { deliveryId: 'states' }, { runAt, group: 'g-states' });
      assert.deepEqual(await q.get(id), {
        id, name: 'deliver-webhook', payload: { deliveryId: 'states' }, group: 'g-states', state: 'delayed',
        attempts: 0, maxAttempts: catalogue['deliver-webhook'].retry.maxAttempts, runAt, lastError: null,
      });
      clock.advance(31);
      assert.equal((await q.get(id))?.state, 'waiting');
      await claimThis(id, 'webhook');
      const active = await q.get(id);
      assert.deepEqual([active?.state, active?.attempts], ['active', 1]);
      // A worker that died: once its lease ran out the job is waiting again.
      clock.advance(6);
      assert.equal((await q.get(id))?.state, 'waiting');
      await claimThis(id, 'webhook');
      await q.complete(id, 'w');
      assert.equal((await q.get(id))?.state, 'completed');
      assert.equal(await q.get('job_does-not-exist'), null);
    });

    test('findByDedupeKey finds the unfinished job holding a key, and nothing once it finished', async () => {
      assert.equal(await q.findByDedupeKey('verify:dk'), null);
      const id = await q.enqueue('verify-session', { sessionId: 'dk', projectId: 'p' }, { dedupeKey: 'verify:dk' });
      assert.deepEqual([(await q.findByDedupeKey('verify:dk'))?.id, (await q.findByDedupeKey('verify:dk'))?.state], [id, 'waiting']);
      await claimThis(id, 'verify');
      assert.equal((await q.findByDedupeKey('verify:dk'))?.state, 'active');
      await q.fail(id, 'w', 'retry me', new Date(clock.now().getTime() + 1_000));
      assert.equal((await q.findByDedupeKey('verify:dk'))?.state, 'delayed');
      clock.advance(2);
      await claimThis(id, 'verify');
      await q.fail(id, 'w', 'final', null);
      assert.equal(await q.findByDedupeKey('verify:dk'), null);
      // The key is free again: a new job may take it.
      const next = await q.enqueue('verify-session', { sessionId: 'dk', projectId: 'p' }, { dedupeKey: 'verify:dk' });
      assert.notEqual(next, id);
      assert.equal((await q.findByDedupeKey('verify:dk'))?.id, next);
      await claimThis(next, 'verify');
      await q.complete(next, 'w');
      assert.equal(await q.findByDedupeKey('verify:dk'), null);
    });

    test('list: jobs of one name and group, oldest first, bounded by limit', async () => {
      const x1 = await q.enqueue('deliver-webhook', { deliveryId: 'x1' }, { group: 'g-list' });
      clock.advance(1);
      const x2 = await q.enqueue('deliver-webhook', { deliveryId: 'x2' }, { group: 'g-list' });
      clock.advance(1);
      await q.enqueue('deliver-webhook', { deliveryId: 'y1' }, { group: 'g-other' });
      const listed = await q.list({ name: 'deliver-webhook', group: 'g-list' });
      assert.deepEqual(listed.map((j) => [j.id, j.payload.deliveryId, j.state]), [[x1, 'x1', 'waiting'], [x2, 'x2', 'waiting']]);
      assert.deepEqual((await q.list({ name: 'deliver-webhook', group: 'g-list', limit: 1 })).map((j) => j.id), [x1]);
      assert.deepEqual(await q.list({ name: 'verify-session', group: 'g-list' }), []);
      for (let c = await q.claim('w', 'webhook', 5_000); c; c = await q.claim('w', 'webhook', 5_000)) await q.complete(c.id, 'w');
    });

    test('remove takes a job that is not running; a live lease keeps it', async () => {
      const waiting = await q.enqueue('expire-sessions', {});
      assert.equal(await q.remove(waiting), true);
      assert.equal(await q.get(waiting), null);
      assert.equal(await q.remove(waiting), false);
      const running = await q.enqueue('expire-sessions', {});
      await claimThis(running, 'maintenance');
      assert.equal(await q.remove(running), false);
      assert.equal((await q.get(running))?.state, 'active');
      await q.complete(running, 'w');
      assert.equal(await q.remove(running), true);
    });

    test('prune deletes finished jobs older than the cutoff, never unfinished ones', async () => {
      const old = await q.enqueue('purge-retention', {});
      await claimThis(old, 'maintenance');
      await q.complete(old, 'w');
      const queued = await q.enqueue('purge-retention', {}, { runAt: new Date(clock.now().getTime() + 3_600_000) });
      clock.advance(100);
      const cutoff = clock.now();
      clock.advance(100);
      const recent = await q.enqueue('purge-retention', {});
      await claimThis(recent, 'maintenance');
      await q.fail(recent, 'w', 'final', null);
      assert.ok((await q.prune(cutoff)) >= 1);
      assert.equal(await q.get(old), null);
      assert.equal((await q.get(recent))?.state, 'failed');
      assert.equal((await q.get(queued))?.state, 'delayed');
      assert.equal(await q.prune(cutoff), 0);
      assert.equal(await q.remove(queued), true);
    });

    test('counts: unfinished jobs of one class by state', async () => {
      // Earlier tests leave nothing unfinished in the webhook class (list and claimThis complete what they claim).
      for (let c = await q.claim('w', 'webhook', 5_000); c; c = await q.claim('w', 'webhook', 5_000)) await q.complete(c.id, 'w');
      const base = await q.counts('webhook');
      await q.enqueue('deliver-webhook', { deliveryId: 'c1' });
      await q.enqueue('deliver-webhook', { deliveryId: 'c2' });
      const later = await q.enqueue('deliver-webhook', { deliveryId: 'c3' }, { runAt: new Date(clock.now().getTime() + 3_600_000) });
      const held = await q.claim('w', 'webhook', 30_000);
      assert.deepEqual(await q.counts('webhook'), { waiting: base.waiting + 1, delayed: base.delayed + 1, active: base.active + 1 });
      await q.complete(held!.id, 'w');
      for (let c = await q.claim('w', 'webhook', 5_000); c; c = await q.claim('w', 'webhook', 5_000)) await q.complete(c.id, 'w');
      assert.equal(await q.remove(later), true);
      assert.deepEqual(await q.counts('webhook'), base);
    });
  });
}
