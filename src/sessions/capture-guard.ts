import { AppError } from '../domain/errors.ts';
import { acceptsCapture, type Step } from '../domain/session.ts';
import type { Deps } from '../deps.ts';
import { assertDeviceMayCapture } from '../handoff/guard.ts';
import { readCaptureToken } from './capture-token.ts';
import { loadSession, type SessionRecord } from './rows.ts';

/** Resolves a capture token to its session and checks the session still accepts capture. */
export async function captureSession(deps: Deps, token: string, opts: { forWrite: boolean }): Promise<SessionRecord> {
  const claims = readCaptureToken(deps.secret, token, deps.clock.now().getTime());
  const s = await loadSession(deps.db, claims.pid, claims.sid).catch(() => {
    throw new AppError('capture_token_invalid', 'this capture link no longer points to a session');
  });
  if (!opts.forWrite) return s;
  assertAcceptsCapture(deps, s);
  await assertDeviceMayCapture(deps.db, s, claims.hid ?? null);
  return s;
}

export function assertAcceptsCapture(deps: Pick<Deps, 'clock'>, s: SessionRecord) {
  if (s.state === 'expired' || (acceptsCapture(s.state) && new Date(s.expires_at) <= deps.clock.now())) {
    throw new AppError('session_expired', 'this verification session has expired');
  }
  if (s.state === 'canceled') throw new AppError('session_canceled', 'this verification session was canceled');
  // A live-agent session in the agents' queue (or on a call) has submitted its capture.
  if (!acceptsCapture(s.state)) throw new AppError('session_already_completed', 'this verification session is already completed');
}

export function assertStep(s: SessionRecord, step: Step) {
  if (!s.profile.steps.includes(step)) throw new AppError('step_not_in_profile', `this session does not ask for the ${step} step`);
  if (step === 'video' && s.profile.video_mode !== 'self_record') throw new AppError('step_not_in_profile', 'live agent sessions do not upload a recorded video');
}
