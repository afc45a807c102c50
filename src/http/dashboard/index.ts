import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { parseTrustedProxies } from '../../config/trusted-proxies.ts';
import { accountRoutes, signInRoute } from './account-routes.ts';
import { dashboardSession, type DashVars } from './auth.ts';
import { dashboardSessionRoutes } from './session-routes.ts';
import { dashboardUserRoutes } from './user-routes.ts';

/**
 * /dashboard/api: the dashboard's own API, authenticated by the sign-in cookie (+ CSRF token on
 * writes), never by an API key; the /v1 API stays the machines' (API keys only). Sign-in is the
 * one route without a session; everything after it goes through dashboardSession.
 */
/** `extra`: routes of other rooms under /dashboard/api behind the same session middleware (live agents: http/routes/agents.ts). */
export function dashboardApi(deps: Deps, extra?: Hono<{ Variables: DashVars }>) {
  const trusted = parseTrustedProxies(deps.config.TRUST_PROXY);
  const api = new Hono<{ Variables: DashVars }>();
  // Answers name people and carry the CSRF token: no cache keeps them. Set before the route runs
  // (a header added after next() makes @hono/node-server rebuild the response: security-headers.ts).
  api.use('*', async (c, next) => {
    c.header('cache-control', 'no-store');
    await next();
  });
  api.route('/', signInRoute(deps, trusted));
  api.use('*', dashboardSession(deps, trusted));
  api.route('/', accountRoutes(deps, trusted));
  api.route('/sessions', dashboardSessionRoutes(deps));
  api.route('/', dashboardUserRoutes(deps));
  if (extra) api.route('/', extra);
  const app = new Hono();
  app.route('/dashboard/api', api);
  return app;
}
