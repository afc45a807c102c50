import { iso } from '../domain/time.ts';
import { sessionBlobPrefix } from '../sessions/blob-keys.ts';
import type { RunContext } from './pipeline.ts';

/**
 * Stores an evidence image (best frame crop, document portrait…) next to the session's media, as an
 * artifact row so it gets a signed URL in `GET /v1/sessions/{id}` and is erased with the session.
 */
export async function saveEvidence(ctx: RunContext, kind: string, jpeg: Uint8Array, meta: Record<string, unknown> = {}): Promise<string> {
  const s = ctx.session;
  const key = `${sessionBlobPrefix(s.project_id, s.id)}evidence/${kind}.jpg`;
  await ctx.deps.blobs.put(key, jpeg);
  const now = iso(ctx.deps.clock.now());
  const row = { session_id: s.id, project_id: s.project_id, kind, blob_key: key, content_type: 'image/jpeg', bytes: jpeg.length, meta: JSON.stringify({ evidence: true, ...meta }), created_at: now };
  await ctx.deps.db.insertInto('artifacts').values(row)
    .onConflict((oc) => oc.columns(['session_id', 'kind']).doUpdateSet({ blob_key: key, bytes: jpeg.length, meta: row.meta, created_at: now })).execute();
  return kind;
}
