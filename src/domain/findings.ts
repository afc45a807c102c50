// The closed list of finding codes the verification stages may report, each with the severity the
// decision policy gives it. One object is both the list and the mapping: a code cannot exist without
// a severity, and a code that is not here does not compile where a finding is built (`FindingCode`).
// The codes and the messages built with them are API (decision reasons, webhooks, docs/api.md).

export type Severity = 'decline' | 'review';

export const FINDING_SEVERITY = {
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
  // Declines when the software feeds any video (OBS, ManyCam…); the stage marks phone-as-webcam apps and filters non-blocking (review).
  virtual_camera: 'decline',
  camera_injection: 'decline',
  // Not raised while AV sync calls half of genuine talkers out of step (docs/speech.md); kept so the
  // code stays known to API clients and the dashboard's words for reasons.
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
  // Risk flags (risk/policy.ts RISK_FLAGS, as `risk_<flag>`; the risk stage checks it names only
  // these). The severity here is the fallback: the risk stage sets each finding's severity from
  // the project's risk policy.
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
} as const satisfies Record<string, Severity>;

export type FindingCode = keyof typeof FINDING_SEVERITY;

/** The codes as a non-empty tuple (for `z.enum`). */
export const FINDING_CODES = Object.keys(FINDING_SEVERITY) as [FindingCode, ...FindingCode[]];

/**
 * What a stage reports. `blocking: false` marks a signal its stage knows is too weak to reject on
 * (e.g. a delivery stall in an otherwise live video): it may send the session to review but never
 * declines it on its own, whatever its code's severity. `severity` overrides the code's severity
 * (risk findings carry their project's policy).
 */
export interface StageFinding {
  code: FindingCode;
  message: string;
  details?: unknown;
  blocking?: boolean;
  severity?: Severity;
}
