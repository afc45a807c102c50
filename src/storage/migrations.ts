import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { isSealed, sealWebhookSecret } from './secret-box.ts';

export type DialectKind = 'sqlite' | 'postgres';

// Schema migrations, written once with Kysely's schema builder so the same code creates the
// tables on SQLite and PostgreSQL. Append new migrations; never edit a released one.

const initial = (kind: DialectKind): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.createTable('projects')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('revoked_at', 'text').execute();
    await db.schema.createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('profile', 'text', (c) => c.notNull())
      .addColumn('external_id', 'text')
      .addColumn('account_id', 'text')
      .addColumn('referring_session_id', 'text')
      .addColumn('redirect_url', 'text')
      .addColumn('metadata', 'text')
      .addColumn('expected_data', 'text')
      .addColumn('client_info', 'text')
      .addColumn('decision', 'text')
      .addColumn('capture_plan', 'text')
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addColumn('recorded_at', 'text')
      .addColumn('reviewed_at', 'text')
      .addColumn('agent_id', 'text')
      .addColumn('agent_notes', 'text')
      .addColumn('erased_at', 'text').execute();
    await db.schema.createIndex('sessions_project_created').on('sessions').columns(['project_id', 'created_at', 'id']).execute();
    await db.schema.createIndex('sessions_status_expires').on('sessions').columns(['status', 'expires_at']).execute();
    await db.schema.createIndex('sessions_account').on('sessions').columns(['project_id', 'account_id']).execute();
    await db.schema.createTable('artifacts')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('blob_key', 'text', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('bytes', 'integer', (c) => c.notNull())
      .addColumn('meta', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('artifacts_pk', ['session_id', 'kind']).execute();
    await db.schema.createTable('stage_runs')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('stage', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('duration_ms', 'integer')
      .addColumn('result', 'text')
      .addColumn('error', 'text')
      .addPrimaryKeyConstraint('stage_runs_pk', ['session_id', 'stage']).execute();
    await db.schema.createTable('jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('run_at', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_attempts', 'integer', (c) => c.notNull())
      .addColumn('lease_until', 'text')
      .addColumn('locked_by', 'text')
      .addColumn('last_error', 'text')
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createIndex('jobs_claim').on('jobs').columns(['status', 'run_at']).execute();
    await db.schema.createTable('webhooks')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('events', 'text', (c) => c.notNull())
      .addColumn('secret', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('enabled', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('webhook_events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('webhook_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('webhook_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createIndex('deliveries_webhook').on('webhook_deliveries').columns(['webhook_id', 'created_at']).execute();
    await db.schema.createTable('delivery_attempts')
      .addColumn('id', 'integer', (c) => (kind === 'postgres' ? c.primaryKey().generatedAlwaysAsIdentity() : c.primaryKey().autoIncrement()))
      .addColumn('delivery_id', 'text', (c) => c.notNull())
      .addColumn('attempted_at', 'text', (c) => c.notNull())
      .addColumn('status_code', 'integer')
      .addColumn('error', 'text')
      .addColumn('duration_ms', 'integer', (c) => c.notNull()).execute();
    await db.schema.createIndex('attempts_delivery').on('delivery_attempts').column('delivery_id').execute();
    await db.schema.createTable('idempotency_keys')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('request_hash', 'text', (c) => c.notNull())
      .addColumn('status', 'integer', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('idempotency_pk', ['project_id', 'key']).execute();
    await db.schema.createTable('audit_log')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('details', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createIndex('audit_session').on('audit_log').columns(['project_id', 'session_id']).execute();
    await db.schema.createTable('nonces')
      .addColumn('nonce', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('uploads')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('received', 'integer', (c) => c.notNull())
      .addColumn('content_type', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull()).execute();
  },
});

/** Spoken-phrase attempt records submitted from the capture page (JSON array). */
const phraseAttempts: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('sessions').addColumn('phrase_attempts', 'text').execute();
  },
};

/** Fairness group of a job (webhook deliveries: the project), used by the claim to share slots. */
const jobGroups: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('jobs').addColumn('group_key', 'text').execute();
    await db.schema.createIndex('jobs_group').on('jobs').columns(['group_key', 'status']).execute();
  },
};

/**
 * Webhook signing secrets were stored in clear; encrypt every stored one under the key derived from
 * VKYC_SECRET (storage/secret-box.ts). Needs the secret: without one it only succeeds when there is
 * nothing to encrypt, so a process that cannot know the secret never marks the migration done early.
 */
const sealedWebhookSecrets = (ctx: MigrationContext): Migration => ({
  up: (db: Kysely<any>) => sealPlainWebhookSecrets(db, ctx.secret),
});

/** Migration 004's work, exported so a test can run it on rows written in clear by older versions. */
export async function sealPlainWebhookSecrets(db: Kysely<any>, secret: string | undefined): Promise<void> {
  const rows: Array<{ id: string; secret: string }> = await db.selectFrom('webhooks').select(['id', 'secret']).execute();
  const plain = rows.filter((r) => !isSealed(r.secret));
  if (plain.length === 0) return;
  if (!secret) throw new Error('encrypting stored webhook secrets needs VKYC_SECRET (or DATA_DIR/secret.key)');
  for (const r of plain) {
    await db.updateTable('webhooks').set({ secret: sealWebhookSecret(secret, r.id, r.secret) }).where('id', '=', r.id).execute();
  }
}

/**
 * Operator-supplied IP lists for risk signals (tor, vpn, proxy, recent_fraud): one row per address
 * or CIDR; project_id '*' = every project (risk/ip-lists.ts).
 */
const riskIpLists: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('risk_ip_entries')
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('cidr', 'text', (c) => c.notNull())
      .addColumn('source', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('risk_ip_entries_pk', ['project_id', 'list', 'cidr']).execute();
  },
};

/**
 * Duplicate-face search: one face template per decided session, with the account it belongs
 * to and keyed hashes of the other linking attributes (IP, browser fingerprint, document number and
 * name) so linked accounts are found by equality without keeping those values in clear. `seq` is
 * the ANN index key and tells a process which rows its in-memory index has already seen. Plus the
 * per-project block/allow lists.
 */
const faceTemplatesAndLists = (kind: DialectKind): Migration => ({
  async up(db: Kysely<any>) {
    await db.schema.createTable('face_templates')
      .addColumn('seq', kind === 'postgres' ? 'bigserial' : 'integer', (c) => (kind === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement()))
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('session_id', 'text', (c) => c.notNull().unique())
      .addColumn('account_id', 'text')
      .addColumn('template', 'text', (c) => c.notNull())
      .addColumn('link_ip', 'text')
      .addColumn('link_fingerprint', 'text')
      .addColumn('link_document_number', 'text')
      .addColumn('link_document_name', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createIndex('face_templates_project_seq').on('face_templates').columns(['project_id', 'seq']).execute();
    for (const col of ['link_ip', 'link_fingerprint', 'link_document_number', 'link_document_name']) {
      await db.schema.createIndex(`face_templates_${col}`).on('face_templates').columns(['project_id', col]).execute();
    }
    await db.schema.createTable('project_lists')
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('list', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('template', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_lists_pk', ['project_id', 'list', 'kind', 'value']).execute();
  },
});

/** What some migrations need besides the database. */
interface MigrationContext {
  /** VKYC_SECRET: keys derived from it encrypt data at rest. */
  secret?: string;
}

/** Per-project settings (JSON, validated on read by projects/settings.ts; null = every default). */
const projectSettings: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('settings', 'text').execute();
  },
};

/**
 * Dashboard accounts (src/accounts, docs/accounts.md): people who sign in with a password (+ TOTP),
 * their role per project, their signed-in sessions (only a hash of the cookie's token is stored)
 * and the failed-login counters keyed by the login name typed (known or not, so a lockout says
 * nothing about whether an account exists).
 */
const accounts: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('login', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('must_change_password', 'integer', (c) => c.notNull())
      .addColumn('totp_secret', 'text')
      .addColumn('totp_pending', 'text')
      .addColumn('totp_last_step', 'integer')
      .addColumn('disabled_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_login_at', 'text').execute();
    await db.schema.createTable('memberships')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'project_id', 'role']).execute();
    await db.schema.createIndex('memberships_project').on('memberships').columns(['project_id', 'user_id']).execute();
    await db.schema.createTable('login_sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('token_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('project_id', 'text', (c) => c.notNull().references('projects.id'))
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createIndex('login_sessions_user').on('login_sessions').column('user_id').execute();
    await db.schema.createTable('login_throttle')
      .addColumn('login', 'text', (c) => c.primaryKey())
      .addColumn('failures', 'integer', (c) => c.notNull())
      .addColumn('last_failure_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text').execute();
  },
};

/**
 * The session aggregate (sessions/aggregate.ts) and its outbox: `state` (the aggregate's own, with
 * the live-agent and failed-processing states) next to the public `status`, a `version` for
 * optimistic concurrency, the review claim and who reviewed; the `outbox` of effects committed with
 * a change; and `webhook_events.session_id` so erase finds a session's events. Existing rows: a
 * live-agent session the old code parked with `capture_plan.waiting_room` becomes `awaiting_agent`
 * and the flag leaves the plan; events learn their session from their payload.
 */
const sessionAggregate: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('sessions').addColumn('state', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('version', 'integer', (c) => c.notNull().defaultTo(0)).execute();
    await db.schema.alterTable('sessions').addColumn('review_claim', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('reviewed_by', 'text').execute();
    await backfillSessionStates(db);
    await db.schema.alterTable('webhook_events').addColumn('session_id', 'text').execute();
    await backfillEventSessions(db);
    await db.schema.createIndex('webhook_events_session').on('webhook_events').columns(['project_id', 'session_id']).execute();
    await db.schema.createTable('outbox')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text').execute();
    await db.schema.createIndex('outbox_created').on('outbox').columns(['created_at', 'id']).execute();
    await db.schema.createIndex('outbox_session').on('outbox').column('session_id').execute();
  },
};

/**
 * Resumable uploads keep their chunks in the blob store (any API node can take the next chunk):
 * the ordered list of chunk blobs, JSON, written with the offset in one conditional update.
 */
const uploadParts: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('uploads').addColumn('parts', 'text').execute();
  },
};

/**
 * Migration 013 (issue 16, live agent mode): agents' availability, the live-agent queue, what an
 * agent did in a call (questions, location, stills, notes, quality), callback requests, and the
 * per-agent activity log. The sessions/artifacts rows of a call stay the session store's.
 */
const liveAgent: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.createTable('agent_presence')
      .addColumn('project_id', 'text', (c) => c.notNull()).addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull()).addColumn('changed_at', 'text', (c) => c.notNull())
      .addColumn('idle_since', 'text')
      .addPrimaryKeyConstraint('agent_presence_pk', ['project_id', 'user_id']).execute();
    await db.schema.createTable('live_queue')
      .addColumn('session_id', 'text', (c) => c.primaryKey()).addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('priority', 'integer', (c) => c.notNull()).addColumn('joined_at', 'text', (c) => c.notNull()).addColumn('seq', 'double precision', (c) => c.notNull())
      .addColumn('agent_id', 'text').addColumn('assigned_at', 'text').execute();
    await db.schema.createIndex('live_queue_project').on('live_queue').columns(['project_id', 'priority', 'joined_at']).execute();
    await db.schema.createTable('live_calls')
      .addColumn('session_id', 'text', (c) => c.primaryKey()).addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('agent_id', 'text').addColumn('questions', 'text').addColumn('location', 'text').addColumn('stills', 'text')
      .addColumn('face', 'text').addColumn('notes', 'text').addColumn('quality', 'text')
      .addColumn('started_at', 'text').addColumn('ended_at', 'text').addColumn('duration_seconds', 'real').addColumn('end_reason', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull()).execute();
    await db.schema.createTable('callback_requests')
      .addColumn('id', 'text', (c) => c.primaryKey()).addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('session_id', 'text', (c) => c.notNull()).addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('preferred_time', 'text').addColumn('note', 'text').addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('done_at', 'text').addColumn('done_by', 'text').execute();
    await db.schema.createIndex('callback_requests_project').on('callback_requests').columns(['project_id', 'created_at']).execute();
    await db.schema.createTable('agent_activity')
      .addColumn('id', 'text', (c) => c.primaryKey()).addColumn('project_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull()).addColumn('session_id', 'text')
      .addColumn('action', 'text', (c) => c.notNull()).addColumn('details', 'text').addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('seq', 'double precision', (c) => c.notNull()).execute();
    await db.schema.createIndex('agent_activity_user').on('agent_activity').columns(['project_id', 'user_id', 'created_at']).execute();
    await db.schema.createIndex('agent_activity_session').on('agent_activity').columns(['project_id', 'session_id', 'created_at']).execute();
  },
};

/**
 * Migration 008's data work, exported so a test can run it on rows written by earlier versions: the
 * state of every session without one (its status; a live-agent session parked with the plan's
 * `waiting_room` flag is `awaiting_agent`), and the flag leaves the plan.
 */
export async function backfillSessionStates(db: Kysely<any>): Promise<void> {
  await db.updateTable('sessions').set((eb: any) => ({ state: eb.ref('status') })).where('state', 'is', null).execute();
  const parked: Array<{ id: string; status: string; capture_plan: string }> = await db.selectFrom('sessions').select(['id', 'status', 'capture_plan'])
    .where('capture_plan', 'like', '%waiting_room%').execute();
  for (const r of parked) {
    const { waiting_room: waiting, ...plan } = JSON.parse(r.capture_plan) as { waiting_room?: boolean };
    const state = waiting && r.status === 'in_progress' ? { state: 'awaiting_agent' } : {};
    await db.updateTable('sessions').set({ capture_plan: JSON.stringify(plan), ...state }).where('id', '=', r.id).execute();
  }
}

/** Migration 008: events learn their session from their payload (erase finds them by it). */
export async function backfillEventSessions(db: Kysely<any>): Promise<void> {
  const events: Array<{ id: string; payload: string }> = await db.selectFrom('webhook_events').select(['id', 'payload']).execute();
  for (const e of events) {
    const sid = (JSON.parse(e.payload) as { data?: { session_id?: unknown } }).data?.session_id;
    if (typeof sid === 'string') await db.updateTable('webhook_events').set({ session_id: sid }).where('id', '=', e.id).execute();
  }
}

const migrations = (kind: DialectKind, ctx: MigrationContext): Record<string, Migration> => ({
  '001_initial': initial(kind),
  '002_phrase_attempts': phraseAttempts,
  '003_job_groups': jobGroups,
  '004_sealed_webhook_secrets': sealedWebhookSecrets(ctx),
  '005_project_settings': projectSettings,
  '006_risk_ip_lists': riskIpLists,
  '007_face_templates_and_lists': faceTemplatesAndLists(kind),
  '008_session_aggregate': sessionAggregate,
  '009_accounts': accounts,
  '011_upload_parts': uploadParts,
  '013_live_agent': liveAgent,
});

/**
 * `schema` (PostgreSQL): where the migration bookkeeping tables live. Kysely looks for them by name
 * across all schemas unless told, so a second schema on the same server (tests, several
 * deployments) would otherwise find another schema's tables and skip creating its own.
 */
export async function migrate(db: Kysely<any>, kind: DialectKind, schema?: string, ctx: MigrationContext = {}): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations(kind, ctx) };
  const tableSchema = kind === 'postgres' ? (schema ?? 'public') : undefined;
  const { error, results } = await new Migrator({ db, provider, ...(tableSchema ? { migrationTableSchema: tableSchema } : {}) }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${String(error)}`);
  }
}
