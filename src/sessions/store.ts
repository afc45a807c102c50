import { type Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import { newAuditId } from '../domain/ids.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { type OutboxMessage, writeOutbox } from '../outbox/outbox.ts';
import { type Db, isPostgres } from '../storage/db.ts';
import type { ArtifactsTable } from '../storage/schema.ts';
import { recordEvent } from '../webhooks/events.ts';
import { apply, type Command, type Effect, isRejection, type Rejection, type SessionAggregate } from './aggregate.ts';
import { auditActor } from './aggregate-rights.ts';
import { mutableColumns, type SessionRecord, toRecord, toRow } from './rows.ts';

// The session store: the only module that writes `sessions`, `artifacts` and `stage_runs` (a test,
// test/unit/sessions/only-writer.test.ts, fails on any other). Each write is a command: load the session,
// let the aggregate decide (sessions/aggregate.ts), then commit the new state, the rows that come
// with it and its effects in one transaction. Audit records, webhook events and their delivery rows
// are SQL and are written in that transaction; jobs and realtime events go to the outbox in it and
// the relay hands them over right after the commit (outbox/relay.ts).

export type StoreDeps = Pick<Deps, 'db' | 'clock' | 'relay' | 'log'>;

/** A command the aggregate refused. `session_erased` tells a job its work is gone: stop, write nothing. */
export class CommandRejected extends AppError {
  constructor(readonly rejection: Rejection) {
    super(rejection.error, rejection.message, rejection.details);
  }
}

export const isErased = (e: unknown) => e instanceof CommandRejected && e.code === 'session_erased';

export interface SessionRef { projectId: string; sessionId: string }

/** Extra rows a command writes with the session (an artifact, a stage run), in the same transaction. */
type Rows = (tx: Db, next: SessionAggregate) => Promise<void>;

/**
 * The session is read in the command's transaction, locked on PostgreSQL (`for update`) and
 * serialised by SQLite's single connection, so concurrent commands on one session queue up instead
 * of conflicting. The version check stays as the guard; a miss (another writer outside this rule)
 * re-applies the command on the fresh row this many times.
 */
const VERSION_RETRIES = 3;

async function loadAggregate(db: Db, ref: SessionRef): Promise<SessionAggregate | null> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', ref.sessionId).where('project_id', '=', ref.projectId)
    .$if(isPostgres(db), (q) => q.forUpdate()).executeTakeFirst();
  if (!row) return null;
  const session = toRecord(row);
  const kinds = await db.selectFrom('artifacts').select('kind').where('session_id', '=', session.id).where('project_id', '=', ref.projectId).execute();
  return { session, artifacts: kinds.map((k) => k.kind) };
}

/** Runs one command; throws CommandRejected when the aggregate refuses it, session_not_found when there is no such session. */
export async function execute(deps: StoreDeps, ref: SessionRef, command: Exclude<Command, { type: 'create' }>, actor: Actor, rows?: Rows): Promise<SessionAggregate> {
  for (let attempt = 0; ; attempt++) {
    const done = await deps.db.transaction().execute(async (tx) => {
      const current = await loadAggregate(tx, ref);
      if (!current) throw new AppError('session_not_found', `no session ${ref.sessionId}`);
      const at = iso(deps.clock.now());
      const out = apply(current, command, actor, at);
      if (isRejection(out)) throw new CommandRejected(out);
      const version = current.session.version + 1;
      const res = await tx.updateTable('sessions').set({ ...mutableColumns(out.next.session), version })
        .where('id', '=', ref.sessionId).where('project_id', '=', ref.projectId).where('version', '=', current.session.version).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return null;
      if (rows) await rows(tx, out.next);
      const ids = await commitEffects(tx, at, out.next.session, out.effects, actor);
      return { ids, next: { ...out.next, session: { ...out.next.session, version } } };
    });
    if (done) {
      await deps.relay.dispatch(done.ids);
      return done.next;
    }
    if (attempt >= VERSION_RETRIES) throw new AppError('idempotency_conflict', 'the session kept changing while this request ran; retry');
  }
}

/** Inserts a new session (the aggregate's `create`). */
export async function insertSession(deps: StoreDeps, session: SessionRecord, actor: Actor): Promise<SessionRecord> {
  const at = session.created_at;
  const out = apply(null, { type: 'create', session }, actor, at);
  if (isRejection(out)) throw new CommandRejected(out);
  const ids = await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('sessions').values(toRow(out.next.session)).execute();
    return commitEffects(tx, at, out.next.session, out.effects, actor);
  });
  await deps.relay.dispatch(ids);
  return out.next.session;
}

async function commitEffects(tx: Db, at: string, s: SessionRecord, effects: Effect[], actor: Actor): Promise<string[]> {
  const outbox: OutboxMessage[] = [];
  for (const e of effects) {
    switch (e.type) {
      case 'audit':
        await tx.insertInto('audit_log').values({
          id: newAuditId(), project_id: s.project_id, session_id: s.id, action: e.action, actor: auditActor(actor),
          details: e.details === undefined ? null : JSON.stringify(e.details), created_at: at,
        }).execute();
        break;
      case 'webhook':
        outbox.push(...(await recordEvent(tx, at, s.project_id, s.id, e.event, e.data)));
        break;
      case 'job':
        outbox.push({ kind: 'job', name: e.name, payload: e.payload, dedupeKey: e.dedupeKey });
        break;
      case 'realtime':
        outbox.push({ kind: 'realtime', type: e.event, data: e.data });
        break;
    }
  }
  return writeOutbox(tx, at, s.project_id, s.id, outbox);
}

type ArtifactRow = Omit<ArtifactsTable, 'session_id' | 'project_id' | 'created_at'>;

async function upsertArtifact(tx: Db, s: SessionRecord, a: ArtifactRow, at: string) {
  const row = { ...a, session_id: s.id, project_id: s.project_id, created_at: at };
  await tx.insertInto('artifacts').values(row)
    .onConflict((oc) => oc.columns(['session_id', 'kind']).doUpdateSet({ blob_key: a.blob_key, content_type: a.content_type, bytes: a.bytes, meta: a.meta, created_at: at })).execute();
}

/** A capture upload whose blob is already stored: the artifact row commits with the session's move to in_progress. */
export function recordUpload(deps: StoreDeps, ref: SessionRef, artifact: ArtifactRow, actor: Actor) {
  return execute(deps, ref, { type: 'upload', kind: artifact.kind }, actor, (tx, next) => upsertArtifact(tx, next.session, artifact, next.session.updated_at));
}

/** An evidence image the pipeline stored (best frame crop, document portrait). */
export function recordEvidence(deps: StoreDeps, ref: SessionRef, artifact: ArtifactRow, actor: Actor) {
  return execute(deps, ref, { type: 'evidence_stored', kind: artifact.kind }, actor, (tx, next) => upsertArtifact(tx, next.session, artifact, iso(deps.clock.now())));
}

/** A live call ended (src/agents): its recordings' artifact rows commit with the session's move back to the queue, or with the decision that follows. */
export function recordCallEnded(deps: StoreDeps, ref: SessionRef, recordings: ArtifactRow[], c: { recorded_at: string | null; duration_seconds: number; final: boolean }, actor: Actor) {
  const command = { type: 'call_ended' as const, recordings: recordings.map((r) => r.kind), ...c };
  return execute(deps, ref, command, actor, async (tx, next) => {
    for (const r of recordings) await upsertArtifact(tx, next.session, r, next.session.updated_at);
  });
}

/** A still the agent captured during a call (the blob is stored). */
export function recordCallStill(deps: StoreDeps, ref: SessionRef, artifact: ArtifactRow, actor: Actor) {
  return execute(deps, ref, { type: 'call_still_stored', kind: artifact.kind }, actor, (tx, next) => upsertArtifact(tx, next.session, artifact, iso(deps.clock.now())));
}

/** A stage begins: its run row is (re)marked running, counting the attempt. */
export function recordStageStarted(deps: StoreDeps, ref: SessionRef, stage: string, actor: Actor) {
  const started = iso(deps.clock.now());
  return execute(deps, ref, { type: 'stage_started', stage }, actor, async (tx) => {
    await tx.insertInto('stage_runs')
      .values({ session_id: ref.sessionId, stage, status: 'running', attempts: 1, started_at: started, finished_at: null, duration_ms: null, result: null, error: null })
      .onConflict((oc) => oc.columns(['session_id', 'stage']).doUpdateSet((eb) => ({ status: 'running', attempts: eb('stage_runs.attempts', '+', 1), started_at: started, error: null })))
      .execute();
  });
}

/** `resultJson`: the stage's result as the pipeline validated it (verification/pipeline.ts storedForm). */
export type StageOutcome = { status: 'completed'; resultJson: string; durationMs: number } | { status: 'failed'; errorCode: string; durationMs: number };

/** A stage ended: its result (or error code) is stored so a retried job resumes after it. */
export function recordStageFinished(deps: StoreDeps, ref: SessionRef, stage: string, o: StageOutcome, actor: Actor) {
  const finished = iso(deps.clock.now());
  return execute(deps, ref, { type: 'stage_finished', stage, status: o.status }, actor, async (tx) => {
    const set = o.status === 'completed'
      ? { status: 'completed', finished_at: finished, duration_ms: o.durationMs, result: o.resultJson }
      : { status: 'failed', finished_at: finished, duration_ms: o.durationMs, error: o.errorCode };
    await tx.updateTable('stage_runs').set(set).where('session_id', '=', ref.sessionId).where('stage', '=', stage).execute();
  });
}

/** A liveness check through the API (`liveness_api`): kept with the session like a stage result. */
export function recordLivenessCheck(deps: StoreDeps, ref: SessionRef, result: unknown, durationMs: number | null, actor: Actor) {
  const now = iso(deps.clock.now());
  return execute(deps, ref, { type: 'liveness_checked' }, actor, async (tx) => {
    const row = { status: 'completed', finished_at: now, result: JSON.stringify(result), error: null, duration_ms: durationMs };
    await tx.insertInto('stage_runs').values({ session_id: ref.sessionId, stage: 'liveness_api', attempts: 1, started_at: now, ...row })
      .onConflict((oc) => oc.columns(['session_id', 'stage']).doUpdateSet((eb) => ({ ...row, attempts: eb('stage_runs.attempts', '+', 1) }))).execute();
  });
}

/**
 * Erase, first step: the aggregate marks the session erased and scrubs its columns, and its pending
 * outbox rows (a verify job not yet handed over) go. From this commit on every command on the
 * session is refused, so a job still running writes nothing more.
 */
export function markErased(deps: StoreDeps, ref: SessionRef, actor: Actor) {
  return execute(deps, ref, { type: 'erase' }, actor, async (tx) => {
    await tx.deleteFrom('outbox').where('session_id', '=', ref.sessionId).where('project_id', '=', ref.projectId).execute();
  });
}

/** Erase was finished when its audit record exists (a crash before that lets `DELETE` run again). */
export async function eraseFinished(db: Db, ref: SessionRef): Promise<boolean> {
  const r = await db.selectFrom('audit_log').select('id').where('project_id', '=', ref.projectId).where('session_id', '=', ref.sessionId).where('action', '=', 'session.erased').executeTakeFirst();
  return r !== undefined;
}

/**
 * Erase, last step, once the bytes are gone: the rows that pointed at them and every other copy of
 * the session's data — stage results, upload records, webhook events (their payload carries the
 * transcript, external_id and scores) with their deliveries and attempt logs, outbox rows, stored
 * idempotent responses — then the audit record of what was removed.
 */
export async function purgeErased(deps: StoreDeps, ref: SessionRef, actor: Actor, removed: Record<string, number>) {
  const { projectId, sessionId } = ref;
  return deps.db.transaction().execute(async (tx) => {
    const artifacts = await tx.deleteFrom('artifacts').where('session_id', '=', sessionId).where('project_id', '=', projectId).executeTakeFirst();
    const stages = await tx.deleteFrom('stage_runs').where('session_id', '=', sessionId).executeTakeFirst();
    await tx.deleteFrom('uploads').where('session_id', '=', sessionId).execute();
    // Live-agent rows (src/agents): location, notes, answers, callback phone numbers are the person's.
    // The agents' activity log stays: it records what the agent did, not who the user was.
    for (const t of ['live_calls', 'live_queue', 'callback_requests'] as const) await tx.deleteFrom(t).where('session_id', '=', sessionId).where('project_id', '=', projectId).execute();
    await tx.deleteFrom('outbox').where('session_id', '=', sessionId).where('project_id', '=', projectId).execute();
    const events = (await tx.selectFrom('webhook_events').select('id').where('project_id', '=', projectId).where('session_id', '=', sessionId).execute()).map((e) => e.id);
    if (events.length) {
      const deliveries = tx.selectFrom('webhook_deliveries').select('id').where('event_id', 'in', events);
      await tx.deleteFrom('delivery_attempts').where('delivery_id', 'in', deliveries).execute();
      await tx.deleteFrom('webhook_deliveries').where('event_id', 'in', events).execute();
      await tx.deleteFrom('webhook_events').where('id', 'in', events).execute();
    }
    // Stored answers of idempotent requests name the session (POST /v1/sessions answers with it and
    // its external_id). No column links them: the id is a random UUID, so a text match is exact.
    const stored = await tx.selectFrom('idempotency_keys').select(['key', 'body']).where('project_id', '=', projectId).where('body', 'like', `%${sessionId}%`).execute();
    const keys = stored.filter((r) => r.body.includes(sessionId)).map((r) => r.key);
    if (keys.length) await tx.deleteFrom('idempotency_keys').where('project_id', '=', projectId).where('key', 'in', keys).execute();
    const details = {
      ...removed, artifacts_deleted: Number(artifacts.numDeletedRows), stage_results_deleted: Number(stages.numDeletedRows),
      webhook_events_deleted: events.length, idempotent_responses_deleted: keys.length,
    };
    await tx.insertInto('audit_log').values({
      id: newAuditId(), project_id: projectId, session_id: sessionId, action: 'session.erased', actor: auditActor(actor), details: JSON.stringify(details), created_at: iso(deps.clock.now()),
    }).execute();
    return details;
  });
}
