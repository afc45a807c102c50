import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';
import { clientIp } from './client-ip.ts';

/** One counted window: the count so far and the seconds until the window ends. */
export interface WindowCount { count: number; retryAfterS: number }

/**
 * Fixed-window counters, the port behind every rate limit and failed-credential limit. In memory
 * (one process) by default; with REDIS_URL the counters live in Redis (limits/redis-windows.ts), so
 * API nodes behind one load balancer share each window instead of granting N times the limit.
 */
export interface RateWindows {
  /** Counts one event for `key` in its current window of `windowMs`. */
  add(key: string, windowMs: number): Promise<WindowCount>;
  peek(key: string, windowMs: number): Promise<WindowCount>;
  close?(): Promise<void>;
}

/** Windows in this process's memory, bounded (stale windows are dropped past 10 000 keys). */
export function memoryWindows(clock: Clock): RateWindows {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (k: string, windowMs: number) => {
    const now = clock.now().getTime();
    const id = `${windowMs}:${k}`;
    let w = windows.get(id);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(id, w);
      if (windows.size > 10_000) for (const [old, v] of windows) if (now - v.start >= Number(old.slice(0, old.indexOf(':')))) windows.delete(old); // bound memory
    }
    return { w, retryAfterS: Math.ceil((w.start + windowMs - now) / 1000) };
  };
  return {
    async add(k, windowMs) {
      const { w, retryAfterS } = current(k, windowMs);
      return { count: ++w.count, retryAfterS };
    },
    async peek(k, windowMs) {
      const { w, retryAfterS } = current(k, windowMs);
      return { count: w.count, retryAfterS };
    },
  };
}

export const rateLimited = (retryAfterS: number) => new AppError('rate_limited', `too many requests; retry in ${retryAfterS} s`, { retry_after: retryAfterS });

/**
 * Fixed-window request limit per key (capture token, client address). Unauthenticated and
 * token-authenticated endpoints are the ones a stranger can hammer; API-key traffic is the
 * tenant's own.
 */
export function rateLimit({ name, limit, windowMs = 60_000, key, windows }: { name: string; limit: number; windowMs?: number; key: (req: Request, ip: string) => string; windows: RateWindows }): MiddlewareHandler {
  return async (c, next) => {
    const ip = clientIp(c) ?? 'local';
    const { count, retryAfterS } = await windows.add(`${name}:${key(c.req.raw, ip)}`, windowMs);
    if (count > limit) {
      c.header('retry-after', String(retryAfterS));
      throw rateLimited(retryAfterS);
    }
    await next();
  };
}

/**
 * The capture token of a request, else the client address. The credential is normalised first
 * (scheme case, spacing): keying on the raw header gave `bearer `, `BEARER ` and extra spaces a
 * fresh window each. Anything that is not a capture token keys on the address.
 */
export const tokenOrIp = (req: Request, ip: string) => {
  const token = req.headers.get('authorization')?.match(/^\s*bearer\s+(cap_\S{1,400})\s*$/i)?.[1];
  return token ? `cap:${token}` : `ip:${ip}`;
};
