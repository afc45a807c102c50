import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Clock } from '../domain/time.ts';
import type { Logger } from '../log.ts';
import type { RateWindows, WindowCount } from './rate-windows.ts';

// Rate-limit windows in Redis, shared by every API node (REDIS_URL). Windows are aligned to the
// clock (window i covers [i·w, (i+1)·w)), so every node counts into the same key without agreeing
// on when a window began. One round trip per request: INCR and PEXPIRE in one MULTI; the key expires
// one window after its end, so Redis holds only live windows.
//
// Keys are hashed: a limit keyed on a capture token must not put the token in Redis.
//
// When Redis does not answer, a request is let through and the failure logged (at most once a
// minute): a limit is protection against abuse, and an outage of it should not take the capture
// flow down with it. The credentials behind the failed-auth limit are 128-bit keys and signed tokens.

export function redisWindows(redis: Redis, clock: Clock, log: Logger, prefix = 'vkyc:'): RateWindows {
  let lastWarn = 0;
  const failOpen = (e: unknown): WindowCount => {
    const now = Date.now();
    if (now - lastWarn > 60_000) {
      lastWarn = now;
      log.warn('rate limits unavailable (Redis); requests are not limited', { err: e instanceof Error ? e.message : String(e) });
    }
    return { count: 0, retryAfterS: 0 };
  };
  // Connection errors are reported through the same throttled line, not as unhandled events.
  redis.on('error', (e) => void failOpen(e));
  const slot = (key: string, windowMs: number) => {
    const now = clock.now().getTime();
    const index = Math.floor(now / windowMs);
    const id = createHash('sha256').update(key).digest('base64url').slice(0, 32);
    return { k: `${prefix}rl:${windowMs}:${index}:${id}`, retryAfterS: Math.max(1, Math.ceil(((index + 1) * windowMs - now) / 1000)) };
  };
  return {
    async add(key, windowMs) {
      const { k, retryAfterS } = slot(key, windowMs);
      try {
        const res = await redis.multi().incr(k).pexpire(k, 2 * windowMs).exec();
        const count = Number(res?.[0]?.[1] ?? 0);
        return { count, retryAfterS };
      } catch (e) {
        return failOpen(e);
      }
    },
    async peek(key, windowMs) {
      const { k, retryAfterS } = slot(key, windowMs);
      try {
        return { count: Number((await redis.get(k)) ?? 0), retryAfterS };
      } catch (e) {
        return failOpen(e);
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * A client for limits: commands fail fast while Redis is down (no offline queue, one retry) so a
 * request is never held waiting for a reconnect.
 */
export function limitsRedis(url: string): Redis {
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000, lazyConnect: false });
}
