import { systemActor } from '../domain/actor.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { CommandRejected, execute } from './store.ts';

/** Sessions one sweep expires at most; it runs every minute, so a backlog clears in a few runs. */
const BATCH = 500;

/** Scheduled job: sessions still open past `expires_at` become `expired` (the aggregate's `expire`). Also sweeps used nonces. */
export async function expireSessions(deps: Deps): Promise<number> {
  const now = iso(deps.clock.now());
  const due = await deps.db.selectFrom('sessions').select(['id', 'project_id'])
    .where('state', 'in', ['pending', 'in_progress', 'awaiting_agent']).where('erased_at', 'is', null).where('expires_at', '<=', now)
    .orderBy('expires_at').limit(BATCH).execute();
  let n = 0;
  for (const s of due) {
    try {
      await execute(deps, { projectId: s.project_id, sessionId: s.id }, { type: 'expire' }, systemActor(s.project_id, 'expiry'));
      n++;
    } catch (e) {
      // Submitted or canceled between the select and the command: nothing to expire.
      if (!(e instanceof CommandRejected)) throw e;
    }
  }
  await deps.db.deleteFrom('nonces').where('expires_at', '<', now).execute();
  if (n) deps.log.info('sessions expired', { count: n });
  return n;
}
