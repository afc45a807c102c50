import { systemActor } from '../domain/actor.ts';
import { sessionBlobPrefix } from '../sessions/blob-keys.ts';
import { isErased, recordEvidence } from '../sessions/store.ts';
import type { RunContext } from './pipeline.ts';

/**
 * Stores an evidence image (best frame crop, document portrait…) next to the session's media, as an
 * artifact row so it gets a signed URL in `GET /v1/sessions/{id}` and is erased with the session.
 * A session erased while the image was being written refuses the row (session_erased); the image
 * then goes too, since erase may already have emptied the session's blobs.
 */
export async function saveEvidence(ctx: RunContext, kind: string, jpeg: Uint8Array, meta: Record<string, unknown> = {}): Promise<string> {
  const s = ctx.session;
  const key = `${sessionBlobPrefix(s.project_id, s.id)}evidence/${kind}.jpg`;
  await ctx.deps.blobs.put(key, jpeg);
  const row = { kind, blob_key: key, content_type: 'image/jpeg', bytes: jpeg.length, meta: JSON.stringify({ evidence: true, ...meta }) };
  try {
    await recordEvidence(ctx.deps, { projectId: s.project_id, sessionId: s.id }, row, systemActor(s.project_id, 'pipeline'));
  } catch (e) {
    if (isErased(e)) await ctx.deps.blobs.delete(key).catch(() => undefined);
    throw e;
  }
  return kind;
}
