import type { Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { loadRawSession } from './rows.ts';
import { sessionBlobPrefix } from './blob-keys.ts';
import { removeScratchOf, scratchRoot } from '../storage/scratch.ts';
import { deleteTemplate } from '../duplicates/templates.ts';
import { eraseFinished, markErased, purgeErased } from './store.ts';
import { deleteHandoffsOf } from '../handoff/handoffs.ts';

/**
 * Erases every artifact and derived datum of a session (media, evidence crops, stage results,
 * client info, decision details, webhook payloads, stored idempotent answers, outbox rows, scratch
 * files, hand-off links) and keeps a tombstone row (id, project, timestamps, erased_at) and an audit record with
 * what was removed. Three steps:
 * 1. the session is marked erased: from then on the store refuses every write to it, so a
 *    verification still running (here or in another process) stops and writes nothing more;
 * 2. the bytes go (blobs — unfinished resumable-upload chunks are blobs under the session's prefix
 *    too —, scratch, the face template);
 * 3. the rows go, with the audit record.
 * A crash in between leaves a session whose erase has no audit record yet: `DELETE` runs again
 * (it is not a 404 until the audit record exists) and finishes it.
 */
export async function eraseSession(deps: Deps, projectId: string, id: string, actor: Actor) {
  const ref = { projectId, sessionId: id };
  const s = await loadRawSession(deps.db, projectId, id);
  if (!s || (s.erased_at && (await eraseFinished(deps.db, ref)))) throw new AppError('session_not_found', `no session ${id}`);
  if (!s.erased_at) await markErased(deps, ref, actor);
  const blobs = await deps.blobs.deletePrefix(sessionBlobPrefix(projectId, id));
  // Bytes outside the blob store: the session's scratch (a job or upload in flight, or one a
  // killed process left behind).
  await removeScratchOf(scratchRoot(deps.config.DATA_DIR), id);
  // The face template is biometric data: it goes with the session, from the table and the index.
  const templates = await deleteTemplate(deps, projectId, id);
  // Hand-off links of the session (src/handoff owns that table): after the mark, so no phone can
  // open one of them in between and get a token for an erased session.
  const handoffs = await deleteHandoffsOf(deps, projectId, id);
  await purgeErased(deps, ref, actor, { blobs_deleted: blobs, face_templates_deleted: templates, handoffs_deleted: handoffs });
  const erased = await loadRawSession(deps.db, projectId, id);
  return { id, object: 'session' as const, deleted: true, erased_at: erased?.erased_at ?? null, blobs_deleted: blobs };
}
