import { addSeconds, iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { eraseSession } from './erase-session.ts';
import { systemActor } from '../domain/actor.ts';
import { parseSettings } from '../projects/settings.ts';

/**
 * Finished jobs are kept a week for an operator looking into a failure (a job's last error), then
 * pruned so the queue does not grow forever.
 */
const FINISHED_JOB_KEEP_SECONDS = 7 * 86400;

/**
 * Scheduled job: with RETENTION_DAYS > 0 (or a project's retention_days), finished sessions older than that are erased the same way
 * `DELETE /v1/sessions/{id}` erases them (blobs, derived data; tombstone + audit record stay).
 * Also prunes finished jobs older than FINISHED_JOB_KEEP_SECONDS.
 */
export async function purgeRetention(deps: Deps): Promise<{ sessions: number }> {
  const now = deps.clock.now();
  await deps.queue.prune(addSeconds(now, -FINISHED_JOB_KEEP_SECONDS));
  // Each project's own retention_days (dashboard settings) wins over the server's RETENTION_DAYS.
  const projects = await deps.db.selectFrom('projects').select(['id', 'settings']).execute();
  let erased = 0;
  for (const p of projects) {
    const days = parseSettings(p.settings).retention_days ?? deps.config.RETENTION_DAYS;
    if (days <= 0) continue;
    const cutoff = iso(addSeconds(now, -days * 86400));
    const old = await deps.db.selectFrom('sessions').select(['id', 'project_id']).where('project_id', '=', p.id)
      .where('status', 'in', ['completed', 'expired', 'canceled']).where('erased_at', 'is', null).where('updated_at', '<', cutoff)
      .limit(500 - erased).execute();
    for (const s of old) await eraseSession(deps, s.project_id, s.id, systemActor(s.project_id, 'retention'));
    erased += old.length;
    // Bounded per run (as before): the next run continues.
    if (erased >= 500) break;
  }
  if (erased) deps.log.info('retention erased sessions', { count: erased });
  return { sessions: erased };
}
