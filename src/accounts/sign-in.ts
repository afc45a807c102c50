import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { createLoginSession } from './login-sessions.ts';
import { hashPassword, needsRehash, verifyPassword } from './password.ts';
import { openTotp } from './sealed.ts';
import { clearFailures, lockedFor, recordFailure } from './throttle.ts';
import { verifyTotp } from './totp.ts';
import { findUserByLogin, projectsOf } from './users.ts';

export const signInBody = z.strictObject({
  login: z.string().min(1).max(200),
  password: z.string().min(1).max(200),
  /** Required when the account has TOTP; six digits from the authenticator app. */
  totp_code: z.string().trim().max(10).optional(),
  /** The project to open (a project id the user belongs to); default: the first by name. */
  project_id: z.string().max(100).optional(),
});
export type SignInBody = z.infer<typeof signInBody>;

/** One answer for an unknown login, a wrong password, a disabled account and an account without a project. */
const failed = () => new AppError('login_failed', 'the login or the password is wrong');

const locked = (retryAfterS: number) => new AppError('login_locked', `too many failed sign-ins for this login; try again in ${Math.ceil(retryAfterS / 60)} min or ask an admin to unlock it`, { retry_after: retryAfterS });

/**
 * Password (+ TOTP) sign-in. The order matters: a locked login is refused before any hash runs;
 * the password is checked (constant time, same cost for unknown logins) before anything else is
 * said about the account; only someone who knows the password learns that a code is needed.
 */
export async function signIn(deps: Deps, body: SignInBody) {
  const now = deps.clock.now();
  const wait = await lockedFor(deps.db, body.login, now);
  if (wait !== null) throw locked(wait);
  const user = await findUserByLogin(deps.db, body.login);
  const passwordOk = await verifyPassword(body.password, user?.password_hash ?? null);
  const projects = user && passwordOk && !user.disabled_at ? await projectsOf(deps.db, user.id) : [];
  if (!user || !passwordOk || user.disabled_at || projects.length === 0) {
    const lock = await recordFailure(deps.db, body.login, now);
    throw lock === null ? failed() : locked(lock);
  }
  if (user.totp_secret) {
    if (!body.totp_code) throw new AppError('totp_required', 'enter the 6-digit code from your authenticator app');
    const step = verifyTotp(openTotp(deps.secret, user.id, user.totp_secret), body.totp_code, now.getTime(), user.totp_last_step);
    if (step === null) {
      const lock = await recordFailure(deps.db, body.login, now);
      throw lock === null ? new AppError('totp_invalid', 'the code is wrong, expired or already used') : locked(lock);
    }
    // Conditional update: two sign-ins racing with the same code cannot both pass.
    const r = await deps.db.updateTable('users').set({ totp_last_step: step }).where('id', '=', user.id)
      .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)])).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) throw new AppError('totp_invalid', 'the code is wrong, expired or already used');
  }
  const project = body.project_id ? projects.find((p) => p.id === body.project_id) : projects[0];
  if (!project) throw new AppError('forbidden', 'you are not a member of that project');
  await clearFailures(deps.db, body.login);
  // Parameters raised since this hash was made: upgrade it now that the password is at hand.
  const upgrade = needsRehash(user.password_hash) ? { password_hash: await hashPassword(body.password) } : {};
  await deps.db.updateTable('users').set({ last_login_at: iso(now), ...upgrade }).where('id', '=', user.id).execute();
  const { token, session } = await createLoginSession(deps.db, deps.clock, user.id, project.id);
  deps.log.info('dashboard sign-in', { user_id: user.id, project_id: project.id, login_session: session.id });
  return { token, session, user, projects };
}
