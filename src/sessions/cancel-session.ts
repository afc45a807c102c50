import { AppError } from '../domain/errors.ts';
import { canTransition } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { audit } from './audit.ts';
import { loadSession } from './rows.ts';

export async function cancelSession(deps: Deps, projectId: string, id: string, actor: string) {
  const s = await loadSession(deps.db, projectId, id);
  if (!canTransition(s.status, 'canceled')) throw new AppError('session_not_cancelable', `a ${s.status} session cannot be canceled`);
  await deps.db.transaction().execute(async (tx) => {
    const res = await tx.updateTable('sessions').set({ status: 'canceled', updated_at: iso(deps.clock.now()) })
      .where('id', '=', id).where('project_id', '=', projectId).where('status', '=', s.status).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('session_not_cancelable', 'the session changed state meanwhile; retry');
    await audit(tx, deps.clock, { projectId, sessionId: id, action: 'session.canceled', actor });
  });
  return { id, status: 'canceled' as const };
}
