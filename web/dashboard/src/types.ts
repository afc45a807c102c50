// Shapes the dashboard reads from /dashboard/api (docs/dashboard-api.md). Only the fields the pages
// use; the raw answer stays one click away in the evidence viewer.

export type Role = 'admin' | 'reviewer' | 'agent' | 'auditor';

export interface Me {
  object: 'me';
  user: { id: string; login: string; display_name: string; totp_enabled: boolean };
  project: { id: string; name: string } | null;
  roles: Role[];
  projects: Array<{ id: string; name: string }>;
  pending: Array<'password_change' | 'totp_enrolment'>;
  csrf_token: string;
}

export interface Actor { kind: string; id: string; name?: string }
export interface Claim { by: Actor; expires_at: string; mine: boolean }
export interface PendingApproval { result: string; by: Actor; at: string; reason_code?: string; notes?: string | null }

export interface SessionRow {
  id: string; status: string; state?: string; result: string | null; reasons?: string[];
  video_mode?: string; language?: string; external_id: string | null; account_id: string | null;
  face_score?: number | null; created_at: string; updated_at?: string; decided_at?: string | null; decided_by?: string | null;
  review_claim?: Claim | null; pending_approval?: PendingApproval | null;
}

export interface ListPage<T> { object: 'list'; data: T[]; has_more: boolean; next_cursor: string | null }
export type Facets = { object: 'facets'; total: number } & Record<'status' | 'result' | 'reason' | 'mode' | 'language', Record<string, number>>;

export interface MediaRef { url: string; content_type: string; bytes: number }
export interface FacePair { pair: string; label: string; score: number; threshold: number; decline_below: number; outcome: 'match' | 'review' | 'mismatch'; images?: { a: string | null; b: string | null } }
export interface Challenge { type: string; window: [number, number]; detected_at: number | null; passed: boolean | null }
/** A sampled frame: how many faces it had and the first one's box (video pixels). */
export interface Frame { t: number; count: number; faces: Array<{ box: [number, number, number, number] }> }
export interface Segment { start: number; end: number; text: string }
export interface EvidenceReason { code: string; sentence: string; severity: string; stage?: string; evidence?: unknown }

export interface SessionCore {
  id: string; status: string; state: string; result: string | null;
  decision: { result: string; reasons: Array<{ code: string; message: string }>; decided_by: string; decided_at: string; outcome?: string } | null;
  profile: { steps: string[]; video_mode?: string; video_language?: string };
  external_id: string | null; account_id: string | null; expected_data: Record<string, unknown> | null;
  created_at: string; completed_at: string | null; reviewed_at: string | null; reviewed_by: Actor | null;
  review_claim: { actor?: Actor; by?: Actor; expires_at: string } | null;
  pending_approval?: PendingApproval | null;
  risk?: { risk_score: number; risk_flags: string[] } | null;
}

export interface Evidence {
  object: 'evidence';
  session: SessionCore;
  media: Partial<Record<'document_front' | 'document_back' | 'selfie' | 'video' | 'best_frame' | 'document_portrait', MediaRef | null>>;
  document: { read: boolean; error: string | null; mrz: { fields: Array<{ name: string; value: string | null; expected: string | null; match: boolean | null }>; check_digits: Array<{ name: string; passed: boolean }>; data_checks: Array<{ code: string; passed: boolean; message: string }> } | null } | null;
  faces: { threshold: number; pairs: FacePair[] } | null;
  video: { url: string; duration_seconds: number | null; challenges: Challenge[]; frames: Frame[]; transcript: { text: string; segments: Segment[] } | null; phrase: { expected: string; attempts: Array<Record<string, unknown>> } | null; flags: Array<{ t: number | null; code: string; label: string }> } | null;
  reasons: EvidenceReason[];
  client: Record<string, unknown> | null;
  risk: Record<string, unknown> | null;
  webhooks: Array<{ id: string; event: string; url?: string; status: string; attempts: number; created_at: string }>;
  audit: Array<{ action: string; actor: string | Actor; details: unknown; created_at: string }>;
  raw: unknown;
}

export interface ReviewReason { code: string; label: string; actions: Array<'approve' | 'decline' | 'request_resubmission'> }

export interface Stats {
  object: 'stats'; from: string; to: string;
  sessions_per_day: Array<{ day: string; total: number; approved: number; declined: number; needs_review: number; open: number }>;
  rates: { approved: number; declined: number; needs_review: number };
  median_seconds_to_decision: { auto: number | null; human: number | null };
  reviewer_throughput: Array<{ user_id: string; name: string; decisions: number }>;
  scores: Record<string, { threshold: number; buckets: Array<{ from: number; to: number; count: number }> }>;
  top_reasons: Array<{ code: string; label: string; count: number }>;
}
