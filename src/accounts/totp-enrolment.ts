import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { openTotp, sealTotp } from './sealed.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import { getUser } from './users.ts';

export const totpConfirmBody = z.strictObject({ code: z.string().trim().max(10) });

/**
 * Step 1: a new key, kept as pending until a first code proves the app holds it (an enrolment
 * abandoned half-way never locks anyone out). Returned once; a new call replaces it.
 */
export async function beginTotpEnrolment(deps: Deps, userId: string) {
  const user = await getUser(deps.db, userId);
  const secret = newTotpSecret();
  await deps.db.updateTable('users').set({ totp_pending: sealTotp(deps.secret, user.id, secret) }).where('id', '=', user.id).execute();
  return { object: 'totp_enrolment' as const, secret, otpauth_uri: otpauthUri(secret, user.login) };
}

/** Step 2: the first code from the app turns the pending key on (and counts as used). */
export async function confirmTotpEnrolment(deps: Deps, userId: string, code: string) {
  const user = await getUser(deps.db, userId);
  if (!user.totp_pending) throw new AppError('totp_not_pending', 'start an enrolment first (POST /dashboard/api/me/totp)');
  const secret = openTotp(deps.secret, user.id, user.totp_pending);
  const step = verifyTotp(secret, code, deps.clock.now().getTime(), null);
  if (step === null) throw new AppError('totp_invalid', 'the code is wrong or expired; check the time on your phone');
  await deps.db.updateTable('users').set({ totp_secret: sealTotp(deps.secret, user.id, secret), totp_pending: null, totp_last_step: step }).where('id', '=', user.id).execute();
  return { object: 'totp' as const, enabled: true };
}

/** An admin's reset (a lost phone): the user signs in with the password alone, and enrols again if the project requires it. */
export async function resetTotp(deps: Deps, userId: string): Promise<void> {
  await deps.db.updateTable('users').set({ totp_secret: null, totp_pending: null, totp_last_step: null }).where('id', '=', userId).execute();
}
