import type { Actor } from '../domain/actor.ts';
import type { Deps } from '../deps.ts';
import { loadSession } from './rows.ts';
import { execute } from './store.ts';

/** Cancels an open session (capture not submitted, or waiting for an agent); the aggregate refuses the rest. */
export async function cancelSession(deps: Deps, projectId: string, id: string, actor: Actor) {
  await loadSession(deps.db, projectId, id);
  await execute(deps, { projectId, sessionId: id }, { type: 'cancel' }, actor);
  return { id, status: 'canceled' as const };
}
