import { Hono } from 'hono';
import { z } from 'zod';
import { adminResetPassword, adminResetTotp, adminUnlock, createProjectUser, createUserBody, listUsers, updateProjectUser, updateUserBody } from '../../accounts/manage-users.ts';
import type { Deps } from '../../deps.ts';
import { getProjectSettings, updateProjectSettings } from '../../projects/settings.ts';
import { jsonBody } from '../validate.ts';
import { requireRole, type DashVars } from './auth.ts';

const securityBody = z.strictObject({ require_totp: z.boolean() });

/** Admin only: the current project's users, and its sign-in policy. */
export function dashboardUserRoutes(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  // Mounted at the API root: the guard names its paths so it never answers for anyone else's.
  for (const p of ['/users', '/users/*', '/project/*']) app.use(p, requireRole('admin'));
  app.get('/users', async (c) => c.json(await listUsers(deps, c.get('actor'))));
  app.post('/users', async (c) => c.json(await createProjectUser(deps, c.get('actor'), await jsonBody(c, createUserBody)), 201));
  app.patch('/users/:id', async (c) => c.json(await updateProjectUser(deps, c.get('actor'), c.req.param('id'), await jsonBody(c, updateUserBody))));
  app.post('/users/:id/reset-password', async (c) => c.json(await adminResetPassword(deps, c.get('actor'), c.req.param('id'))));
  app.post('/users/:id/unlock', async (c) => c.json(await adminUnlock(deps, c.get('actor'), c.req.param('id'))));
  app.post('/users/:id/reset-totp', async (c) => c.json(await adminResetTotp(deps, c.get('actor'), c.req.param('id'))));
  app.get('/project/security', async (c) => c.json({ object: 'project_security' as const, require_totp: (await getProjectSettings(deps.db, c.get('actor').projectId)).require_totp }));
  app.patch('/project/security', async (c) => {
    const s = await updateProjectSettings(deps.db, c.get('actor').projectId, await jsonBody(c, securityBody));
    return c.json({ object: 'project_security' as const, require_totp: s.require_totp });
  });
  return app;
}
