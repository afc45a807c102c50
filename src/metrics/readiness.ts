import { sql } from 'kysely';
import type { Redis } from 'ioredis';
import type { Db } from '../storage/db.ts';

// What /readyz waits for: the database answers, Redis answers when the process uses it (queue or
// limits), and — in a process that runs verification — the face models are loaded. An API-only
// process never loads models (they load on first use), so it is ready without them.

/** A probe must answer fast: a check that hangs counts as down after this long. */
const CHECK_TIMEOUT_MS = 2_000;

export interface Readiness {
  /** null when ready; otherwise why not (one short phrase, no secrets). */
  notReady(): Promise<string | null>;
  /** Marks something the process is loading (models); not ready until `done` settles successfully. */
  loading(what: string, done: Promise<unknown>): void;
}

const within = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref())]);

export function createReadiness(o: { db: Db; redis?: Redis }): Readiness {
  const pending = new Map<string, 'loading' | 'failed'>();
  return {
    async notReady() {
      try {
        await within(sql`select 1`.execute(o.db));
      } catch {
        return 'database unreachable';
      }
      if (o.redis) {
        try {
          await within(o.redis.ping());
        } catch {
          return 'redis unreachable';
        }
      }
      for (const [what, state] of pending) return state === 'loading' ? `${what} loading` : `${what} failed to load`;
      return null;
    },
    loading(what, done) {
      pending.set(what, 'loading');
      done.then(() => pending.delete(what), () => pending.set(what, 'failed'));
    },
  };
}
