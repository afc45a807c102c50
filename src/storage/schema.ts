import type { Generated } from 'kysely';

// Row types of the one query layer shared by SQLite and PostgreSQL. JSON is stored as text and
// parsed (with zod where it crosses a trust boundary) on read; timestamps are ISO-8601 UTC text so
// both engines sort and compare them the same way.

export interface ProjectsTable {
  id: string; name: string; created_at: string;
  /** JSON of projects/settings.ts projectSettingsSchema; null: every setting at its default. */
  settings: string | null;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  /** The first characters of the key, shown in listings so a key can be recognised. */
  prefix: string;
  /** SHA-256 of the whole key: keys are high-entropy random strings, so a fast hash suffices. */
  hash: string;
  mode: string;
  created_at: string;
  revoked_at: string | null;
}

export interface SessionsTable {
  id: string;
  project_id: string;
  status: string;
  result: string | null;
  profile: string;
  external_id: string | null;
  account_id: string | null;
  referring_session_id: string | null;
  redirect_url: string | null;
  metadata: string | null;
  expected_data: string | null;
  client_info: string | null;
  decision: string | null;
  capture_plan: string | null;
  phrase_attempts: string | null;
  expires_at: string;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  recorded_at: string | null;
  reviewed_at: string | null;
  agent_id: string | null;
  agent_notes: string | null;
  erased_at: string | null;
  /** The aggregate's state (domain/session.ts SESSION_STATES); `status` is its public projection. */
  state: string;
  /** Optimistic concurrency: every command the store commits bumps it (sessions/store.ts). */
  version: number;
  /** JSON { actor: { kind, id, name? }, expires_at } while a reviewer holds the session; null otherwise. */
  review_claim: string | null;
  /** JSON of who took the human decision: { kind, id, name?, name_source? } (sessions/aggregate.ts). */
  reviewed_by: string | null;
}

export interface ArtifactsTable {
  session_id: string;
  project_id: string;
  kind: string;
  blob_key: string;
  content_type: string;
  bytes: number;
  meta: string | null;
  created_at: string;
}

export interface StageRunsTable {
  session_id: string;
  stage: string;
  status: string;
  attempts: number;
  started_at: string | null;
  finished_at: string | null;
  duration_ms: number | null;
  result: string | null;
  error: string | null;
}

export interface JobsTable {
  id: string;
  name: string;
  payload: string;
  status: string;
  run_at: string;
  attempts: number;
  max_attempts: number;
  lease_until: string | null;
  locked_by: string | null;
  last_error: string | null;
  dedupe_key: string | null;
  /** Fairness group (project id of a webhook delivery); null = no group. */
  group_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface WebhooksTable {
  id: string;
  project_id: string;
  url: string;
  events: string;
  secret: string;
  description: string | null;
  enabled: number;
  created_at: string;
}

export interface WebhookEventsTable {
  id: string;
  project_id: string;
  type: string;
  payload: string;
  created_at: string;
  /** The session the event reports on (erase removes its events); null for events of no session. */
  session_id: string | null;
}

/**
 * Effects committed with a session change that cannot join the SQL transaction themselves (jobs for
 * a queue that may be Redis, realtime events); outbox/relay.ts hands them over after the commit.
 */
export interface OutboxTable {
  id: string;
  project_id: string;
  session_id: string | null;
  /** 'job' | 'realtime' */
  kind: string;
  /** JSON of outbox/outbox.ts OutboxMessage. */
  payload: string;
  created_at: string;
  /** A relay holds the row until then while handing it over (several processes may relay). */
  locked_until: string | null;
}

export interface WebhookDeliveriesTable {
  id: string;
  event_id: string;
  webhook_id: string;
  project_id: string;
  status: string;
  attempts: number;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeliveryAttemptsTable {
  id: Generated<number>;
  delivery_id: string;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
}

export interface IdempotencyTable {
  project_id: string;
  key: string;
  request_hash: string;
  status: number;
  body: string;
  created_at: string;
}

export interface AuditTable {
  id: string;
  project_id: string;
  session_id: string | null;
  action: string;
  actor: string;
  details: string | null;
  created_at: string;
}

export interface NoncesTable { nonce: string; expires_at: string }

export interface UploadsTable {
  id: string;
  session_id: string;
  project_id: string;
  kind: string;
  size: number;
  received: number;
  content_type: string;
  created_at: string;
  /** JSON `[{ offset, key }]`: the chunk blobs so far, in order (null before the first chunk). */
  parts: string | null;
}

export interface Database {
  projects: ProjectsTable;
  api_keys: ApiKeysTable;
  sessions: SessionsTable;
  artifacts: ArtifactsTable;
  stage_runs: StageRunsTable;
  jobs: JobsTable;
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  idempotency_keys: IdempotencyTable;
  audit_log: AuditTable;
  nonces: NoncesTable;
  uploads: UploadsTable;
  risk_ip_entries: RiskIpEntriesTable;
  face_templates: FaceTemplatesTable;
  project_lists: ProjectListsTable;
  users: UsersTable;
  memberships: MembershipsTable;
  login_sessions: LoginSessionsTable;
  login_throttle: LoginThrottleTable;
  outbox: OutboxTable;
  agent_presence: AgentPresenceTable;
  live_queue: LiveQueueTable;
  live_calls: LiveCallsTable;
  callback_requests: CallbackRequestsTable;
  agent_activity: AgentActivityTable;
}

/** Live agent mode (src/agents, migration 013). `status` is what the agent chose: available | away. */
export interface AgentPresenceTable { project_id: string; user_id: string; status: string; changed_at: string; idle_since: string | null }
/** A session waiting for (or assigned to) an agent; `agent_id` set once an agent took it. */
/** `seq`: arrival order where joined_at ties (agents/sequence.ts). */
export interface LiveQueueTable { session_id: string; project_id: string; priority: number; joined_at: string; seq: number; agent_id: string | null; assigned_at: string | null }
/** The agent's side of a session's call: JSON columns written by src/agents only. */
export interface LiveCallsTable {
  session_id: string; project_id: string; agent_id: string | null; questions: string | null; location: string | null; stills: string | null;
  face: string | null; notes: string | null; quality: string | null; started_at: string | null; ended_at: string | null;
  duration_seconds: number | null; end_reason: string | null; updated_at: string;
}
export interface CallbackRequestsTable { id: string; project_id: string; session_id: string; phone: string; preferred_time: string | null; note: string | null; created_at: string; done_at: string | null; done_by: string | null }
export interface AgentActivityTable { id: string; project_id: string; user_id: string; session_id: string | null; action: string; details: string | null; created_at: string; seq: number }

/** A person who signs in to the dashboard (src/accounts). */
export interface UsersTable {
  id: string;
  /** Lower-cased; unique across projects (one person, several projects). */
  login: string;
  display_name: string;
  /** `scrypt$N$r$p$salt$hash` (accounts/password.ts): the parameters travel with each hash. */
  password_hash: string;
  /** 1 after an admin reset or creation with a one-time password: the next sign-in must set a new one. */
  must_change_password: number;
  /** TOTP key sealed under VKYC_SECRET with the user id as associated data; null: not enrolled. */
  totp_secret: string | null;
  /** A key being enrolled (shown once, confirmed by a first code). */
  totp_pending: string | null;
  /** The last accepted TOTP time step: a code is accepted once (RFC 6238 §5.2). */
  totp_last_step: number | null;
  disabled_at: string | null;
  created_at: string;
  last_login_at: string | null;
}

/** One role of a user in a project (a user may hold several roles, in several projects). */
export interface MembershipsTable { user_id: string; project_id: string; role: string; created_at: string }

/** A signed-in dashboard session: the cookie carries the token, the row only its SHA-256. */
export interface LoginSessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  /** The project the dashboard works on (the user's roles are read for it on every request). */
  project_id: string;
  created_at: string;
  last_seen_at: string;
  /** Absolute end; the idle end is last_seen_at + the idle timeout. */
  expires_at: string;
}

/** Consecutive failed sign-ins per typed login (accounts/throttle.ts). */
export interface LoginThrottleTable { login: string; failures: number; last_failure_at: string; locked_until: string | null }

/** One face template per decided session (duplicate-face search). `template`: base64, sealed when BLOB_ENCRYPTION_KEY is set. */
export interface FaceTemplatesTable {
  seq: Generated<number>;
  project_id: string;
  session_id: string;
  account_id: string | null;
  template: string;
  /** Keyed hashes (HMAC under VKYC_SECRET) of the session's linking attributes; null when absent. */
  link_ip: string | null;
  link_fingerprint: string | null;
  link_document_number: string | null;
  link_document_name: string | null;
  created_at: string;
}

/** Block and allow lists: list 'block' | 'allow', kind 'face' | 'ip' | 'account' | 'document_number'. */
export interface ProjectListsTable {
  project_id: string;
  list: string;
  kind: string;
  value: string;
  note: string | null;
  /** kind 'face': the sealed template the entry blocks (copied when added, so it outlives the session). */
  template: string | null;
  created_at: string;
}

/** An operator-supplied IP list entry (risk/ip-lists.ts); project_id '*' applies to every project. */
export interface RiskIpEntriesTable { project_id: string; list: string; cidr: string; source: string | null; created_at: string }
