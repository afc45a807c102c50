import { AppError } from '../domain/errors.ts';
import type { Db } from '../storage/db.ts';

// Who may upload after a desktop-to-phone hand-off. Decision (docs/embed.md): once the phone has
// opened the link, only the phone's token (minted for that hand-off) may upload or complete; the
// desktop's token keeps reading (GET /v1/capture/session, GET /v1/capture/handoff) so the desktop
// can follow progress and finish when the phone does. Two devices writing the same steps would
// otherwise race each other's retakes. A second hand-off (a new phone) moves the right to it.

/** The hand-off whose phone holds the upload right, if any (the most recently opened). */
export async function openedHandoff(db: Db, projectId: string, sessionId: string): Promise<{ id: string; opened_at: string } | null> {
  const row = await db.selectFrom('handoffs').select(['id', 'opened_at']).where('project_id', '=', projectId).where('session_id', '=', sessionId)
    .where('opened_at', 'is not', null).orderBy('opened_at', 'desc').limit(1).executeTakeFirst();
  return row?.opened_at ? { id: row.id, opened_at: row.opened_at } : null;
}

/** Refuses a write from a device that handed the session off (handoffId: the token's `hid`, null for the original link). */
export async function assertDeviceMayCapture(db: Db, s: { id: string; project_id: string }, handoffId: string | null): Promise<void> {
  const opened = await openedHandoff(db, s.project_id, s.id);
  if (opened && opened.id !== handoffId) {
    throw new AppError('capture_handed_off', 'this verification continues on another device; this page can only follow its progress');
  }
}
