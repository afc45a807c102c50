import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';
import { clientIp } from './client-ip.ts';

/**
 * Fixed-window counters per key, bounded in memory. In-process state: each API node limits on its
 * own (a shared Redis window would come with the scale-out adapters).
 */
export function fixedWindows({ windowMs = 60_000, clock }: { windowMs?: number; clock: Clock }) {
  const windows = new Map<string, { start: number; count: number }>();
  const current = (k: string) => {
    const now = clock.now().getTime();
    let w = windows.get(k);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(k, w);
      if (windows.size > 10_000) for (const [old, v] of windows) if (now - v.start >= windowMs) windows.delete(old); // bound memory
    }
    return { w, retryAfterS: Math.ceil((w.start + windowMs - now) / 1000) };
  };
  return {
    /** Counts one event; returns the count in the current window. */
    add(k: string) {
      const { w, retryAfterS } = current(k);
      return { count: ++w.count, retryAfterS };
    },
    peek(k: string) {
      const { w, retryAfterS } = current(k);
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
export function rateLimit({ limit, windowMs = 60_000, key, clock }: { limit: number; windowMs?: number; key: (req: Request, ip: string) => string; clock: Clock }): MiddlewareHandler {
  const windows = fixedWindows({ windowMs, clock });
  return async (c, next) => {
    const ip = clientIp(c) ?? 'local';
    const { count, retryAfterS } = windows.add(key(c.req.raw, ip));
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
