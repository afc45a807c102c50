import type { Clock } from '../domain/time.ts';
import { iso } from '../domain/time.ts';
import type { Logger } from '../log.ts';
import type { JobPayload } from '../queue/catalogue.ts';
import type { JobQueue } from '../queue/port.ts';
import type { RealtimeBus } from '../realtime/port.ts';
import type { Db } from '../storage/db.ts';
import { outboxMessageSchema } from './outbox.ts';

// The outbox relay: hands committed outbox rows to the JobQueue port and the RealtimeBus port, then
// deletes them. At least once: a relay that dies between handing a row over and deleting it hands
// it over again, so consumers are idempotent (jobs carry dedupe keys, realtime events a stable id).
// Two paths: right after a commit the store hands over the rows it just wrote (no wait), and a poll
// picks up whatever that missed (the process died after the commit, the queue was down).

export interface OutboxRelay {
  /** Hands over these rows now; failures are logged and left to the poll. Never throws. */
  dispatch(ids: readonly string[]): Promise<void>;
  /** Hands over every row that is due; returns how many were handed over (tests drain with it). */
  flush(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
}

export interface RelayOptions {
  db: Db;
  queue: JobQueue;
  bus: RealtimeBus;
  clock: Clock;
  log: Logger;
  /** Poll period: only rows the fast path missed wait for it. */
  pollMs?: number;
  /**
   * How long a relay holds a row it is handing over; another relay (process) takes it after that.
   * 30 s: one enqueue or publish takes milliseconds; a relay that held a row that long has died.
   */
  leaseMs?: number;
  /** After a failed hand-over the row waits this long before the next try (the queue may be down). */
  retryMs?: number;
}

/** Rows per poll round: bounded so one round never holds the database long. */
const BATCH = 100;

export function createOutboxRelay(o: RelayOptions): OutboxRelay {
  const pollMs = o.pollMs ?? 1000;
  const leaseMs = o.leaseMs ?? 30_000;
  const retryMs = o.retryMs ?? 5_000;
  let timer: NodeJS.Timeout | undefined;
  let inflight = new Set<Promise<unknown>>();
  const later = (ms: number) => iso(new Date(o.clock.now().getTime() + ms));

  /** Takes the row for this relay (a conditional update, same on SQLite and PostgreSQL); false when another holds it. */
  async function take(id: string): Promise<boolean> {
    const now = iso(o.clock.now());
    const res = await o.db.updateTable('outbox').set({ locked_until: later(leaseMs) }).where('id', '=', id)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)])).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async function handOver(id: string): Promise<boolean> {
    if (!(await take(id))) return false;
    const row = await o.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    try {
      const m = outboxMessageSchema.parse(JSON.parse(row.payload));
      if (m.kind === 'job') {
        // The retry policy is the catalogue's, not the message's: one place decides it.
        await o.queue.enqueue(m.name, m.payload as JobPayload<typeof m.name>, { ...(m.dedupeKey ? { dedupeKey: m.dedupeKey } : {}), ...(m.group ? { group: m.group } : {}) });
      } else {
        await o.bus.publish({ id: row.id, type: m.type, projectId: row.project_id, sessionId: row.session_id, data: m.data, at: row.created_at });
      }
      await o.db.deleteFrom('outbox').where('id', '=', id).execute();
      return true;
    } catch (e) {
      o.log.warn('outbox hand-over failed; will retry', { outbox: id, kind: row.kind, err: e instanceof Error ? e.message : String(e) });
      await o.db.updateTable('outbox').set({ locked_until: later(retryMs) }).where('id', '=', id).execute().catch(() => undefined);
      return false;
    }
  }

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    return p.finally(() => inflight.delete(p));
  };

  async function flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = iso(o.clock.now());
      const due = await o.db.selectFrom('outbox').select('id')
        .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
        .orderBy('created_at').orderBy('id').limit(BATCH).execute();
      let handed = 0;
      for (const r of due) if (await handOver(r.id)) handed++;
      total += handed;
      // Rows that failed are pushed into the future, so a round that handed nothing over is the last.
      if (handed === 0 || due.length < BATCH) return total;
    }
  }

  return {
    async dispatch(ids) {
      await track((async () => {
        for (const id of ids) {
          try {
            await handOver(id);
          } catch (e) {
            o.log.warn('outbox dispatch failed; the poll retries', { outbox: id, err: e instanceof Error ? e.message : String(e) });
          }
        }
      })());
    },
    // Rows another hand-over of this relay holds (the poll, a dispatch) count as not yet handed
    // over: wait for those first, so a caller that flushed knows every committed row reached the queue.
    flush: async () => {
      await Promise.allSettled([...inflight]);
      return track(flush());
    },
    start() {
      if (timer) return;
      const tick = () => {
        track(flush()).catch((e) => o.log.warn('outbox poll failed', { err: e instanceof Error ? e.message : String(e) }))
          .finally(() => {
            if (timer) timer = setTimeout(tick, pollMs).unref();
          });
      };
      timer = setTimeout(tick, pollMs).unref();
    },
    async stop() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      await Promise.allSettled([...inflight]);
      inflight = new Set();
    },
  };
}
