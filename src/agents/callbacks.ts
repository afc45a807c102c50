import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { callbackMessage } from '../calls/messages.ts';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { logActivity } from './activity.ts';

// Callback requests: the fallback when no agent can take the user now. Stored with the session,
// listed to the project's agents, ticked off when someone called back.


export async function requestCallback(deps: Deps, projectId: string, sessionId: string, m: z.infer<typeof callbackMessage>) {
  const id = `cbk_${randomUUID()}`;
  await deps.db.insertInto('callback_requests').values({
    id, project_id: projectId, session_id: sessionId, phone: m.phone, preferred_time: m.preferred_time ?? null, note: m.note ?? null,
    created_at: deps.clock.now().toISOString(), done_at: null, done_by: null,
  }).execute();
  return id;
}

const view = (c: { id: string; session_id: string; phone: string; preferred_time: string | null; note: string | null; created_at: string; done_at: string | null; done_by: string | null }) =>
  ({ id: c.id, session_id: c.session_id, phone: c.phone, preferred_time: c.preferred_time, note: c.note, created_at: c.created_at, done_at: c.done_at, done_by: c.done_by });

export async function listCallbacks(deps: Deps, projectId: string) {
  const rows = await deps.db.selectFrom('callback_requests').selectAll().where('project_id', '=', projectId).orderBy('created_at').limit(500).execute();
  return { object: 'list' as const, data: rows.map(view) };
}

export async function callbackDone(deps: Deps, actor: Actor, id: string) {
  const now = deps.clock.now();
  const r = await deps.db.updateTable('callback_requests').set({ done_at: now.toISOString(), done_by: actor.id })
    .where('project_id', '=', actor.projectId).where('id', '=', id).where('done_at', 'is', null).executeTakeFirst();
  const row = await deps.db.selectFrom('callback_requests').selectAll().where('project_id', '=', actor.projectId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('callback_not_found', `no callback request ${id}`);
  if (Number(r.numUpdatedRows) === 1) await logActivity(deps.db, now, { projectId: actor.projectId, userId: actor.id, sessionId: row.session_id, action: 'callback.done' });
  return view(row);
}
