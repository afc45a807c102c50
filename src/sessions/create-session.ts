import { newSessionId } from '../domain/ids.ts';
import { addSeconds, iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { getProjectSettings } from '../projects/settings.ts';
import { makeCapturePlan } from './capture-plan.ts';
import { type Actor, systemActor } from '../domain/actor.ts';
import type { SessionsTable } from '../storage/schema.ts';
import { toRecord } from './rows.ts';
import { insertSession } from './store.ts';
import type { CreateSessionBody } from './schemas.ts';
import { captureUrl } from './views.ts';

/** `actor`: the API key (or dashboard user) from authentication; in-process callers (CLI demo, tests) act as the system. */
export async function createSession(deps: Deps, projectId: string, body: CreateSessionBody, actor: Actor = systemActor(projectId, 'internal')) {
  const now = deps.clock.now();
  const selfRecord = body.profile.steps.includes('video') && body.profile.video_mode === 'self_record';
  // Only a self-recorded video has a phrase; then the language's engine and the project's policy decide it.
  const speech = selfRecord ? await deps.engines.speech() : null;
  const settings = selfRecord ? await getProjectSettings(deps.db, projectId) : null;
  const plan = makeCapturePlan({ profile: body.profile, expected: body.expected_data, now,
    ...(speech ? { transcribes: (l) => speech.forLanguage(l) !== null } : {}),
    ...(settings ? { nonEnglishPhrase: settings.non_english_phrase } : {}) });
  const row: SessionsTable = {
    id: newSessionId(),
    project_id: projectId,
    status: 'pending',
    result: null,
    profile: JSON.stringify(body.profile),
    external_id: body.external_id ?? null,
    account_id: body.account_id ?? null,
    referring_session_id: body.referring_session_id ?? null,
    redirect_url: body.redirect_url ?? null,
    metadata: body.metadata ? JSON.stringify(body.metadata) : null,
    expected_data: body.expected_data ? JSON.stringify(body.expected_data) : null,
    client_info: null,
    decision: null,
    phrase_attempts: null,
    capture_plan: plan ? JSON.stringify(plan) : null,
    expires_at: iso(addSeconds(now, body.expires_in)),
    created_at: iso(now),
    updated_at: iso(now),
    completed_at: null,
    recorded_at: null,
    reviewed_at: null,
    agent_id: null,
    agent_notes: null,
    erased_at: null,
    state: 'pending',
    version: 0,
    review_claim: null,
    pending_approval: null,
    face_score: null,
    // Derived by the store from profile and decision (rows.ts listColumns).
    video_mode: null, language: null, reason_codes: null, decided_at: null,
    reviewed_by: null,
  };
  const s = await insertSession(deps, toRecord(row), actor);
  return { id: s.id, object: 'session' as const, status: s.status, profile: s.profile, capture_url: captureUrl(deps, s), expires_at: s.expires_at, created_at: s.created_at, external_id: s.external_id };
}
