import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { backfillEventSessions, backfillSessionStates } from '../../../src/storage/migrations.ts';
import { dropPostgresSchema, openDatabase, type DbHandle } from '../../../src/storage/db.ts';
import { loadSession } from '../../../src/sessions/rows.ts';
import { PG_URL } from '../../helpers/runtime.ts';

// Migration 008 on rows written by earlier versions: a live-agent session parked with the plan's
// `waiting_room` flag becomes `awaiting_agent` and the flag leaves the plan; other sessions take
// their status as state; webhook events learn their session from their payload.

const row = (id: string, status: string, plan: unknown) => ({
  id, project_id: 'prj_1', status, result: null, profile: JSON.stringify({ steps: ['selfie', 'video'], video_mode: 'live_agent' }), external_id: null,
  account_id: null, referring_session_id: null, redirect_url: null, metadata: null, expected_data: null, client_info: null, decision: null,
  capture_plan: plan === null ? null : JSON.stringify(plan), phrase_attempts: null, expires_at: '2030-01-01T00:00:00.000Z', created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z', completed_at: null, recorded_at: null, reviewed_at: null, agent_id: null, agent_notes: null, erased_at: null,
  state: null as unknown as string, version: 0, review_claim: null, reviewed_by: null,
});

async function check(h: DbHandle) {
  await h.db.insertInto('projects').values({ id: 'prj_1', name: 'p', created_at: '2026-01-01T00:00:00.000Z', settings: null }).execute();
  await h.db.insertInto('sessions').values([
    row('ses_wait', 'in_progress', { phrase: null, challenges: [], waiting_room: true }),
    row('ses_cap', 'in_progress', { phrase: null, challenges: [], waiting_room: false }),
    row('ses_done', 'completed', null),
  ]).execute();
  await h.db.insertInto('webhook_events').values({ id: 'wh_evt_1', project_id: 'prj_1', type: 'video.completed', payload: JSON.stringify({ data: { session_id: 'ses_done' } }), created_at: '2026-01-01T00:00:00.000Z', session_id: null }).execute();
  await backfillSessionStates(h.db);
  await backfillEventSessions(h.db);
  const wait = await loadSession(h.db, 'prj_1', 'ses_wait');
  assert.deepEqual([wait.status, wait.state], ['in_progress', 'awaiting_agent']);
  assert.equal('waiting_room' in (wait.capture_plan ?? {}), false);
  assert.equal((await loadSession(h.db, 'prj_1', 'ses_cap')).state, 'in_progress');
  assert.equal((await loadSession(h.db, 'prj_1', 'ses_done')).state, 'completed');
  assert.equal((await h.db.selectFrom('webhook_events').select('session_id').executeTakeFirstOrThrow()).session_id, 'ses_done');
}

test('migration 008 backfill (SQLite)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-m008-'));
  const h = await openDatabase({ sqlitePath: join(dir, 'db.sqlite') });
  try {
    await check(h);
  } finally {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('migration 008 backfill (PostgreSQL)', async () => {
  const schema = `m_${randomBytes(6).toString('hex')}`;
  const h = await openDatabase({ url: PG_URL, sqlitePath: '', schema });
  try {
    await check(h);
  } finally {
    await h.close();
    await dropPostgresSchema(PG_URL, schema);
  }
});
