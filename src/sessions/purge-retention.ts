import { addSeconds, iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { eraseSession } from './erase-session.ts';
import { systemActor } from '../domain/actor.ts';

/**
 * Scheduled job: with RETENTION_DAYS > 0, finished sessions older than that are erased the same way
 * `DELETE /v1/sessions/{id}` erases them (blobs, derived data; tombstone + audit record stay).
 * Also drops finished job rows after 7 days so the jobs table does not grow forever.
 */
export async function purgeRetention(deps: Deps): Promise<{ sessions: number }> {
  const now = deps.clock.now();
  await deps.db.deleteFrom('jobs').where('status', 'in', ['completed', 'failed']).where('updated_at', '<', iso(addSeconds(now, -7 * 86400))).execute();
  if (deps.config.RETENTION_DAYS <= 0) return { sessions: 0 };
  const cutoff = iso(addSeconds(now, -deps.config.RETENTION_DAYS * 86400));
  const old = await deps.db.selectFrom('sessions').select(['id', 'project_id'])
    .where('status', 'in', ['completed', 'expired', 'canceled']).where('erased_at', 'is', null).where('updated_at', '<', cutoff)
    .limit(500).execute();
  for (const s of old) await eraseSession(deps, s.project_id, s.id, systemActor(s.project_id, 'retention'));
  if (old.length) deps.log.info('retention erased sessions', { count: old.length });
  return { sessions: old.length };
}
