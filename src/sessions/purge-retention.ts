import { addSeconds, iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { eraseSession } from './erase-session.ts';
import { systemActor } from '../domain/actor.ts';

/**
 * Finished jobs are kept a week for an operator looking into a failure (a job's last error), then
 * pruned so the queue does not grow forever.
 */
const FINISHED_JOB_KEEP_SECONDS = 7 * 86400;

/**
 * Scheduled job: with RETENTION_DAYS > 0, finished sessions older than that are erased the same way
 * `DELETE /v1/sessions/{id}` erases them (blobs, derived data; tombstone + audit record stay).
 * Also prunes finished jobs older than FINISHED_JOB_KEEP_SECONDS.
 */
export async function purgeRetention(deps: Deps): Promise<{ sessions: number }> {
  const now = deps.clock.now();
  await deps.queue.prune(addSeconds(now, -FINISHED_JOB_KEEP_SECONDS));
  if (deps.config.RETENTION_DAYS <= 0) return { sessions: 0 };
  const cutoff = iso(addSeconds(now, -deps.config.RETENTION_DAYS * 86400));
  const old = await deps.db.selectFrom('sessions').select(['id', 'project_id'])
    .where('status', 'in', ['completed', 'expired', 'canceled']).where('erased_at', 'is', null).where('updated_at', '<', cutoff)
    .limit(500).execute();
  for (const s of old) await eraseSession(deps, s.project_id, s.id, systemActor(s.project_id, 'retention'));
  if (old.length) deps.log.info('retention erased sessions', { count: old.length });
  return { sessions: old.length };
}
