import { grantRole, createUser } from '../../src/accounts/users.ts';
import { hashPassword } from '../../src/accounts/password.ts';
import { base32Decode, hotp, stepAt } from '../../src/accounts/totp.ts';
import type { UserRole } from '../../src/domain/actor.ts';
import type { Deps } from '../../src/deps.ts';

/**
 * A browser-like client of the dashboard API over a real socket: keeps the session cookie it is
 * given (as a browser would for Path=/dashboard) and sends the CSRF token from /me on writes, with
 * this origin's Origin header.
 */
export class DashClient {
  cookie: string | null = null;
  csrf: string | null = null;
  constructor(readonly baseUrl: string) {}

  async req(method: string, path: string, body?: unknown, opts: { csrf?: boolean; origin?: string | null; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers };
    if (this.cookie) headers.cookie = this.cookie;
    if (method !== 'GET' && opts.csrf !== false && this.csrf) headers['x-csrf-token'] = this.csrf;
    if (opts.origin !== null) headers.origin = opts.origin ?? this.baseUrl;
    const res = await fetch(`${this.baseUrl}/dashboard/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const set = res.headers.getSetCookie()[0];
    if (set) {
      const pair = set.split(';')[0]!;
      this.cookie = /=$/.test(pair) ? null : pair;
    }
    return res;
  }

  /** Signs in; on success reads /me for the CSRF token. Returns the sign-in response. */
  async login(login: string, password: string, totp_code?: string): Promise<Response> {
    const res = await this.req('POST', '/login', { login, password, ...(totp_code ? { totp_code } : {}) });
    if (res.ok) this.csrf = ((await res.clone().json()) as { csrf_token: string }).csrf_token;
    return res;
  }
}

/** An account with a known password (already changed: no one-time password pending) and roles in one project. */
export async function makeUser(deps: Pick<Deps, 'db' | 'clock'>, o: { login: string; password?: string; projectId: string; roles: UserRole[] }) {
  const { user } = await createUser(deps.db, deps.clock, { login: o.login, displayName: o.login.toUpperCase() });
  const password = o.password ?? `pw-${o.login}-long-enough`;
  await deps.db.updateTable('users').set({ password_hash: await hashPassword(password), must_change_password: 0 }).where('id', '=', user.id).execute();
  for (const r of o.roles) await grantRole(deps.db, deps.clock, user.id, o.projectId, r);
  return { id: user.id, login: user.login, password };
}

/** The code an authenticator app shows for `secret` at `now`. */
export const totpCode = (secret: string, now: Date) => hotp(base32Decode(secret), stepAt(now.getTime()));

export async function errorCode(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code?: string } }).error?.code;
}
