import type { Finding } from '../domain/decision.ts';
import type { Deps } from '../deps.ts';
import type { JobContext } from '../queue/catalogue.ts';
import { videoResults } from '../sessions/get-session.ts';
import { loadSession } from '../sessions/rows.ts';
import { finishSession } from './finish-session.ts';
import { runStages, type Stage, type StageResult } from './pipeline.ts';

/** Stage results carry `findings`; the policy turns them into a decision. */
export function collectFindings(results: Record<string, StageResult>): Finding[] {
  const out: Finding[] = [];
  for (const [stage, r] of Object.entries(results)) {
    const fs = (r as { findings?: Array<{ code: string; message: string; details?: unknown }> }).findings ?? [];
    for (const f of fs) out.push({ ...f, stage });
  }
  return out;
}

export function makeVerifySession(deps: Deps, stages: Stage[]) {
  return async (payload: { sessionId: string; projectId: string }, job: JobContext) => {
    const session = await loadSession(deps.db, payload.projectId, payload.sessionId);
    if (session.status !== 'processing') {
      deps.log.info('verify-session skipped: session not processing', { session: session.id, status: session.status });
      return;
    }
    const results = await runStages(deps, session, stages, job.signal);
    const findings = collectFindings(results);
    // Never approve on evidence we did not gather: without a face comparison there is no identity
    // verification, only a human can decide.
    const needsFaces = session.profile.steps.some((s) => s === 'selfie' || s === 'video');
    if (needsFaces && !results.face_match) {
      findings.push({ code: 'verification_incomplete', message: 'face verification did not run', stage: 'decision' });
    }
    const video = await deps.db.selectFrom('artifacts').select('meta').where('session_id', '=', session.id).where('kind', '=', 'video').executeTakeFirst();
    await finishSession(deps, session, findings, videoResults(results as Record<string, Record<string, unknown>>, video?.meta ?? null));
  };
}
