import { type Actor, captureActor } from '../domain/actor.ts';
import { isLiveAgentState } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { CHALLENGE_TIMEOUT_SECONDS } from './capture-plan.ts';
import { captureReportFor, type CompleteCaptureBody } from './capture-report.ts';
import type { SessionRecord } from './rows.ts';
import type { ClientInfo } from './schemas.ts';
import { execute } from './store.ts';

/** Adds `session_id` and `status` to the caller's redirect URL (the seed's "redirect back"). */
export function redirectWith(url: string | null, sessionId: string, status: string): string | null {
  if (!url) return null;
  const u = new URL(url);
  u.searchParams.set('session_id', sessionId);
  u.searchParams.set('status', status);
  return u.toString();
}

/**
 * The user finished capturing. Self-record sessions move to `processing`, and the verify job goes to
 * the outbox in the same transaction (a crash cannot leave a processing session without its job).
 * Live-agent sessions join the agents' queue (`awaiting_agent`; the call is a later capability).
 * `waiting_room` in the answer is that state, as the page has always read it.
 */
export async function completeCapture(deps: Deps, s: SessionRecord, body: CompleteCaptureBody = {}, actor: Actor = captureActor(s.project_id, s.id)) {
  const report = captureReportFor(body, s.capture_plan);
  const next = await execute(deps, { projectId: s.project_id, sessionId: s.id }, { type: 'complete', report }, actor);
  if (next.session.state === 'awaiting_agent') return { session_id: s.id, status: 'in_progress' as const, waiting_room: true, redirect_url: null };
  return { session_id: s.id, status: 'processing' as const, waiting_room: false, redirect_url: redirectWith(s.redirect_url, s.id, 'processing') };
}

export async function saveClientInfo(deps: Deps, s: SessionRecord, info: ClientInfo, network: { ip: string | null; socket_ip?: string | null; forwarded_for?: string | null }, actor: Actor = captureActor(s.project_id, s.id)) {
  const received = { ...info, ip_address: network.ip, socket_ip: network.socket_ip ?? null, forwarded_for: network.forwarded_for ?? null, received_at: iso(deps.clock.now()) };
  await execute(deps, { projectId: s.project_id, sessionId: s.id }, { type: 'client_info_recorded', info: received }, actor);
  return { ok: true as const };
}

/** What the capture page needs to render the flow. */
export async function captureView(deps: Deps, s: SessionRecord) {
  const have = (await deps.db.selectFrom('artifacts').select('kind').where('session_id', '=', s.id).execute()).map((a) => a.kind);
  const expired = (s.status === 'pending' || s.status === 'in_progress') && new Date(s.expires_at) <= deps.clock.now();
  return {
    session_id: s.id,
    status: expired ? ('expired' as const) : s.status,
    steps: s.profile.steps,
    video_mode: s.profile.video_mode,
    video_max_duration: s.profile.video_max_duration,
    language: s.profile.video_language,
    expires_at: s.expires_at,
    completed_steps: have,
    document_back_required: s.profile.document_back,
    redirect_url: redirectWith(s.redirect_url, s.id, s.status),
    waiting_room: isLiveAgentState(s.state),
    phrase: s.capture_plan?.phrase ?? null,
    challenges: s.capture_plan?.challenges ?? [],
    challenge_timeout_seconds: CHALLENGE_TIMEOUT_SECONDS,
  };
}
