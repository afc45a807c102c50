import { decide, type Finding } from '../domain/decision.ts';
import { canTransition, mayDecide } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { JobContext } from '../queue/catalogue.ts';
import { audit } from '../sessions/audit.ts';
import { videoResults } from '../sessions/get-session.ts';
import { loadSession } from '../sessions/rows.ts';
import { emitEvent } from '../webhooks/events.ts';
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
    const { result, reasons } = decide(findings);
    const decision = { result, reasons, decided_by: 'auto', decided_at: iso(deps.clock.now()) };
    const video = await deps.db.selectFrom('artifacts').select('meta').where('session_id', '=', session.id).where('kind', '=', 'video').executeTakeFirst();
    const numbers = videoResults(results as Record<string, Record<string, unknown>>, video?.meta ?? null);
    await deps.db.transaction().execute(async (tx) => {
      const fresh = await loadSession(tx, payload.projectId, payload.sessionId);
      if (!canTransition(fresh.status, 'completed') || !mayDecide(fresh.decision, decision)) return;
      const now = iso(deps.clock.now());
      await tx.updateTable('sessions').set({ status: 'completed', result, decision: JSON.stringify(decision), completed_at: now, updated_at: now })
        .where('id', '=', session.id).where('status', '=', 'processing').execute();
      await audit(tx, deps.clock, { projectId: session.project_id, sessionId: session.id, action: 'decision.auto', actor: 'auto', details: { result, reasons: reasons.map((r) => r.code) } });
      await emitEvent(deps, tx, session.project_id, 'video.completed', {
        session_id: session.id,
        video_mode: session.profile.video_mode,
        status: 'completed',
        result,
        reasons: reasons.map((r) => r.code),
        external_id: session.external_id,
        ...numbers,
      });
    });
  };
}
