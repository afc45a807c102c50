import type { Reason, Result } from './session.ts';

// The decision policy: every stage reports findings; the policy maps each finding code to a
// severity. `decline` findings decline, `review` findings send the session to a human, and the
// session is approved only when the evidence it needs is there and positive.

export type Severity = 'decline' | 'review';

export const FINDING_SEVERITY: Record<string, Severity> = {
  media_unusable: 'decline',
  no_face: 'decline',
  multiple_faces: 'review',
  face_changed: 'decline',
  face_mismatch: 'decline',
  face_match_uncertain: 'review',
  low_quality: 'review',
  liveness_failed: 'decline',
  liveness_uncertain: 'review',
  challenge_failed: 'decline',
  replay_suspected: 'decline',
  virtual_camera: 'review',
  camera_injection: 'decline',
  av_sync_failed: 'review',
  phrase_mismatch: 'review',
  transcriber_unavailable: 'review',
  document_expired: 'decline',
  mrz_invalid: 'review',
  document_unreadable: 'review',
  document_data_mismatch: 'review',
  repeat_face: 'review',
  blocked_face: 'decline',
  blocked_account: 'decline',
  blocked_document: 'decline',
  blocked_ip: 'review',
  verification_incomplete: 'review',
  processing_failed: 'review',
  // Risk flags (risk/policy.ts). The severity here is the fallback; the risk stage sets each
  // finding's severity from the project's risk policy.
  risk_tor: 'decline',
  risk_recent_fraud_ip: 'decline',
  risk_automation: 'decline',
  risk_vpn: 'review',
  risk_proxy: 'review',
  risk_datacenter: 'review',
  risk_spoofed_ip: 'review',
  risk_headless: 'review',
  risk_emulator: 'review',
  risk_virtual_camera: 'review',
  risk_timezone_mismatch: 'review',
  risk_language_mismatch: 'review',
  risk_impossible_travel: 'review',
  risk_ip_mismatch: 'review',
  risk_user_agent_mismatch: 'review',
  risk_device_timezone_mismatch: 'review',
};

/**
 * `blocking: false` marks a signal its stage knows is too weak to reject on (e.g. a delivery stall in
 * an otherwise live video): it may send the session to review but never declines it on its own,
 * whatever its code's severity. Findings without the field keep their code's severity.
 * `severity` overrides the code's severity (risk findings carry their project's policy).
 */
export interface Finding extends Reason { stage: string; blocking?: boolean; severity?: Severity }

export function decide(findings: Finding[]): { result: Result; reasons: Finding[] } {
  const sev = (f: Finding): Severity => (f.blocking === false ? 'review' : f.severity ?? FINDING_SEVERITY[f.code] ?? 'review');
  if (findings.some((f) => sev(f) === 'decline')) return { result: 'declined', reasons: findings };
  if (findings.length > 0) return { result: 'needs_review', reasons: findings };
  return { result: 'approved', reasons: [] };
}
