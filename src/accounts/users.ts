import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { USER_ROLES, type UserRole } from '../domain/actor.ts';
import { iso, type Clock } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import type { UsersTable } from '../storage/schema.ts';
import { hashPassword, oneTimePassword } from './password.ts';

// The user store: accounts and their roles per project. Logins are compared lower-cased, so
// "Alice" and "alice" are one account.

export type UserRow = UsersTable;

export const newUserId = () => `usr_${randomUUID()}`;

/** What a login may look like: a name or an e-mail address, nothing that needs escaping anywhere. */
export const loginSchema = z.string().trim().toLowerCase().min(2, 'at least 2 characters').max(100, 'at most 100 characters')
  .regex(/^[a-z0-9][a-z0-9._@+-]*$/, 'letters, digits and . _ @ + - only');
export const displayNameSchema = z.string().trim().min(1).max(100);
export const roleSchema = z.enum(USER_ROLES);

/** Normalises what someone typed into the login field (for look-ups; never refuses). */
export const normalizeLogin = (typed: string) => typed.trim().toLowerCase().slice(0, 200);

export const findUserByLogin = (db: Db, login: string) => db.selectFrom('users').selectAll().where('login', '=', normalizeLogin(login)).executeTakeFirst();

export async function getUser(db: Db, id: string): Promise<UserRow> {
  const u = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  if (!u) throw new AppError('user_not_found', 'no such user');
  return u;
}

export async function rolesIn(db: Db, userId: string, projectId: string): Promise<UserRole[]> {
  const rows = await db.selectFrom('memberships').select('role').where('user_id', '=', userId).where('project_id', '=', projectId).execute();
  // Stored values are validated on read: an unknown role grants nothing.
  return rows.map((r) => r.role).filter((r): r is UserRole => (USER_ROLES as readonly string[]).includes(r)).sort();
}

/** The user's projects with their roles, ordered by project name (the first is the default at sign-in). */
export async function projectsOf(db: Db, userId: string) {
  const rows = await db.selectFrom('memberships').innerJoin('projects', 'projects.id', 'memberships.project_id')
    .select(['projects.id as id', 'projects.name as name', 'memberships.role as role']).where('memberships.user_id', '=', userId)
    .orderBy('projects.name').orderBy('memberships.role').execute();
  const out: Array<{ id: string; name: string; roles: UserRole[] }> = [];
  for (const r of rows) {
    if (!(USER_ROLES as readonly string[]).includes(r.role)) continue;
    let p = out.find((x) => x.id === r.id);
    if (!p) out.push((p = { id: r.id, name: r.name, roles: [] }));
    p.roles.push(r.role as UserRole);
  }
  return out;
}

/** Creates an account with a one-time password (must be changed at first sign-in); returns that password once. */
export async function createUser(db: Db, clock: Clock, input: { login: string; displayName?: string }) {
  const login = loginSchema.parse(input.login);
  if (await findUserByLogin(db, login)) throw new AppError('login_taken', `the login ${login} is taken`);
  const password = oneTimePassword();
  const user: UserRow = {
    id: newUserId(), login, display_name: input.displayName ?? login, password_hash: await hashPassword(password), must_change_password: 1,
    totp_secret: null, totp_pending: null, totp_last_step: null, disabled_at: null, created_at: iso(clock.now()), last_login_at: null,
  };
  await db.insertInto('users').values(user).execute();
  return { user, password };
}

/** Adds a role in a project (idempotent). */
export async function grantRole(db: Db, clock: Clock, userId: string, projectId: string, role: UserRole): Promise<void> {
  const exists = await db.selectFrom('memberships').select('role').where('user_id', '=', userId).where('project_id', '=', projectId).where('role', '=', role).executeTakeFirst();
  if (!exists) await db.insertInto('memberships').values({ user_id: userId, project_id: projectId, role, created_at: iso(clock.now()) }).execute();
}

/** Replaces the user's roles in one project (an empty list removes the user from it). */
export async function setRoles(db: Db, clock: Clock, userId: string, projectId: string, roles: readonly UserRole[]): Promise<void> {
  await db.deleteFrom('memberships').where('user_id', '=', userId).where('project_id', '=', projectId).execute();
  for (const role of new Set(roles)) await grantRole(db, clock, userId, projectId, role);
}

/** Every user with at least one role in the project, with those roles. */
export async function listProjectUsers(db: Db, projectId: string) {
  const rows = await db.selectFrom('memberships').innerJoin('users', 'users.id', 'memberships.user_id').selectAll('users').select('memberships.role as role')
    .where('memberships.project_id', '=', projectId).orderBy('users.login').execute();
  const byId = new Map<string, { user: UserRow; roles: UserRole[] }>();
  for (const { role, ...u } of rows) {
    const e = byId.get(u.id) ?? { user: u, roles: [] };
    if ((USER_ROLES as readonly string[]).includes(role)) e.roles.push(role as UserRole);
    byId.set(u.id, e);
  }
  return [...byId.values()];
}

export async function listAllUsers(db: Db) {
  const users = await db.selectFrom('users').selectAll().orderBy('login').execute();
  return Promise.all(users.map(async (user) => ({ user, projects: await projectsOf(db, user.id) })));
}

/** The API view of an account: never the hash or the TOTP key. */
export const userView = (u: UserRow, extra: Record<string, unknown> = {}) => ({
  object: 'user' as const, id: u.id, login: u.login, display_name: u.display_name, disabled: u.disabled_at !== null,
  totp_enabled: u.totp_secret !== null, must_change_password: u.must_change_password === 1, created_at: u.created_at, last_login_at: u.last_login_at, ...extra,
});
