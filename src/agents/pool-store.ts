import type { Db } from '../storage/db.ts';
import type { LiveCallsTable } from '../storage/schema.ts';
import { nextSeq } from './sequence.ts';

// The rows src/agents owns: agents' chosen availability, the live-agent queue, and the agent's side
// of each call (live_calls). Every query is scoped by project.

export type AgentChoice = 'available' | 'away';

export interface QueueRow { session_id: string; project_id: string; priority: number; joined_at: string; seq: number; agent_id: string | null; assigned_at: string | null }

/** Joins the queue once: a user who reconnects or is requeued keeps their first place (joined_at). */
export async function enqueue(db: Db, projectId: string, sessionId: string, priority: number, at: Date): Promise<void> {
  await db.insertInto('live_queue').values({ session_id: sessionId, project_id: projectId, priority, joined_at: at.toISOString(), seq: nextSeq(), agent_id: null, assigned_at: null })
    .onConflict((oc) => oc.column('session_id').doUpdateSet({ agent_id: null, assigned_at: null })).execute();
}

export async function dequeue(db: Db, projectId: string, sessionId: string): Promise<void> {
  await db.deleteFrom('live_queue').where('project_id', '=', projectId).where('session_id', '=', sessionId).execute();
}

/** Priority first (higher first), then FIFO; assigned rows included (the console shows them). */
export async function queueOf(db: Db, projectId: string): Promise<QueueRow[]> {
  return db.selectFrom('live_queue').selectAll().where('project_id', '=', projectId).orderBy('priority', 'desc').orderBy('joined_at').orderBy('seq').execute();
}

export async function queueRow(db: Db, projectId: string, sessionId: string): Promise<QueueRow | undefined> {
  return db.selectFrom('live_queue').selectAll().where('project_id', '=', projectId).where('session_id', '=', sessionId).executeTakeFirst();
}

/**
 * Takes a waiting session for an agent. The `agent_id is null` guard makes two agents racing for
 * the same user (two "next" clicks, an offer accepted as another agent clicks next) end with one
 * winner: the other update matches no row.
 */
export async function assign(db: Db, projectId: string, sessionId: string, agentId: string, at: Date): Promise<boolean> {
  const r = await db.updateTable('live_queue').set({ agent_id: agentId, assigned_at: at.toISOString() })
    .where('project_id', '=', projectId).where('session_id', '=', sessionId).where('agent_id', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function assignmentOf(db: Db, projectId: string, agentId: string): Promise<QueueRow | undefined> {
  return db.selectFrom('live_queue').selectAll().where('project_id', '=', projectId).where('agent_id', '=', agentId).executeTakeFirst();
}

export async function presenceOf(db: Db, projectId: string) {
  return db.selectFrom('agent_presence').innerJoin('users', 'users.id', 'agent_presence.user_id')
    .select(['agent_presence.user_id', 'agent_presence.status', 'agent_presence.changed_at', 'agent_presence.idle_since', 'users.display_name'])
    .where('agent_presence.project_id', '=', projectId).orderBy('agent_presence.user_id').execute();
}

export async function setPresence(db: Db, projectId: string, userId: string, status: AgentChoice, at: Date, idleSince: string | null): Promise<void> {
  const row = { status, changed_at: at.toISOString(), idle_since: idleSince };
  await db.insertInto('agent_presence').values({ project_id: projectId, user_id: userId, ...row })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet(row)).execute();
}

/** After a call the agent is idle from now (the offer order is longest idle first). */
export async function markIdle(db: Db, projectId: string, userId: string, at: Date): Promise<void> {
  await db.updateTable('agent_presence').set({ idle_since: at.toISOString() }).where('project_id', '=', projectId).where('user_id', '=', userId).execute();
}

/** Recent calls' mean duration: the base of the user's estimated wait. */
const ETA_SAMPLE = 20;
/** Without history: 5 min, a typical video-identification call (BaFin-style scripts run 5–10 min). */
export const DEFAULT_CALL_SECONDS = 300;

export async function meanCallSeconds(db: Db, projectId: string): Promise<number> {
  const rows = await db.selectFrom('live_calls').select('duration_seconds').where('project_id', '=', projectId).where('duration_seconds', 'is not', null)
    .where('duration_seconds', '>', 0).orderBy('ended_at', 'desc').limit(ETA_SAMPLE).execute();
  if (!rows.length) return DEFAULT_CALL_SECONDS;
  return rows.reduce((a, r) => a + Number(r.duration_seconds), 0) / rows.length;
}

type CallJson = 'questions' | 'location' | 'stills' | 'face' | 'quality';
export type CallPatch = Partial<Omit<LiveCallsTable, 'session_id' | 'project_id' | 'updated_at' | CallJson>> & Partial<Record<CallJson, unknown>>;

/** Upserts the agent's side of a call; JSON columns are serialised here. */
export async function patchCall(db: Db, projectId: string, sessionId: string, patch: CallPatch, at: Date): Promise<void> {
  const row: Partial<LiveCallsTable> = { updated_at: at.toISOString() };
  for (const [k, v] of Object.entries(patch)) {
    (row as Record<string, unknown>)[k] = ['questions', 'location', 'stills', 'face', 'quality'].includes(k) ? (v === null ? null : JSON.stringify(v)) : v;
  }
  await db.insertInto('live_calls').values({ session_id: sessionId, project_id: projectId, updated_at: at.toISOString(), ...row })
    .onConflict((oc) => oc.column('session_id').doUpdateSet(row)).execute();
}

export async function callOf(db: Db, projectId: string, sessionId: string) {
  const r = await db.selectFrom('live_calls').selectAll().where('project_id', '=', projectId).where('session_id', '=', sessionId).executeTakeFirst();
  if (!r) return null;
  const j = (v: string | null) => (v ? (JSON.parse(v) as unknown) : null);
  return { ...r, questions: j(r.questions), location: j(r.location), stills: j(r.stills), face: j(r.face), quality: j(r.quality) };
}
