import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { audit } from './audit.ts';
import { loadSession } from './rows.ts';
import { sessionBlobPrefix } from './blob-keys.ts';
import { removeScratchOf, scratchRoot } from '../storage/scratch.ts';
import { deleteTemplate } from '../duplicates/templates.ts';

/**
 * Erases every artifact and derived datum of a session (media, evidence crops, stage results,
 * client info, decision details) and keeps a tombstone row (id, project, timestamps, erased_at) and
 * an audit record with what was removed. Blobs are deleted before the rows that point at them, so a
 * crash in between leaves a retriable erase, never an orphaned file nobody knows about.
 */
export async function eraseSession(deps: Deps, projectId: string, id: string, actor: string) {
  await loadSession(deps.db, projectId, id);
  const blobs = await deps.blobs.deletePrefix(sessionBlobPrefix(projectId, id));
  // Unfinished resumable uploads are blobs under the session's prefix, gone with it. Bytes outside
  // the blob store: the session's scratch (a job or upload in flight, or one a killed process left).
  await removeScratchOf(scratchRoot(deps.config.DATA_DIR), id);
  // The face template is biometric data: it goes with the session, from the table and the index.
  const templates = await deleteTemplate(deps, projectId, id);
  const now = iso(deps.clock.now());
  await deps.db.transaction().execute(async (tx) => {
    const artifacts = await tx.deleteFrom('artifacts').where('session_id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
    const stages = await tx.deleteFrom('stage_runs').where('session_id', '=', id).executeTakeFirst();
    await tx.deleteFrom('uploads').where('session_id', '=', id).execute();
    await tx.updateTable('sessions').set({
      erased_at: now, updated_at: now, metadata: null, expected_data: null, client_info: null, capture_plan: null,
      external_id: null, account_id: null, redirect_url: null, agent_notes: null, phrase_attempts: null,
      decision: null,
    }).where('id', '=', id).where('project_id', '=', projectId).execute();
    await audit(tx, deps.clock, {
      projectId, sessionId: id, action: 'session.erased', actor,
      details: { blobs_deleted: blobs, artifacts_deleted: Number(artifacts.numDeletedRows), stage_results_deleted: Number(stages.numDeletedRows), face_templates_deleted: templates },
    });
  });
  return { id, object: 'session' as const, deleted: true, erased_at: now, blobs_deleted: blobs };
}
