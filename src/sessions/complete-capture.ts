import { AppError } from '../domain/errors.ts';
import { requiredArtifacts } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { CHALLENGE_TIMEOUT_SECONDS } from './capture-plan.ts';
import { captureReportFor, type CompleteCaptureBody } from './capture-report.ts';
import type { SessionRecord } from './rows.ts';
import type { ClientInfo } from './schemas.ts';

/** Adds `session_id` and `status` to the caller's redirect URL (the seed's "redirect back"). */
export function redirectWith(url: string | null, sessionId: string, status: string): string | null {
  if (!url) return null;
  const u = new URL(url);
  u.searchParams.set('session_id', sessionId);
  u.searchParams.set('status', status);
  return u.toString();
}

/**
 * The user finished capturing. Self-record sessions move to `processing` and the verify job is
 * enqueued in the same transaction (a crash cannot leave a processing session without its job).
 * Live-agent sessions wait in the waiting room for an agent (the call is a later capability).
 */
export async function completeCapture(deps: Deps, s: SessionRecord, body: CompleteCaptureBody = {}) {
  const report = captureReportFor(body, s.capture_plan);
  const have = new Set((await deps.db.selectFrom('artifacts').select('kind').where('session_id', '=', s.id).execute()).map((a) => a.kind));
  const missing = requiredArtifacts(s.profile).filter((k) => !have.has(k));
  if (missing.length) throw new AppError('steps_incomplete', `missing: ${missing.join(', ')}`, { missing });
  const now = iso(deps.clock.now());
  if (s.profile.video_mode === 'live_agent' && s.profile.steps.includes('video')) {
    const plan = { ...(s.capture_plan ?? { phrase: null, challenges: [] }), waiting_room: true, ...(report ? { page_report: report } : {}) };
    await deps.db.updateTable('sessions').set({ status: 'in_progress', capture_plan: JSON.stringify(plan), updated_at: now }).where('id', '=', s.id).execute();
    return { session_id: s.id, status: 'in_progress' as const, waiting_room: true, redirect_url: null };
  }
  await deps.db.transaction().execute(async (tx) => {
    // The page's report is stored with the plan it refers to, in the same update that starts processing.
    const plan = report ? { capture_plan: JSON.stringify({ ...(s.capture_plan ?? { phrase: null, challenges: [], waiting_room: false }), page_report: report }) } : {};
    const res = await tx.updateTable('sessions').set({ status: 'processing', updated_at: now, ...plan })
      .where('id', '=', s.id).where('status', 'in', ['pending', 'in_progress']).executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) throw new AppError('session_already_completed', 'this session was already submitted');
    await deps.queueFor(tx).enqueue('verify-session', { sessionId: s.id, projectId: s.project_id }, { dedupeKey: `verify:${s.id}` });
  });
  return { session_id: s.id, status: 'processing' as const, waiting_room: false, redirect_url: redirectWith(s.redirect_url, s.id, 'processing') };
}

export async function saveClientInfo(deps: Deps, s: SessionRecord, info: ClientInfo, network: { ip: string | null; socket_ip?: string | null; forwarded_for?: string | null }) {
  // Device signals describe the capture: once it is submitted (or the session ended) they are
  // evidence, and a later write would rewrite it.
  if (s.status === 'expired') throw new AppError('session_expired', 'this verification session has expired');
  if (s.status === 'canceled') throw new AppError('session_canceled', 'this verification session was canceled');
  if (s.status !== 'pending' && s.status !== 'in_progress') throw new AppError('session_already_completed', 'this verification session is already submitted; device information can no longer change');
  const merged = { ...(s.client_info ?? {}), ...info, ip_address: network.ip, socket_ip: network.socket_ip ?? null, forwarded_for: network.forwarded_for ?? null, received_at: iso(deps.clock.now()) };
  await deps.db.updateTable('sessions').set({ client_info: JSON.stringify(merged), updated_at: iso(deps.clock.now()) }).where('id', '=', s.id).execute();
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
    waiting_room: s.capture_plan?.waiting_room ?? false,
    phrase: s.capture_plan?.phrase ?? null,
    challenges: s.capture_plan?.challenges ?? [],
    challenge_timeout_seconds: CHALLENGE_TIMEOUT_SECONDS,
  };
}
