import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Actor, UserRole } from '../../domain/actor.ts';
import { hasRole } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import { csrfTokenMatches, resolveLoginSession, type Resolved } from '../../accounts/login-sessions.ts';
import { rolesIn } from '../../accounts/users.ts';
import { getProjectSettings } from '../../projects/settings.ts';
import { notAGuess } from '../auth.ts';
import { peerOf } from '../client-ip.ts';
import type { TrustedProxies } from '../../config/trusted-proxies.ts';

// Dashboard authentication: a cookie (never an API key) → the signed-in user as an Actor for the
// project the dashboard works on, with that user's roles there, read on every request so a role
// change or a disabled account takes effect at once.

export type DashVars = {
  requestId: string;
  actor: Actor;
  login: Resolved;
  /** What the account must do before anything else (a one-time password, a TOTP the project requires). */
  pending: Array<'password_change' | 'totp_enrolment'>;
};

/**
 * The cookie is scoped to /dashboard: the /v1 API and the capture pages never receive it, so no
 * cookie can make a cross-site request there. Behind TLS it is Secure and carries the `__Secure-`
 * prefix, which browsers refuse to set over plain HTTP or without Secure.
 */
export const COOKIE = { name: 'vkyc_dash', path: '/dashboard' } as const;

/** TLS: PUBLIC_URL is https, the request itself is, or a trusted proxy (TRUST_PROXY) says so in X-Forwarded-Proto. */
export function isSecureRequest(c: Context, publicUrl: string, trusted: TrustedProxies): boolean {
  if (publicUrl.startsWith('https:') || new URL(c.req.url).protocol === 'https:') return true;
  const peer = peerOf(c);
  const proto = c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return proto === 'https' && peer !== null && trusted.has(peer);
}

export function setSessionCookie(c: Context, token: string, secure: boolean) {
  // No Max-Age: the browser forgets it when closed; the server ends it anyway (login-sessions.ts).
  setCookie(c, COOKIE.name, token, { path: COOKIE.path, httpOnly: true, sameSite: 'Strict', secure, ...(secure ? { prefix: 'secure' as const } : {}) });
}

export function clearSessionCookie(c: Context, secure: boolean) {
  setCookie(c, COOKIE.name, '', { path: COOKIE.path, httpOnly: true, sameSite: 'Strict', secure, maxAge: 0, ...(secure ? { prefix: 'secure' as const } : {}) });
}

/** Over TLS only the `__Secure-` cookie counts (a plain one could have been planted from a sibling host over HTTP). */
const tokenOf = (c: Context, secure: boolean) => (secure ? getCookie(c, COOKIE.name, 'secure') : getCookie(c, COOKIE.name));

/**
 * Same-origin check for writes: a browser sends Origin on every cross-origin request and on
 * same-origin POSTs; it must name us (PUBLIC_URL, or the Host the browser used). Without Origin,
 * Fetch Metadata (Sec-Fetch-Site) must not say cross-site. Clients that send neither (curl)
 * still need the CSRF token, which only a page on our origin can read.
 */
export function sameOrigin(c: Context, publicUrl: string): boolean {
  const origin = c.req.header('origin');
  if (!origin) {
    const site = c.req.header('sec-fetch-site');
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  const host = c.req.header('host');
  const allowed = [new URL(publicUrl).origin, ...(host ? [`http://${host}`, `https://${host}`] : [])];
  return allowed.includes(origin);
}

export const csrfRefused = (why: string) => new AppError('csrf_failed', `request refused: ${why} (reload the dashboard and try again)`);
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Paths an account with something pending may still use: who am I, sign out, set a password, enrol TOTP, switch project. */
const PENDING_OK = /^\/dashboard\/api\/(me|logout|me\/password|me\/totp|me\/totp\/confirm|me\/project)$/;

/** Cookie → Actor; refuses with 401 signin_required when there is no live session. Writes also need the CSRF token. */
export function dashboardSession(deps: Deps, trusted: TrustedProxies): MiddlewareHandler<{ Variables: DashVars }> {
  return async (c, next) => {
    const token = tokenOf(c, isSecureRequest(c, deps.config.PUBLIC_URL, trusted));
    const login = token ? await resolveLoginSession(deps.db, deps.clock, token) : null;
    if (!login) {
      notAGuess(c);
      throw new AppError('signin_required', 'not signed in, or the session ended; sign in again');
    }
    if (WRITES.has(c.req.method)) {
      if (!sameOrigin(c, deps.config.PUBLIC_URL)) throw csrfRefused('it did not come from this site');
      if (!csrfTokenMatches(deps.secret, login.session, c.req.header('x-csrf-token'))) throw csrfRefused('missing or wrong x-csrf-token');
    }
    const { user, session } = login;
    const roles = await rolesIn(deps.db, user.id, session.project_id);
    if (roles.length === 0) throw new AppError('signin_required', 'you no longer belong to this project; sign in again');
    const pending: DashVars['pending'] = [];
    if (user.must_change_password) pending.push('password_change');
    if (!user.totp_secret && (await getProjectSettings(deps.db, session.project_id)).require_totp) pending.push('totp_enrolment');
    if (pending.length && !PENDING_OK.test(c.req.path)) {
      throw pending[0] === 'password_change'
        ? new AppError('password_change_required', 'set a new password first (POST /dashboard/api/me/password)')
        : new AppError('totp_enrolment_required', 'this project requires a second factor: enrol an authenticator app first');
    }
    c.set('login', login);
    c.set('pending', pending);
    c.set('actor', { kind: 'user', id: user.id, projectId: session.project_id, roles, name: user.display_name });
    await next();
  };
}

/** Role check after dashboardSession: 403 forbidden unless the user holds one of `roles` in the current project. */
export function requireRole(...roles: UserRole[]): MiddlewareHandler<{ Variables: DashVars }> {
  return async (c, next) => {
    if (!hasRole(c.get('actor'), ...roles)) throw new AppError('forbidden', `this needs the role ${roles.join(' or ')} in this project`);
    await next();
  };
}

