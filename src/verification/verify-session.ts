import type { Finding } from '../domain/decision.ts';
import type { Deps } from '../deps.ts';
import { type JobContext, UnrecoverableError } from '../queue/catalogue.ts';
import { videoResults } from '../sessions/get-session.ts';
import { loadRawSession } from '../sessions/rows.ts';
import { execute, isErased } from '../sessions/store.ts';
import { systemActor } from '../domain/actor.ts';
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

class SessionErasedMeanwhile extends Error {}

export function makeVerifySession(deps: Deps, stages: Stage[]) {
  // At start-up: a stage that reads a result no earlier stage produces never reaches a session.
  checkPipeline(stages);
  return async (payload: { sessionId: string; projectId: string }, job: JobContext) => {
    const session = await loadRawSession(deps.db, payload.projectId, payload.sessionId);
    if (!session || session.erased_at || session.state !== 'processing') {
      deps.log.info('verify-session skipped: session not processing', { session: payload.sessionId, state: session?.erased_at ? 'erased' : (session?.state ?? 'absent') });
      return;
    }
    // Erase stops the run: at once when it happens in this process (its realtime event), else at
    // the run's next write, which the store refuses. Either way the job ends done, not failed.
    const abort = new AbortController();
    const onJobAbort = () => abort.abort(job.signal.reason);
    job.signal.addEventListener('abort', onJobAbort, { once: true });
    const unsubscribe = deps.realtime.subscribe(session.project_id, (e) => {
      if (e.type === 'session.erased' && e.sessionId === session.id) abort.abort(new SessionErasedMeanwhile('session erased'));
    });
    try {
      await execute(deps, { projectId: session.project_id, sessionId: session.id }, { type: 'processing_started' }, systemActor(session.project_id, 'pipeline'));
      const results = await runStages(deps, session, stages, abort.signal).catch((e: unknown) => {
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
    } catch (e) {
      if (isErased(e) || abort.signal.reason instanceof SessionErasedMeanwhile || (await loadRawSession(deps.db, session.project_id, session.id))?.erased_at) {
        deps.log.info('verify-session stopped: session erased', { session: session.id });
        return;
      }
      throw e;
    } finally {
      unsubscribe();
      job.signal.removeEventListener('abort', onJobAbort);
    }
  };
}
