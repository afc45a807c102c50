import { Hono } from 'hono';
import { z } from 'zod';
import { changePassword, changePasswordBody } from '../../accounts/change-password.ts';
import { csrfTokenOf, revokeLoginSession, setSessionProject } from '../../accounts/login-sessions.ts';
import { signIn, signInBody } from '../../accounts/sign-in.ts';
import { beginTotpEnrolment, confirmTotpEnrolment, totpConfirmBody } from '../../accounts/totp-enrolment.ts';
import { projectsOf, userView } from '../../accounts/users.ts';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import type { TrustedProxies } from '../../config/trusted-proxies.ts';
import { rateLimit } from '../rate-limit.ts';
import { jsonBody } from '../validate.ts';
import { clearSessionCookie, csrfRefused, isSecureRequest, sameOrigin, setSessionCookie, type DashVars } from './auth.ts';

/**
 * Sign-in attempts per client address: 10 a minute. A person retyping a password needs a few; the
 * per-login lockout (accounts/throttle.ts) stops guessing one account, this stops one address
 * spraying many logins. Failed answers also count towards the server-wide 401 limit (auth.ts).
 */
export const SIGN_IN_PER_IP_PER_MINUTE = 10;

const projectBody = z.strictObject({ project_id: z.string().min(1).max(100) });

/** GET /me: who is signed in, where, with which roles, what is pending, and the CSRF token for writes. */
async function meView(deps: Deps, c: { get<K extends keyof DashVars>(k: K): DashVars[K] }) {
  const { user, session } = c.get('login');
  const actor = c.get('actor');
  const projects = await projectsOf(deps.db, user.id);
  return {
    object: 'me' as const,
    user: userView(user),
    project: projects.find((p) => p.id === actor.projectId) ?? null,
    roles: actor.roles,
    projects,
    pending: c.get('pending'),
    csrf_token: csrfTokenOf(deps.secret, session),
    session: { id: session.id, created_at: session.created_at, expires_at: session.expires_at },
  };
}

/** POST /dashboard/api/login: the one route without a session. */
export function signInRoute(deps: Deps, trusted: TrustedProxies) {
  const app = new Hono<{ Variables: DashVars }>();
  app.post('/login', rateLimit({ name: 'signin', limit: SIGN_IN_PER_IP_PER_MINUTE, key: (_r, ip) => ip, windows: deps.limits }), async (c) => {
    // Login CSRF: a foreign page must not sign the victim's browser into the attacker's account.
    if (!sameOrigin(c, deps.config.PUBLIC_URL)) throw csrfRefused('it did not come from this site');
    const r = await signIn(deps, await jsonBody(c, signInBody));
    setSessionCookie(c, r.token, isSecureRequest(c, deps.config.PUBLIC_URL, trusted));
    return c.json({ object: 'sign_in' as const, user: userView(r.user), project_id: r.session.project_id, projects: r.projects, csrf_token: csrfTokenOf(deps.secret, r.session) });
  });
  return app;
}

/** The signed-in account (behind dashboardSession): who am I, sign out, password, TOTP, project. */
export function accountRoutes(deps: Deps, trusted: TrustedProxies) {
  const authed = new Hono<{ Variables: DashVars }>();
  const secure = (c: Parameters<typeof isSecureRequest>[0]) => isSecureRequest(c, deps.config.PUBLIC_URL, trusted);
  authed.get('/me', async (c) => c.json(await meView(deps, c)));
  authed.post('/logout', async (c) => {
    await revokeLoginSession(deps.db, c.get('login').session.id);
    clearSessionCookie(c, secure(c));
    return c.json({ object: 'sign_out' as const, signed_out: true });
  });
  authed.post('/me/password', async (c) => c.json(await changePassword(deps, c.get('actor').id, c.get('login').session.id, await jsonBody(c, changePasswordBody))));
  authed.post('/me/totp', async (c) => c.json(await beginTotpEnrolment(deps, c.get('actor').id)));
  authed.post('/me/totp/confirm', async (c) => c.json(await confirmTotpEnrolment(deps, c.get('actor').id, (await jsonBody(c, totpConfirmBody)).code)));
  authed.post('/me/project', async (c) => {
    const { project_id } = await jsonBody(c, projectBody);
    const projects = await projectsOf(deps.db, c.get('actor').id);
    if (!projects.some((p) => p.id === project_id)) throw new AppError('forbidden', 'you are not a member of that project');
    await setSessionProject(deps.db, c.get('login').session.id, project_id);
    return c.json({ object: 'project_switch' as const, project_id });
  });
  return authed;
}
