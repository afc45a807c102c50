import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';

/** Scheduled job: sessions still open past `expires_at` become `expired`. Also sweeps used nonces. */
export async function expireSessions(deps: Deps): Promise<number> {
  const now = iso(deps.clock.now());
  const res = await deps.db.updateTable('sessions').set({ status: 'expired', updated_at: now })
    .where('status', 'in', ['pending', 'in_progress']).where('expires_at', '<=', now).executeTakeFirst();
  await deps.db.deleteFrom('nonces').where('expires_at', '<', now).execute();
  const n = Number(res.numUpdatedRows);
  if (n) deps.log.info('sessions expired', { count: n });
  return n;
}
