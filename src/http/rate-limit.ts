import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.ts';
import { clientIp } from './client-ip.ts';
import type { RateWindows } from '../limits/rate-windows.ts';

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
