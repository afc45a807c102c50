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
  verification_incomplete: 'review',
};

/**
 * `blocking: false` marks a signal its stage knows is too weak to reject on (e.g. a delivery stall in
 * an otherwise live video): it may send the session to review but never declines it on its own,
 * whatever its code's severity. Findings without the field keep their code's severity.
 */
export interface Finding extends Reason { stage: string; blocking?: boolean }

export function decide(findings: Finding[]): { result: Result; reasons: Finding[] } {
  const sev = (f: Finding): Severity => (f.blocking === false ? 'review' : FINDING_SEVERITY[f.code] ?? 'review');
  if (findings.some((f) => sev(f) === 'decline')) return { result: 'declined', reasons: findings };
  if (findings.length > 0) return { result: 'needs_review', reasons: findings };
  return { result: 'approved', reasons: [] };
}
