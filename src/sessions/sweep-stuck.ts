import type { Deps } from '../deps.ts';
import { endUnprocessable } from '../verification/finish-session.ts';

// Part of the scheduled expiry sweep: a session still `processing` long after it was submitted
// ends `failed` (the aggregate's processing_failed: needs_review/processing_failed to the API, with
// its webhook), so no session waits forever.
// Normally the job runner's give-up hook ends such sessions; this catches what it cannot see: a
// job lost or removed, a give-up hook that failed, a job that kills its worker on every attempt.

/** How many stuck sessions one sweep ends at most (it runs every minute). */
const BATCH = 100;
/**
 * A job that keeps coming back (its worker dies on every attempt, so the runner never sees a last
 * failure) is given this many bounds before its session is ended anyway.
 */
const HARD_FACTOR = 3;

export async function sweepStuckSessions(deps: Deps): Promise<number> {
  const boundMs = deps.config.PROCESSING_TIMEOUT_SECONDS * 1000;
  const now = deps.clock.now().getTime();
  const cutoff = new Date(now - boundMs).toISOString();
  const hardCutoff = new Date(now - HARD_FACTOR * boundMs).toISOString();
  const stuck = await deps.db.selectFrom('sessions').select(['id', 'project_id', 'updated_at'])
    .where('state', '=', 'processing').where('erased_at', 'is', null).where('updated_at', '<=', cutoff).orderBy('updated_at').limit(BATCH).execute();
  let ended = 0;
  for (const s of stuck) {
    // complete-capture enqueues under `verify:<id>`; the key is held while the job is unfinished
    // (waiting, delayed for a retry, or running), so no holder means nothing will decide the session.
    const live = await deps.queue.findByDedupeKey(`verify:${s.id}`);
    if (live && s.updated_at > hardCutoff) continue;
    if (await endUnprocessable(deps, s.project_id, s.id, 'stuck')) ended++;
  }
  return ended;
}
