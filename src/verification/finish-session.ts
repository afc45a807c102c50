import { decide, type Finding } from '../domain/decision.ts';
import { canTransition, mayDecide } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { audit } from '../sessions/audit.ts';
import { videoResults } from '../sessions/get-session.ts';
import type { VideoResults } from '../sessions/views.ts';
import { loadSession, type SessionRecord } from '../sessions/rows.ts';
import { emitEvent } from '../webhooks/events.ts';
import { readStoredResults } from './results/read.ts';
import type { StageResults } from './results/index.ts';

// Every way a processing session ends goes through here: the pipeline's decision, a verification
// that failed for good (the job runner gave up) and the sweep of sessions stuck in `processing`.
// One transaction: the status, the decision, the audit record and the `video.completed` event
// commit together, and only if the session is still processing without a decision.

/**
 * Stored results of the session's finished stages, by stage name (for the webhook's numbers). A
 * result that fails its schema gives no number (null), and the log says which stage it was.
 */
async function storedResults(deps: Deps, sessionId: string): Promise<StageResults> {
  const rows = await deps.db.selectFrom('stage_runs').select(['stage', 'result']).where('session_id', '=', sessionId).where('status', '=', 'completed').execute();
  const { results, invalid } = readStoredResults(rows);
  for (const e of invalid) deps.log.warn('stored stage result refused', { session: sessionId, stage: e.stage, err: e.message });
  return results;
}

/** Decides a processing session from findings; returns false when it was no longer processing. */
export async function finishSession(deps: Deps, session: SessionRecord, findings: Finding[], numbers?: VideoResults): Promise<boolean> {
  const { result, reasons } = decide(findings);
  const decision = { result, reasons, decided_by: 'auto', decided_at: iso(deps.clock.now()) };
  if (!numbers) {
    const video = await deps.db.selectFrom('artifacts').select('meta').where('session_id', '=', session.id).where('kind', '=', 'video').executeTakeFirst();
    numbers = videoResults(await storedResults(deps, session.id), video?.meta ?? null);
  }
  const nums = numbers;
  return deps.db.transaction().execute(async (tx) => {
    const fresh = await loadSession(tx, session.project_id, session.id);
    if (!canTransition(fresh.status, 'completed') || !mayDecide(fresh.decision, decision)) return false;
    const now = iso(deps.clock.now());
    const res = await tx.updateTable('sessions').set({ status: 'completed', result, decision: JSON.stringify(decision), completed_at: now, updated_at: now })
      .where('id', '=', session.id).where('status', '=', 'processing').executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    await audit(tx, deps.clock, { projectId: session.project_id, sessionId: session.id, action: 'decision.auto', actor: 'auto', details: { result, reasons: reasons.map((r) => r.code) } });
    await emitEvent(deps, tx, session.project_id, 'video.completed', {
      session_id: session.id,
      video_mode: session.profile.video_mode,
      status: 'completed',
      result,
      reasons: reasons.map((r) => r.code),
      external_id: session.external_id,
      ...nums,
    });
    return true;
  });
}

/**
 * Ends a session whose verification cannot finish (the job failed its last attempt, or nothing is
 * working on it any more): `needs_review` with `processing_failed`, so a human looks at it and the
 * integrator hears about it, instead of a session that stays `processing` forever.
 */
export async function endUnprocessable(deps: Deps, projectId: string, sessionId: string, why: 'job_failed' | 'stuck'): Promise<boolean> {
  const session = await loadSession(deps.db, projectId, sessionId);
  if (session.status !== 'processing') return false;
  const message = why === 'job_failed' ? 'verification failed repeatedly; a reviewer must decide' : 'verification did not finish in time; a reviewer must decide';
  const ended = await finishSession(deps, session, [{ code: 'processing_failed', message, stage: 'verification', details: { reason: why } }]);
  if (ended) deps.log.warn('session ended unprocessed', { session: sessionId, reason: why });
  return ended;
}
