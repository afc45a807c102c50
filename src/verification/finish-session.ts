import { type Actor, systemActor } from '../domain/actor.ts';
import type { Finding } from '../domain/decision.ts';
import type { Deps } from '../deps.ts';
import { videoResults } from '../sessions/get-session.ts';
import type { VideoResults } from '../sessions/views.ts';
import type { SessionRecord } from '../sessions/rows.ts';
import { CommandRejected, execute } from '../sessions/store.ts';
import { readStoredResults } from './results/read.ts';

// Every way a processing session ends goes through the aggregate: the pipeline's decision
// (`decided` → completed), a verification that failed for good (the job runner gave up) and the
// sweep of sessions stuck in `processing` (`processing_failed` → failed: needs_review with
// `processing_failed`). The store commits the state, the decision, the audit record and the
// `video.completed` event together, and only if the session is still processing without a decision.

/**
 * Stored results of the session's finished stages, by stage name (for the webhook's numbers). A
 * result that fails its schema gives no number (null), and the log says which stage it was.
 */
async function storedNumbers(deps: Deps, sessionId: string): Promise<VideoResults> {
  const rows = await deps.db.selectFrom('stage_runs').select(['stage', 'result']).where('session_id', '=', sessionId).where('status', '=', 'completed').execute();
  const { results, invalid } = readStoredResults(rows);
  for (const e of invalid) deps.log.warn('stored stage result refused', { session: sessionId, stage: e.stage, err: e.message });
  const video = await deps.db.selectFrom('artifacts').select('meta').where('session_id', '=', sessionId).where('kind', '=', 'video').executeTakeFirst();
  return videoResults(results, video?.meta ?? null);
}

/** Commands the aggregate refuses because the session moved on (decided, erased) are not errors here. */
async function endWith(run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (e) {
    if (e instanceof CommandRejected) return false;
    throw e;
  }
}

/** Decides a processing session from findings; returns false when it was no longer processing (or erased). */
export async function finishSession(deps: Deps, session: SessionRecord, findings: Finding[], numbers?: VideoResults, actor: Actor = systemActor(session.project_id, 'pipeline')): Promise<boolean> {
  const nums = numbers ?? (await storedNumbers(deps, session.id));
  return endWith(async () => {
    const done = await execute(deps, { projectId: session.project_id, sessionId: session.id }, { type: 'decided', findings, numbers: { ...nums } }, actor);
    if (done.session.decision) deps.metrics?.decision(done.session.decision.result, 'pipeline');
  });
}

/**
 * Ends a session whose verification cannot finish (the job failed its last attempt, or nothing is
 * working on it any more): state `failed`, which the API shows as `completed`/`needs_review` with
 * `processing_failed`, so a human looks at it and the integrator hears about it, instead of a
 * session that stays `processing` forever.
 */
export async function endUnprocessable(deps: Deps, projectId: string, sessionId: string, why: 'job_failed' | 'stuck'): Promise<boolean> {
  const actor = systemActor(projectId, why === 'job_failed' ? 'job-runner' : 'sweeper');
  const nums = await storedNumbers(deps, sessionId);
  const ended = await endWith(() => execute(deps, { projectId, sessionId }, { type: 'processing_failed', reason: why, numbers: { ...nums } }, actor));
  if (ended) deps.metrics?.decision('needs_review', 'processing_failed');
  if (ended) deps.log.warn('session ended unprocessed', { session: sessionId, reason: why });
  return ended;
}
