import { Redis } from 'ioredis';
import type { Logger } from '../log.ts';
import { localFanout } from './local-fanout.ts';
import type { RealtimeBus, RealtimeEvent, RealtimeListener } from './port.ts';

// The RealtimeBus over Redis pub/sub (REDIS_URL): an event published on any node reaches the
// listeners of every node — a dashboard's WebSocket may sit on another API node than the worker
// that decided the session, and a worker running a verification must hear an erase made through
// any API node. One channel per project (`{prefix}rt:{project}`); a node subscribes to a project's
// channel while it has a listener for it, so nodes do not receive the traffic of projects nobody
// there watches.
//
// Pub/sub is fire-and-forget: a node not subscribed at publish time misses the event. That is the
// port's contract anyway (listeners are live screens that reload their state on (re)connect).
// Delivery is at least once (the outbox relay may publish twice): each node drops an event id it
// has just delivered, as the memory bus does (local-fanout.ts).

interface RedisBusOptions {
  url: string;
  prefix?: string;
  log: Logger;
}

type ClosableBus = RealtimeBus & { ready(): Promise<void>; close(): Promise<void> };

export function createRedisBus(o: RedisBusOptions): ClosableBus {
  const prefix = o.prefix ?? 'vkyc:';
  const channel = (projectId: string) => `${prefix}rt:${projectId}`;
  // A subscribed connection can issue no other command: one to publish, one to listen.
  const pub = new Redis(o.url, { maxRetriesPerRequest: 2, connectTimeout: 2_000 });
  const sub = new Redis(o.url, { maxRetriesPerRequest: 2, connectTimeout: 2_000 });
  let lastWarn = 0;
  const warn = (e: unknown) => {
    if (Date.now() - lastWarn < 60_000) return;
    lastWarn = Date.now();
    o.log.warn('realtime bus: Redis unavailable', { err: e instanceof Error ? e.message : String(e) });
  };
  pub.on('error', warn);
  sub.on('error', warn);

  const fanout = localFanout();
  const counts = new Map<string, number>();
  let pending: Promise<unknown> = Promise.resolve();

  sub.on('message', (ch: string, raw: string) => {
    let e: RealtimeEvent;
    try {
      e = JSON.parse(raw) as RealtimeEvent;
    } catch {
      return; // not ours: the channel name is ours, the payload is not trusted to be
    }
    if (typeof e?.id !== 'string' || ch !== channel(e.projectId)) return;
    fanout.deliver(e);
  });

  return {
    async publish(e: RealtimeEvent) {
      // A failure throws: the relay keeps the outbox row and publishes it again later.
      await pub.publish(channel(e.projectId), JSON.stringify(e));
    },
    subscribe(projectId: string, listener: RealtimeListener) {
      const off = fanout.listen(projectId, listener);
      const n = (counts.get(projectId) ?? 0) + 1;
      counts.set(projectId, n);
      // ioredis re-subscribes by itself after a reconnect.
      if (n === 1) pending = Promise.all([pending, sub.subscribe(channel(projectId)).catch(warn)]);
      let done = false;
      return () => {
        if (done) return;
        done = true;
        off();
        const left = (counts.get(projectId) ?? 1) - 1;
        if (left > 0) return void counts.set(projectId, left);
        counts.delete(projectId);
        sub.unsubscribe(channel(projectId)).catch(warn);
      };
    },
    async ready() {
      await pending;
    },
    async close() {
      await Promise.all([pub.quit().catch(() => pub.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    },
  };
}
