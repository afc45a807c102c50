import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { RealtimeBus, RealtimeEvent } from '../../src/realtime/port.ts';

/** A listener's events, and a way to wait for the n-th one without sleeping a fixed time. */
export function collector() {
  const got: RealtimeEvent[] = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    got,
    listener: (e: RealtimeEvent) => {
      got.push(e);
      for (const w of waiters.filter((w) => got.length >= w.n)) w.resolve();
    },
    /** Resolves when `n` events arrived; rejects after `ms` with what did arrive. */
    until(n: number, ms = 5_000) {
      if (got.length >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`expected ${n} events, got ${got.length}`)), ms);
        waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
      });
    },
  };
}

export const event = (projectId: string, type = 'session.updated', id = `obx_${randomBytes(6).toString('hex')}`): RealtimeEvent => ({
  id, type, projectId, sessionId: 'ses_x', data: { session_id: 'ses_x' }, at: new Date().toISOString(),
});

/**
 * One behaviour suite for every RealtimeBus adapter. `make` returns two handles on one bus: the
 * same instance twice for an in-process bus, two instances (two "nodes") for a shared one — what
 * one publishes, the other's listeners must see either way.
 */
export function realtimeBusContract(name: string, make: () => Promise<{ a: RealtimeBus; b: RealtimeBus; cleanup(): Promise<void> }>) {
  describe(`RealtimeBus contract: ${name}`, () => {
    let a: RealtimeBus;
    let b: RealtimeBus;
    let cleanup: () => Promise<void>;
    before(async () => ({ a, b, cleanup } = await make()));
    after(async () => cleanup());
    const ready = async () => {
      await a.ready?.();
      await b.ready?.();
    };
    const project = () => `prj_${randomBytes(5).toString('hex')}`;

    test('an event reaches the listeners of its project, on either handle, in order', async () => {
      const p = project();
      const onA = collector();
      const onB = collector();
      a.subscribe(p, onA.listener);
      b.subscribe(p, onB.listener);
      await ready();
      const events = [event(p, 'session.updated'), event(p, 'session.state_changed'), event(p, 'session.erased')];
      for (const e of events) await a.publish(e);
      await Promise.all([onA.until(3), onB.until(3)]);
      assert.deepEqual(onB.got.map((e) => e.type), ['session.updated', 'session.state_changed', 'session.erased']);
      assert.deepEqual(onB.got, events, 'the event arrives whole');
    });

    test('another project\'s listeners see nothing', async () => {
      const p = project();
      const q = project();
      const onQ = collector();
      const onP = collector();
      b.subscribe(q, onQ.listener);
      b.subscribe(p, onP.listener);
      await ready();
      await a.publish(event(p));
      await a.publish(event(q));
      await Promise.all([onP.until(1), onQ.until(1)]);
      assert.equal(onQ.got.length, 1);
      assert.equal(onQ.got[0]!.projectId, q);
    });

    test('a re-published event (same id) is delivered once', async () => {
      const p = project();
      const on = collector();
      b.subscribe(p, on.listener);
      await ready();
      const e = event(p);
      await a.publish(e);
      await a.publish(e);
      // A later, distinct event marks the point by which a duplicate would have arrived.
      const marker = event(p, 'session.erased');
      await a.publish(marker);
      await on.until(2);
      assert.deepEqual(on.got.map((x) => x.id), [e.id, marker.id]);
    });

    test('unsubscribe stops delivery; a throwing listener does not stop the others', async () => {
      const p = project();
      const stopped = collector();
      const kept = collector();
      const stop = b.subscribe(p, stopped.listener);
      b.subscribe(p, () => {
        throw new Error('listener bug');
      });
      b.subscribe(p, kept.listener);
      await ready();
      await a.publish(event(p));
      await Promise.all([stopped.until(1), kept.until(1)]);
      stop();
      stop(); // twice is harmless
      await a.publish(event(p));
      await kept.until(2);
      assert.equal(stopped.got.length, 1);
    });
  });
}
