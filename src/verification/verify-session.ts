import type { Finding } from '../domain/decision.ts';
import type { Deps } from '../deps.ts';
import { type JobContext, UnrecoverableError } from '../queue/catalogue.ts';
import { videoResults } from '../sessions/get-session.ts';
import { loadSession } from '../sessions/rows.ts';
import { finishSession } from './finish-session.ts';
import { checkPipeline, type RunResults, runStages, type Stage } from './pipeline.ts';
import { StageResultError } from './stage-errors.ts';

/** Stage results carry `findings`; the policy turns them into a decision. */
export function collectFindings(results: RunResults): Finding[] {
  const out: Finding[] = [];
  for (const [stage, r] of results.entries()) {
    for (const f of r.findings ?? []) out.push({ ...f, stage });
  }
  return out;
}

export function makeVerifySession(deps: Deps, stages: Stage[]) {
  // At start-up: a stage that reads a result no earlier stage produces never reaches a session.
  checkPipeline(stages);
  return async (payload: { sessionId: string; projectId: string }, job: JobContext) => {
    const session = await loadSession(deps.db, payload.projectId, payload.sessionId);
    if (session.status !== 'processing') {
      deps.log.info('verify-session skipped: session not processing', { session: session.id, status: session.status });
      return;
    }
    const results = await runStages(deps, session, stages, job.signal).catch((e: unknown) => {
      // A result that fails its schema fails the same way on every attempt: give up now, so the
      // session ends in review (processing_failed) instead of after the whole retry schedule.
      if (e instanceof StageResultError) throw new UnrecoverableError(e.message);
      throw e;
    });
    const findings = collectFindings(results);
    // Never approve on evidence we did not gather: without a face comparison there is no identity
    // verification, only a human can decide.
    const needsFaces = session.profile.steps.some((s) => s === 'selfie' || s === 'video');
    if (needsFaces && !results.has('face_match')) {
      findings.push({ code: 'verification_incomplete', message: 'face verification did not run', stage: 'decision' });
    }
    const video = await deps.db.selectFrom('artifacts').select('meta').where('session_id', '=', session.id).where('kind', '=', 'video').executeTakeFirst();
    const numbers = { probe: results.get('probe'), face_match: results.get('face_match'), liveness: results.get('liveness'), speech: results.get('speech') };
    await finishSession(deps, session, findings, videoResults(numbers, video?.meta ?? null));
  };
}
