import type { MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { authenticate, type Principal } from '../projects/keys.ts';

export type Vars = { requestId: string; principal: Principal };

/** API-key auth: `Authorization: Bearer vk_…` or `x-api-key: vk_…`. */
export function apiKeyAuth(deps: Deps): MiddlewareHandler<{ Variables: Vars }> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const key = header?.match(/^Bearer\s+(\S+)$/i)?.[1] ?? c.req.header('x-api-key');
    if (!key) throw new AppError('unauthorized', 'missing API key (Authorization: Bearer vk_… or x-api-key)');
    const p = await authenticate(deps, key);
    if (!p) throw new AppError('api_key_invalid', 'API key is not valid');
    c.set('principal', p);
    await next();
  };
}

export function captureTokenOf(authorization: string | undefined): string {
  const t = authorization?.match(/^Bearer\s+(cap_\S+)$/i)?.[1];
  if (!t) throw new AppError('capture_token_invalid', 'missing capture token (Authorization: Bearer cap_…)');
  return t;
}
