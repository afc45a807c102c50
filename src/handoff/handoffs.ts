import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { addSeconds, iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { openedHandoff } from './guard.ts';

// Desktop-to-phone hand-off (docs/embed.md). The desktop asks for a link; the phone opens it once
// and gets its own capture token for the same session; the desktop polls the state and follows.

/** Ten minutes: long enough to find a phone and scan, short enough that a photographed screen soon stops working. */
export const HANDOFF_TTL_S = 600;
/** Links one session may create per HANDOFF_TTL_S: a user retrying a few times, not a script minting codes. */
export const HANDOFFS_PER_WINDOW = 5;

/**
 * 20 base32 characters = 100 random bits: unguessable even without the per-address rate limit on
 * /c/{code}. Crockford's alphabet (no I, L, O, U) keeps a code typed from the screen unambiguous.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CODE_LENGTH = 20;
export const CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{20}$/;

function newCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let out = '';
  for (const b of bytes) out += ALPHABET[b & 31];
  return out;
}

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

export interface CreatedHandoff { id: string; code: string; url: string; expires_at: string }

/** A new single-use link for a session that still takes captures (the caller checked the token may write). */
export async function createHandoff(deps: Deps, s: { id: string; project_id: string; expires_at: string }): Promise<CreatedHandoff> {
  const now = deps.clock.now();
  const since = iso(addSeconds(now, -HANDOFF_TTL_S));
  const recent = await deps.db.selectFrom('handoffs').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', s.project_id).where('session_id', '=', s.id).where('created_at', '>', since).executeTakeFirstOrThrow();
  if (Number(recent.n) >= HANDOFFS_PER_WINDOW) throw new AppError('rate_limited', `at most ${HANDOFFS_PER_WINDOW} hand-off links per ${HANDOFF_TTL_S / 60} minutes`, { retry_after: HANDOFF_TTL_S });
  const code = newCode();
  // A link never outlives its session.
  const expires = new Date(Math.min(addSeconds(now, HANDOFF_TTL_S).getTime(), new Date(s.expires_at).getTime()));
  const id = `hof_${randomUUID()}`;
  await deps.db.insertInto('handoffs').values({ id, project_id: s.project_id, session_id: s.id, code_hash: hashCode(code), created_at: iso(now), expires_at: iso(expires), opened_at: null }).execute();
  return { id, code, url: `${deps.config.PUBLIC_URL}/c/${code}`, expires_at: iso(expires) };
}

/** `opened`: the caller mints the phone's capture token for this hand-off (sessions/capture-token.ts, claim `hid`). */
export type OpenOutcome = { outcome: 'opened'; handoff_id: string; session_id: string; project_id: string; session_expires_at: string } | { outcome: 'not_found' } | { outcome: 'expired' } | { outcome: 'used' };

export type PeekOutcome = { outcome: 'usable' } | Exclude<OpenOutcome, { outcome: 'opened' }>;

/** Whether a code could be opened now, without spending it (the confirm page's GET; a link preview). */
export async function peekHandoff(deps: Deps, code: string): Promise<PeekOutcome> {
  if (!CODE_PATTERN.test(code)) return { outcome: 'not_found' };
  const row = await deps.db.selectFrom('handoffs').select(['opened_at', 'expires_at']).where('code_hash', '=', hashCode(code)).executeTakeFirst();
  if (!row) return { outcome: 'not_found' };
  if (row.opened_at) return { outcome: 'used' };
  if (new Date(row.expires_at) <= deps.clock.now()) return { outcome: 'expired' };
  return { outcome: 'usable' };
}

/** The phone confirmed (POST /c/{code}): single use, checked and spent in one conditional update. */
export async function openHandoff(deps: Deps, code: string): Promise<OpenOutcome> {
  const peek = await peekHandoff(deps, code);
  if (peek.outcome !== 'usable') return peek;
  const row = await deps.db.selectFrom('handoffs').selectAll().where('code_hash', '=', hashCode(code)).executeTakeFirstOrThrow();
  const now = deps.clock.now();
  // Two phones racing on one code: only the update that still sees opened_at null wins.
  const r = await deps.db.updateTable('handoffs').set({ opened_at: iso(now) }).where('id', '=', row.id).where('opened_at', 'is', null).executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return { outcome: 'used' };
  const session = await deps.db.selectFrom('sessions').select('expires_at').where('id', '=', row.session_id).where('project_id', '=', row.project_id).executeTakeFirst();
  if (!session) return { outcome: 'not_found' };
  return { outcome: 'opened', handoff_id: row.id, session_id: row.session_id, project_id: row.project_id, session_expires_at: session.expires_at };
}

/**
 * Erase and retention: a session's hand-off rows go with it. They hold no personal data (ids, a
 * hash, times), but a tombstone keeps only what the erase use case lists, and these rows would
 * otherwise outlive the session forever.
 */
export async function deleteHandoffsOf(deps: Pick<Deps, 'db'>, projectId: string, sessionId: string): Promise<number> {
  const r = await deps.db.deleteFrom('handoffs').where('project_id', '=', projectId).where('session_id', '=', sessionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export interface HandoffState {
  object: 'capture_handoff';
  /** none: no live link; waiting: a link is shown and not yet opened; opened: a phone continues the session. */
  state: 'none' | 'waiting' | 'opened';
  /** Whether the device asking may still upload (false on the desktop once the phone took over). */
  can_upload: boolean;
  /** This token came from a hand-off link (the page then offers no further hand-off). */
  is_handoff_device: boolean;
  opened_at: string | null;
  expires_at: string | null;
}

export async function handoffState(deps: Deps, s: { id: string; project_id: string }, handoffId: string | null): Promise<HandoffState> {
  const opened = await openedHandoff(deps.db, s.project_id, s.id);
  const base = { object: 'capture_handoff' as const, is_handoff_device: handoffId !== null };
  if (opened) return { ...base, state: 'opened', can_upload: opened.id === handoffId, opened_at: opened.opened_at, expires_at: null };
  const live = await deps.db.selectFrom('handoffs').select('expires_at').where('project_id', '=', s.project_id).where('session_id', '=', s.id)
    .where('expires_at', '>', iso(deps.clock.now())).orderBy('expires_at', 'desc').limit(1).executeTakeFirst();
  return { ...base, state: live ? 'waiting' : 'none', can_upload: true, opened_at: null, expires_at: live?.expires_at ?? null };
}
