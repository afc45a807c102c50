import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { systemActor } from '../domain/actor.ts';
import type { Deps } from '../deps.ts';
import { callsDir, SegmentRecorder } from '../calls/recording.ts';
import { isErased, recordCallEnded } from '../sessions/store.ts';
import { enqueue } from './pool-store.ts';

// Start-up: calls a crash or restart cut. Their raw segments (appended cluster by cluster while
// the call ran, so they hold everything received) are remuxed and stored as the session's
// recordings, and every session still `in_call` goes back to the queue (the aggregate's call_ended
// without a decision), at its first place, with no agent. Calls never survive a process: werift's
// peers lived in the one that died.

export async function recoverCalls(deps: Deps): Promise<{ sessions: number; segments: number }> {
  const { db, config, log } = deps;
  const root = join(config.DATA_DIR, 'calls');
  const dirs = await readdir(root).catch(() => [] as string[]);
  const stuck = await db.selectFrom('sessions').select(['id', 'project_id']).where('state', '=', 'in_call').execute();
  const ids = new Set([...dirs.filter((d) => d.startsWith('ses_')), ...stuck.map((s) => s.id)]);
  let segments = 0;
  let sessions = 0;
  for (const id of ids) {
    const s = await db.selectFrom('sessions').select(['id', 'project_id', 'state']).where('id', '=', id).executeTakeFirst();
    const files = dirs.includes(id) ? (await readdir(callsDir(config.DATA_DIR, id))).filter((f) => f.endsWith('.raw.webm')) : [];
    if (!s) continue;
    const rows = [];
    for (const f of files) {
      const seg = await SegmentRecorder.recovered(join(callsDir(config.DATA_DIR, id), f));
      const stored = await seg?.finish(deps, s.project_id, id).catch((e: unknown) => (log.warn('call segment not recoverable', { session: id, file: f, err: String(e) }), null));
      if (!stored) continue;
      segments++;
      rows.push({ kind: `${stored.kind}-${stored.segment}`, blob_key: stored.key, content_type: 'video/webm', bytes: stored.bytes,
        meta: JSON.stringify({ side: stored.side, segment: stored.segment, started_at: stored.started_at, duration_seconds: stored.duration_seconds, sha256: stored.sha256, recovered: true }) });
    }
    if (!rows.length && s.state !== 'in_call') continue;
    try {
      await recordCallEnded(deps, { projectId: s.project_id, sessionId: id }, rows, { recorded_at: null, duration_seconds: 0, final: false }, systemActor(s.project_id, 'calls'));
    } catch (e) {
      if (!isErased(e)) throw e;
      continue;
    }
    const q = await db.selectFrom('live_queue').select('priority').where('session_id', '=', id).executeTakeFirst();
    await enqueue(db, s.project_id, id, q?.priority ?? 0, deps.clock.now());
    sessions++;
  }
  return { sessions, segments };
}
