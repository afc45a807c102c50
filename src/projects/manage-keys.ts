import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';

// Operator views of API keys (the CLI's `keys list` and `keys revoke`). A key is named by its id or
// its prefix (the first 16 characters, shown at creation and in listings); the key itself is never
// stored, so it can never be listed.

export interface KeyListing {
  id: string;
  project: string;
  project_id: string;
  prefix: string;
  mode: string;
  created_at: string;
  revoked_at: string | null;
}

/** Every key, newest first, optionally of one project (by name); revoked keys stay listed with their date. */
export async function listKeys(deps: Pick<Deps, 'db'>, o: { project?: string } = {}): Promise<KeyListing[]> {
  let q = deps.db.selectFrom('api_keys').innerJoin('projects', 'projects.id', 'api_keys.project_id')
    .select(['api_keys.id', 'projects.name as project', 'api_keys.project_id', 'api_keys.prefix', 'api_keys.mode', 'api_keys.created_at', 'api_keys.revoked_at']);
  if (o.project !== undefined) q = q.where('projects.name', '=', o.project);
  return q.orderBy('api_keys.created_at', 'desc').orderBy('api_keys.id').execute();
}

export type RevokeOutcome =
  | { outcome: 'revoked'; key: KeyListing }
  | { outcome: 'already_revoked'; key: KeyListing }
  | { outcome: 'not_found' }
  | { outcome: 'ambiguous'; matches: number };

/**
 * Revokes one key by id or prefix. A prefix that several keys share is refused rather than
 * revoking more than the operator meant; revoking twice keeps the first date.
 */
export async function revokeKey(deps: Pick<Deps, 'db' | 'clock'>, idOrPrefix: string): Promise<RevokeOutcome> {
  const all = await listKeys(deps);
  const matches = all.filter((k) => k.id === idOrPrefix || k.prefix === idOrPrefix);
  if (matches.length === 0) return { outcome: 'not_found' };
  if (matches.length > 1) return { outcome: 'ambiguous', matches: matches.length };
  const key = matches[0]!;
  if (key.revoked_at) return { outcome: 'already_revoked', key };
  const now = iso(deps.clock.now());
  await deps.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', key.id).where('revoked_at', 'is', null).execute();
  return { outcome: 'revoked', key: { ...key, revoked_at: now } };
}
