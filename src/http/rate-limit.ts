import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.ts';
import type { Clock } from '../domain/time.ts';
import { clientIp } from './client-ip.ts';

/**
 * Fixed-window request limit per key (capture token, client address). Unauthenticated and
 * token-authenticated endpoints are the ones a stranger can hammer; API-key traffic is the
 * tenant's own. In-process state: each API node limits on its own (a shared Redis window would
 * come with the scale-out adapters).
 */
export function rateLimit({ limit, windowMs = 60_000, key, clock }: { limit: number; windowMs?: number; key: (req: Request, ip: string) => string; clock: Clock }): MiddlewareHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return async (c, next) => {
    const now = clock.now().getTime();
    const ip = clientIp(c) ?? 'local';
    const k = key(c.req.raw, ip);
    let w = windows.get(k);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(k, w);
      if (windows.size > 10_000) for (const [old, v] of windows) if (now - v.start >= windowMs) windows.delete(old); // bound memory
    }
    if (++w.count > limit) {
      c.header('retry-after', String(Math.ceil((w.start + windowMs - now) / 1000)));
      throw new AppError('rate_limited', `too many requests; retry in ${Math.ceil((w.start + windowMs - now) / 1000)} s`);
    }
    await next();
  };
}

/** The capture token of a request, else the client address. */
export const tokenOrIp = (req: Request, ip: string) => req.headers.get('authorization')?.slice(0, 200) ?? `ip:${ip}`;
