import type { Context, MiddlewareHandler } from 'hono';
import { type Actor, apiKeyActor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { clientIp } from './client-ip.ts';
import { rateLimited } from './rate-limit.ts';
import type { RateWindows } from '../limits/rate-windows.ts';
import { authenticate, type Principal } from '../projects/keys.ts';

/** `actor`: who acts, from the credential (domain/actor.ts); use cases take it, never a body field. */
export type Vars = { requestId: string; principal: Principal; actor: Actor };

/** The token of `Authorization: Bearer …` (any case of the scheme). */
export const bearerOf = (authorization: string | undefined) => authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];

/** The API key a request carries: `Authorization: Bearer vk_…`, else `x-api-key: vk_…`. */
export const apiKeyOf = (req: { header(n: string): string | undefined }) => bearerOf(req.header('authorization')) ?? req.header('x-api-key');

/** The key's project; `missing` names what else the route would accept. */
export async function principalOf(deps: Deps, key: string | undefined, missing = 'missing API key (Authorization: Bearer vk_… or x-api-key)'): Promise<Principal> {
  if (!key) throw new AppError('unauthorized', missing);
  const p = await authenticate(deps, key);
  if (!p) throw new AppError('api_key_invalid', 'API key is not valid');
  return p;
}

/** API-key auth: `Authorization: Bearer vk_…` or `x-api-key: vk_…`. Yields the principal and its actor. */
export function apiKeyAuth(deps: Deps): MiddlewareHandler<{ Variables: Vars }> {
  return async (c, next) => {
    const p = await principalOf(deps, apiKeyOf(c.req));
    c.set('principal', p);
    c.set('actor', apiKeyActor(p.projectId, p.keyId));
    await next();
  };
}

export function captureTokenOf(authorization: string | undefined): string {
  const t = authorization?.match(/^Bearer\s+(cap_\S+)$/i)?.[1];
  if (!t) throw new AppError('capture_token_invalid', 'missing capture token (Authorization: Bearer cap_…)');
  return t;
}

/**
 * Marks a 401 as not a guess: a missing or ended dashboard session (its cookie holds 256 random
 * bits, nothing to guess). Counting those would let an office behind one address lock itself out
 * by opening the sign-in page (the page asks /me first).
 */
export const notAGuess = (c: Context) => c.set('authNotAGuess' as never, true as never);

/**
 * Failed credentials per client address: after `limit` answers of 401 in a window, the address
 * gets 429 rate_limited (with Retry-After) without its credential being looked up, until the
 * window ends. Every 401 counts (API keys, the ZOLOZ routes' keys, capture and liveness tokens):
 * each is a guess. 20 a minute: a person mistyping a key or an integration with a stale one stays
 * far below it; guessing a 128-bit key at 20 a minute gets nowhere.
 */
export function failedAuthLimit({ limit = 20, windowMs = 60_000, windows }: { limit?: number; windowMs?: number; windows: RateWindows }): MiddlewareHandler {
  return async (c, next) => {
    const ip = `auth-failures:ip:${clientIp(c) ?? 'local'}`;
    const seen = await windows.peek(ip, windowMs);
    if (seen.count >= limit) {
      c.header('retry-after', String(seen.retryAfterS));
      throw rateLimited(seen.retryAfterS);
    }
    await next();
    if (c.res.status === 401 && c.get('authNotAGuess' as never) !== true) await windows.add(ip, windowMs);
  };
}
