import { z } from 'zod';
import type { Actor, UserRole } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { Db } from '../storage/db.ts';
import { revokeUserSessions } from './login-sessions.ts';
import { hashPassword, oneTimePassword } from './password.ts';
import { clearFailures, lockedFor } from './throttle.ts';
import { resetTotp } from './totp-enrolment.ts';
import { createUser, displayNameSchema, getUser, grantRole, listProjectUsers, loginSchema, roleSchema, rolesIn, setRoles, userView } from './users.ts';

// What a project's admin may do to accounts. Accounts are shared between projects, so an admin of
// project A acts only on users whose every membership is in a project where the admin is admin:
// otherwise resetting the password of a user who is also in project B would hand A's admin that
// user's access to B. The operator's CLI (`vkyc users`) has no such limit.

export const createUserBody = z.strictObject({ login: loginSchema, display_name: displayNameSchema.optional(), roles: z.array(roleSchema).min(1).max(4) });
export const updateUserBody = z.strictObject({ display_name: displayNameSchema.optional(), roles: z.array(roleSchema).max(4).optional(), disabled: z.boolean().optional() });

async function managed(deps: Deps, admin: Actor, userId: string) {
  const user = await getUser(deps.db, userId);
  const theirs = await deps.db.selectFrom('memberships').select('project_id').distinct().where('user_id', '=', userId).execute();
  if (!theirs.some((m) => m.project_id === admin.projectId)) throw new AppError('user_not_found', 'no such user in this project');
  const mine = await deps.db.selectFrom('memberships').select('project_id').where('user_id', '=', admin.id).where('role', '=', 'admin').execute();
  const adminOf = new Set(mine.map((m) => m.project_id));
  if (!theirs.every((m) => adminOf.has(m.project_id))) throw new AppError('forbidden', 'this user also belongs to a project you do not administer; ask the operator (vkyc users)');
  return user;
}

/** An admin never removes the last admin access of a project (nobody could manage its users then). */
async function keepsAnAdmin(deps: Deps, projectId: string, userId: string, next: { roles?: readonly UserRole[]; disabled?: boolean }) {
  if (next.roles?.includes('admin') !== false && !next.disabled) return;
  const others = await deps.db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id').select('users.id')
    .where('memberships.project_id', '=', projectId).where('memberships.role', '=', 'admin').where('users.disabled_at', 'is', null).where('users.id', '!=', userId).execute();
  const self = await rolesIn(deps.db, userId, projectId);
  if (self.includes('admin') && others.length === 0) throw new AppError('forbidden', 'this is the last admin of the project; make someone else admin first');
}

export async function listUsers(deps: Deps, admin: Actor) {
  const rows = await listProjectUsers(deps.db, admin.projectId);
  const now = deps.clock.now();
  return { object: 'list' as const, data: await Promise.all(rows.map(async ({ user, roles }) => userView(user, { roles, locked_for_seconds: await lockedFor(deps.db, user.login, now) }))) };
}

export async function createProjectUser(deps: Deps, admin: Actor, body: z.infer<typeof createUserBody>) {
  const { user, password } = await createUser(deps.db, deps.clock, { login: body.login, displayName: body.display_name });
  for (const role of new Set(body.roles)) await grantRole(deps.db, deps.clock, user.id, admin.projectId, role);
  deps.log.info('user created', { user_id: user.id, project_id: admin.projectId, by: admin.id });
  return { ...userView(user, { roles: [...new Set(body.roles)].sort() }), one_time_password: password };
}

export async function updateProjectUser(deps: Deps, admin: Actor, userId: string, body: z.infer<typeof updateUserBody>) {
  const user = await managed(deps, admin, userId);
  await keepsAnAdmin(deps, admin.projectId, user.id, body);
  if (body.display_name !== undefined) await deps.db.updateTable('users').set({ display_name: body.display_name }).where('id', '=', user.id).execute();
  if (body.roles !== undefined) await setRoles(deps.db, deps.clock, user.id, admin.projectId, body.roles);
  if (body.disabled !== undefined) {
    await deps.db.updateTable('users').set({ disabled_at: body.disabled ? (user.disabled_at ?? iso(deps.clock.now())) : null }).where('id', '=', user.id).execute();
    if (body.disabled) await revokeUserSessions(deps.db, user.id);
  }
  deps.log.info('user updated', { user_id: user.id, project_id: admin.projectId, by: admin.id, fields: Object.keys(body) });
  return userView(await getUser(deps.db, user.id), { roles: await rolesIn(deps.db, user.id, admin.projectId) });
}

/** A one-time password the user must replace at the next sign-in; their sessions end and any lockout is lifted. */
export async function resetUserPassword(db: Db, userId: string) {
  const password = oneTimePassword();
  const user = await getUser(db, userId);
  await db.updateTable('users').set({ password_hash: await hashPassword(password), must_change_password: 1 }).where('id', '=', user.id).execute();
  await revokeUserSessions(db, user.id);
  await clearFailures(db, user.login);
  return { user, password };
}

export async function adminResetPassword(deps: Deps, admin: Actor, userId: string) {
  const user = await managed(deps, admin, userId);
  const { password } = await resetUserPassword(deps.db, user.id);
  deps.log.info('password reset', { user_id: user.id, by: admin.id });
  return { object: 'password_reset' as const, user_id: user.id, one_time_password: password };
}

export async function adminUnlock(deps: Deps, admin: Actor, userId: string) {
  const user = await managed(deps, admin, userId);
  await clearFailures(deps.db, user.login);
  return { object: 'unlock' as const, user_id: user.id, unlocked: true };
}

export async function adminResetTotp(deps: Deps, admin: Actor, userId: string) {
  const user = await managed(deps, admin, userId);
  await resetTotp(deps, user.id);
  await revokeUserSessions(deps.db, user.id);
  return { object: 'totp' as const, user_id: user.id, enabled: false };
}
