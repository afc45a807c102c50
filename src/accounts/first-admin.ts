import type { Deps } from '../deps.ts';
import { createUser, grantRole } from './users.ts';

export const FIRST_ADMIN_LOGIN = 'admin';

/**
 * On a database without any account: an `admin` with a one-time password (to be changed at the
 * first sign-in), admin of every project that exists then (on a first start, the demo project).
 * Returns the password once, for the start banner; null when accounts exist (it is never shown
 * again: `vkyc users reset-password admin` makes a new one). Two processes starting at once: the
 * unique login makes one of them lose, and it prints nothing.
 */
export async function firstAdminOnStart(deps: Pick<Deps, 'db' | 'clock'>): Promise<{ login: string; password: string } | null> {
  const any = await deps.db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (any) return null;
  try {
    const { user, password } = await createUser(deps.db, deps.clock, { login: FIRST_ADMIN_LOGIN, displayName: 'Administrator' });
    const projects = await deps.db.selectFrom('projects').select('id').execute();
    for (const p of projects) await grantRole(deps.db, deps.clock, user.id, p.id, 'admin');
    return { login: user.login, password };
  } catch (e) {
    if (await deps.db.selectFrom('users').select('id').where('login', '=', FIRST_ADMIN_LOGIN).executeTakeFirst()) return null;
    throw e;
  }
}
