import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { loadRawSession } from './rows.ts';
import type { Db } from '../storage/db.ts';
import type { ChainedRecord } from '../domain/audit-chain.ts';

/** A session's audit chain in order (rows written before migration 015 were chained by it). */
export async function readAuditChain(db: Db, projectId: string, sessionId: string): Promise<ChainedRecord[]> {
  const rows = await db.selectFrom('audit_log').selectAll().where('project_id', '=', projectId).where('session_id', '=', sessionId).orderBy('seq').execute();
  return rows.map((r) => ({
    id: r.id, project_id: r.project_id, session_id: r.session_id, seq: r.seq ?? 0, action: r.action, actor: r.actor, created_at: r.created_at,
    details: r.details, details_sha256: r.details_sha256, prev_hash: r.prev_hash, hash: r.hash ?? '',
  }));
}

export const auditRecordView = (r: ChainedRecord) => ({
  id: r.id, seq: r.seq, action: r.action, actor: r.actor, details: r.details === null ? null : (JSON.parse(r.details) as unknown),
  details_sha256: r.details_sha256, created_at: r.created_at, prev_hash: r.prev_hash, hash: r.hash,
});

/**
 * GET …/audit: the chain, oldest first. An erased session answers too — its tombstone and audit
 * chain stay, details removed (their hashes keep the chain verifiable); only a session that never
 * existed in this project is a 404.
 */
export async function auditTrail(deps: Pick<Deps, 'db'>, projectId: string, id: string) {
  if (!(await loadRawSession(deps.db, projectId, id))) throw new AppError('session_not_found', `no session ${id}`);
  return { object: 'list' as const, data: (await readAuditChain(deps.db, projectId, id)).map(auditRecordView) };
}
