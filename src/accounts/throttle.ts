import { iso } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import { normalizeLogin } from './users.ts';

// Lockout after repeated failed sign-ins, counted per typed login in the database (so every API
// process sees the same count, and a restart does not reset it). Logins that do not exist are
// counted and locked exactly like real ones: a lockout answer tells nothing about an account.
// Per-address limits are the HTTP layer's (routes/dashboard-auth.ts).
//
// 5 consecutive failures (wrong password, wrong TOTP code, disabled account) lock the login for 15
// minutes; failures older than 15 minutes are forgotten; a success or an admin unlock clears the
// count. 5/15 min is the usual staff-portal setting (OWASP Authentication Cheat Sheet: lock after a
// few failures for a limited time; NIST SP 800-63B: at most 100 consecutive failures): a person who
// mistypes gets several tries, a guesser gets 480 a day per login — nothing against a 12-character password.

export const LOCKOUT = { maxFailures: 5, lockSeconds: 15 * 60, forgetSeconds: 15 * 60 } as const;

/** Seconds until the login may try again, or null when it is not locked. */
export async function lockedFor(db: Db, typedLogin: string, now: Date): Promise<number | null> {
  const row = await db.selectFrom('login_throttle').select('locked_until').where('login', '=', normalizeLogin(typedLogin)).executeTakeFirst();
  if (!row?.locked_until) return null;
  const ms = new Date(row.locked_until).getTime() - now.getTime();
  return ms > 0 ? Math.ceil(ms / 1000) : null;
}

/** Counts a failure; returns the lock's length in seconds when this failure locked the login. */
export async function recordFailure(db: Db, typedLogin: string, now: Date): Promise<number | null> {
  const login = normalizeLogin(typedLogin);
  return db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('login_throttle').selectAll().where('login', '=', login).executeTakeFirst();
    const stale = !row || now.getTime() - new Date(row.last_failure_at).getTime() > LOCKOUT.forgetSeconds * 1000;
    const lockOver = row?.locked_until && new Date(row.locked_until) <= now;
    const failures = (row && !stale && !lockOver ? row.failures : 0) + 1;
    const locks = failures >= LOCKOUT.maxFailures;
    const values = { failures: locks ? 0 : failures, last_failure_at: iso(now), locked_until: locks ? iso(new Date(now.getTime() + LOCKOUT.lockSeconds * 1000)) : null };
    if (row) await tx.updateTable('login_throttle').set(values).where('login', '=', login).execute();
    else await tx.insertInto('login_throttle').values({ login, ...values }).execute();
    // Rows of logins nobody tried for a day go (bounded table; a guessed name is not kept forever).
    await tx.deleteFrom('login_throttle').where('last_failure_at', '<', iso(new Date(now.getTime() - 86_400_000))).execute();
    return locks ? LOCKOUT.lockSeconds : null;
  });
}

/** After a success, or an admin's unlock. */
export async function clearFailures(db: Db, typedLogin: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('login', '=', normalizeLogin(typedLogin)).execute();
}
