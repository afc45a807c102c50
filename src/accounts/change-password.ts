import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { revokeUserSessions } from './login-sessions.ts';
import { hashPassword, newPasswordSchema, verifyPassword } from './password.ts';
import { lockedFor, recordFailure } from './throttle.ts';
import { getUser } from './users.ts';

export const changePasswordBody = z.strictObject({ current_password: z.string().min(1).max(200), new_password: newPasswordSchema });

/**
 * The user's own change (and the forced one after a one-time password). The current password is
 * asked again: a session left open on a shared desk must not be enough to take the account. The
 * user's other sessions end; this one stays.
 */
export async function changePassword(deps: Deps, userId: string, keepSession: string, body: z.infer<typeof changePasswordBody>) {
  const user = await getUser(deps.db, userId);
  // Guessing the password through an open session is limited like guessing it at sign-in.
  const now = deps.clock.now();
  const wait = await lockedFor(deps.db, user.login, now);
  if (wait !== null) throw new AppError('login_locked', `too many failed attempts; try again in ${Math.ceil(wait / 60)} min`, { retry_after: wait });
  if (!(await verifyPassword(body.current_password, user.password_hash))) {
    await recordFailure(deps.db, user.login, now);
    throw new AppError('login_failed', 'the current password is wrong');
  }
  if (body.new_password === body.current_password) throw new AppError('validation_failed', 'the new password must differ from the current one', { issues: [{ path: 'new_password', code: 'same_as_current', message: 'choose a new password' }] });
  if (body.new_password.toLowerCase().includes(user.login)) throw new AppError('validation_failed', 'the new password must not contain the login', { issues: [{ path: 'new_password', code: 'contains_login', message: 'must not contain the login' }] });
  await deps.db.updateTable('users').set({ password_hash: await hashPassword(body.new_password), must_change_password: 0 }).where('id', '=', user.id).execute();
  await revokeUserSessions(deps.db, user.id, keepSession);
  return { object: 'password' as const, changed: true };
}
