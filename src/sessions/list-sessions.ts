import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { toRecord } from './rows.ts';
import type { ListSessionsQuery } from './schemas.ts';

// Keyset pagination on (created_at, id) descending: stable under concurrent inserts, no OFFSET scans.

const encodeCursor = (createdAt: string, id: string) => Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
function decodeCursor(c: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(c, 'base64url').toString('utf8'));
    if (Array.isArray(v) && typeof v[0] === 'string' && typeof v[1] === 'string') return [v[0], v[1]];
  } catch { /* fall through */ }
  throw new AppError('validation_failed', 'cursor is not valid', { field: 'cursor' });
}

export async function listSessions(deps: Deps, projectId: string, q: ListSessionsQuery) {
  let query = deps.db.selectFrom('sessions').selectAll().where('project_id', '=', projectId).where('erased_at', 'is', null);
  if (q.status) query = query.where('status', '=', q.status);
  if (q.result) query = query.where('result', '=', q.result);
  if (q.external_id) query = query.where('external_id', '=', q.external_id);
  if (q.created_after) query = query.where('created_at', '>=', new Date(q.created_after).toISOString());
  if (q.created_before) query = query.where('created_at', '<', new Date(q.created_before).toISOString());
  if (q.cursor) {
    const [c, id] = decodeCursor(q.cursor);
    query = query.where((eb) => eb.or([eb('created_at', '<', c), eb.and([eb('created_at', '=', c), eb('id', '<', id)])]));
  }
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const page = rows.slice(0, q.limit).map(toRecord);
  const last = page.at(-1);
  return {
    object: 'list' as const,
    data: page.map((s) => ({
      id: s.id, status: s.status, state: s.state, result: s.result, external_id: s.external_id, account_id: s.account_id,
      video_mode: s.profile.video_mode, steps: s.profile.steps, created_at: s.created_at, expires_at: s.expires_at, completed_at: s.completed_at,
    })),
    has_more: rows.length > q.limit,
    next_cursor: rows.length > q.limit && last ? encodeCursor(last.created_at, last.id) : null,
  };
}
