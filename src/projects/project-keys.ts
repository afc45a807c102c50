import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { newApiKey } from '../domain/signing.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';

// API keys of one project, managed by its dashboard admin (issue 15 item 6). Machines use keys; the
// dashboard never holds one: a new key is shown once, in this answer, and only its hash is stored.

export const createKeyBody = z.strictObject({ mode: z.enum(['live', 'test']).default('live') });

const view = (k: { id: string; prefix: string; mode: string; created_at: string; revoked_at: string | null }) =>
  ({ id: k.id, object: 'api_key' as const, prefix: k.prefix, mode: k.mode, created_at: k.created_at, revoked_at: k.revoked_at });

export async function listProjectKeys(deps: Pick<Deps, 'db'>, actor: Actor) {
  const rows = await deps.db.selectFrom('api_keys').select(['id', 'prefix', 'mode', 'created_at', 'revoked_at'])
    .where('project_id', '=', actor.projectId).orderBy('created_at', 'desc').orderBy('id').execute();
  return { object: 'list' as const, data: rows.map(view) };
}

export async function createProjectKey(deps: Pick<Deps, 'db' | 'clock' | 'log'>, actor: Actor, body: z.infer<typeof createKeyBody>) {
  const k = newApiKey(body.mode);
  const row = { id: `key_${randomUUID()}`, project_id: actor.projectId, prefix: k.prefix, hash: k.hash, mode: body.mode, created_at: iso(deps.clock.now()), revoked_at: null };
  await deps.db.insertInto('api_keys').values(row).execute();
  deps.log.info('api key created from the dashboard', { project: actor.projectId, key: row.id, user: actor.id });
  return { ...view(row), key: k.key };
}

export async function revokeProjectKey(deps: Pick<Deps, 'db' | 'clock' | 'log'>, actor: Actor, id: string) {
  const now = iso(deps.clock.now());
  // Conditional: revoking twice keeps the first date.
  await deps.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('project_id', '=', actor.projectId).where('revoked_at', 'is', null).execute();
  const row = await deps.db.selectFrom('api_keys').select(['id', 'prefix', 'mode', 'created_at', 'revoked_at']).where('id', '=', id).where('project_id', '=', actor.projectId).executeTakeFirst();
  if (!row) throw new AppError('not_found', `no API key ${id} in this project`);
  deps.log.info('api key revoked from the dashboard', { project: actor.projectId, key: id, user: actor.id });
  return view(row);
}
