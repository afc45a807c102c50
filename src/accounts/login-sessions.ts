import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { iso, type Clock } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import type { LoginSessionsTable, UsersTable } from '../storage/schema.ts';

// Signed-in dashboard sessions. The cookie holds 32 random bytes; the database holds only their
// SHA-256 (a leaked table or backup signs nobody in), like API keys. A session ends at the first
// of: logout, its absolute end (12 h, one working day), 30 minutes without a request (OWASP
// Session Management Cheat Sheet: 15–30 min idle for most applications), the account being
// disabled or its password reset.

export const LOGIN_SESSION = { absoluteSeconds: 12 * 3600, idleSeconds: 30 * 60, touchEverySeconds: 60 } as const;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export async function createLoginSession(db: Db, clock: Clock, userId: string, projectId: string) {
  const token = randomBytes(32).toString('base64url');
  const now = clock.now();
  const row: LoginSessionsTable = {
    id: `lgs_${randomUUID()}`, token_hash: hashToken(token), user_id: userId, project_id: projectId,
    created_at: iso(now), last_seen_at: iso(now), expires_at: iso(new Date(now.getTime() + LOGIN_SESSION.absoluteSeconds * 1000)),
  };
  await db.insertInto('login_sessions').values(row).execute();
  // Sessions nobody came back to are deleted here (a live one is deleted when seen expired).
  await db.deleteFrom('login_sessions').where((eb) => eb.or([
    eb('expires_at', '<=', iso(now)),
    eb('last_seen_at', '<=', iso(new Date(now.getTime() - LOGIN_SESSION.idleSeconds * 1000))),
  ])).execute();
  return { token, session: row };
}

export interface Resolved { session: LoginSessionsTable; user: UsersTable }

/**
 * The live session a cookie token names, with its (enabled) user; null otherwise. An expired or
 * idle session is deleted when seen. `last_seen_at` is written at most once a minute: a page's
 * burst of requests costs one write, and the idle end is exact to that minute.
 */
export async function resolveLoginSession(db: Db, clock: Clock, token: string): Promise<Resolved | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const row = await db.selectFrom('login_sessions').innerJoin('users', 'users.id', 'login_sessions.user_id')
    .selectAll('login_sessions').select(['users.disabled_at as disabled_at']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row) return null;
  const { disabled_at, ...session } = row;
  const now = clock.now().getTime();
  const idleEnd = new Date(session.last_seen_at).getTime() + LOGIN_SESSION.idleSeconds * 1000;
  if (disabled_at || now >= new Date(session.expires_at).getTime() || now >= idleEnd) {
    await db.deleteFrom('login_sessions').where('id', '=', session.id).execute();
    return null;
  }
  if (now - new Date(session.last_seen_at).getTime() >= LOGIN_SESSION.touchEverySeconds * 1000) {
    session.last_seen_at = iso(new Date(now));
    await db.updateTable('login_sessions').set({ last_seen_at: session.last_seen_at }).where('id', '=', session.id).execute();
  }
  const user = await db.selectFrom('users').selectAll().where('id', '=', session.user_id).executeTakeFirstOrThrow();
  return { session, user };
}

export async function revokeLoginSession(db: Db, id: string): Promise<void> {
  await db.deleteFrom('login_sessions').where('id', '=', id).execute();
}

/** Every session of a user (disable, password reset), or every one but `keep` (the user's own password change). */
export async function revokeUserSessions(db: Db, userId: string, keep?: string): Promise<void> {
  let q = db.deleteFrom('login_sessions').where('user_id', '=', userId);
  if (keep) q = q.where('id', '!=', keep);
  await q.execute();
}

export async function setSessionProject(db: Db, id: string, projectId: string): Promise<void> {
  await db.updateTable('login_sessions').set({ project_id: projectId }).where('id', '=', id).execute();
}

/**
 * The session's CSRF token (synchronizer token pattern without storage): an HMAC of the session's
 * token hash under a key derived from VKYC_SECRET for this purpose only. The page reads it from
 * the JSON of /dashboard/api/me (same-origin only: another site cannot read our JSON) and sends
 * it in `x-csrf-token`; a cross-site form or fetch cannot know it. It changes with every session.
 */
export function csrfTokenOf(secret: string, session: Pick<LoginSessionsTable, 'token_hash'>): string {
  const key = createHmac('sha256', secret).update('vkyc:dashboard-csrf').digest();
  return createHmac('sha256', key).update(session.token_hash).digest('base64url');
}

export function csrfTokenMatches(secret: string, session: Pick<LoginSessionsTable, 'token_hash'>, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(csrfTokenOf(secret, session));
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
