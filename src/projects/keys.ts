import { newProjectId } from '../domain/ids.ts';
import { hashApiKey, newApiKey } from '../domain/signing.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { randomUUID } from 'node:crypto';

export interface Principal { projectId: string; keyId: string; mode: 'live' | 'test' }

/** Creates the project if no project has this name, then a new key for it. The key is returned once. */
export async function createKey(deps: Pick<Deps, 'db' | 'clock'>, projectName: string, mode: 'live' | 'test' = 'live') {
  const now = iso(deps.clock.now());
  let project = await deps.db.selectFrom('projects').selectAll().where('name', '=', projectName).executeTakeFirst();
  if (!project) {
    project = { id: newProjectId(), name: projectName, created_at: now, settings: null };
    await deps.db.insertInto('projects').values(project).execute();
  }
  const k = newApiKey(mode);
  const keyId = `key_${randomUUID()}`;
  await deps.db.insertInto('api_keys').values({ id: keyId, project_id: project.id, prefix: k.prefix, hash: k.hash, mode, created_at: now, revoked_at: null }).execute();
  return { project, key: k.key, keyId };
}

export async function authenticate(deps: Pick<Deps, 'db'>, key: string): Promise<Principal | null> {
  if (!/^vk_(live|test)_[A-Za-z0-9_-]{20,}$/.test(key)) return null;
  const row = await deps.db.selectFrom('api_keys').select(['id', 'project_id', 'mode']).where('hash', '=', hashApiKey(key)).where('revoked_at', 'is', null).executeTakeFirst();
  return row ? { projectId: row.project_id, keyId: row.id, mode: row.mode as 'live' | 'test' } : null;
}

export async function countProjects(deps: Pick<Deps, 'db'>): Promise<number> {
  const r = await deps.db.selectFrom('projects').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
