import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';

/**
 * Idempotency-Key support: the first request with a key reserves it (status 0), runs, and stores
 * its answer; a retry with the same key and body gets the stored answer; the same key with another
 * body is a 409. A reservation that never completed (crash) expires after a minute.
 */
export async function idempotent<T>(deps: Deps, projectId: string, key: string | undefined, body: unknown, run: () => Promise<{ status: number; body: T }>): Promise<{ status: number; body: T; replayed: boolean }> {
  if (!key) return { ...(await run()), replayed: false };
  if (key.length > 255) throw new AppError('validation_failed', 'Idempotency-Key is too long (max 255)');
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const now = deps.clock.now();
  const inserted = await deps.db.insertInto('idempotency_keys')
    .values({ project_id: projectId, key, request_hash: hash, status: 0, body: '', created_at: iso(now) })
    .onConflict((oc) => oc.columns(['project_id', 'key']).doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) {
    const prev = await deps.db.selectFrom('idempotency_keys').selectAll().where('project_id', '=', projectId).where('key', '=', key).executeTakeFirstOrThrow();
    if (prev.request_hash !== hash) throw new AppError('idempotency_conflict', 'this Idempotency-Key was used with a different request body');
    if (prev.status !== 0) return { status: prev.status, body: JSON.parse(prev.body) as T, replayed: true };
    if (now.getTime() - new Date(prev.created_at).getTime() < 60_000) throw new AppError('idempotency_conflict', 'a request with this Idempotency-Key is still in progress');
    await deps.db.updateTable('idempotency_keys').set({ created_at: iso(now) }).where('project_id', '=', projectId).where('key', '=', key).execute();
  }
  try {
    const res = await run();
    await deps.db.updateTable('idempotency_keys').set({ status: res.status, body: JSON.stringify(res.body) }).where('project_id', '=', projectId).where('key', '=', key).execute();
    return { ...res, replayed: false };
  } catch (e) {
    await deps.db.deleteFrom('idempotency_keys').where('project_id', '=', projectId).where('key', '=', key).execute();
    throw e;
  }
}
