import { canonicalJson, sha256Hex } from './canonical-json.ts';

// The audit trail of a session is a hash chain: record n carries the hash of record n-1
// (`prev_hash`, null for the first) and its own hash over a canonical JSON of its fields plus
// that link. Removing, reordering or changing a record breaks every later link.
//
// The hash covers the SHA-256 of `details`, not the details themselves: erase removes details
// (a review note may name the person) and the chain still verifies without them. Chains are per
// session: the session's row lock serialises its writers (sessions/store.ts), and a unique index
// on (project_id, session_id, seq) refuses a fork should a writer ever bypass it.

const AUDIT_CHAIN_VERSION = 1;

interface ChainFields {
  id: string;
  project_id: string;
  session_id: string | null;
  seq: number;
  action: string;
  actor: string;
  created_at: string;
  details_sha256: string | null;
  prev_hash: string | null;
}

export interface ChainedRecord extends ChainFields {
  hash: string;
  /** The details as stored (JSON text), null once erased. */
  details: string | null;
}

const detailsHash = (details: string | null) => (details === null ? null : sha256Hex(details));

export function auditRecordHash(f: ChainFields): string {
  return sha256Hex(canonicalJson({
    v: AUDIT_CHAIN_VERSION, id: f.id, project_id: f.project_id, session_id: f.session_id, seq: f.seq, action: f.action,
    actor: f.actor, created_at: f.created_at, details_sha256: f.details_sha256, prev_hash: f.prev_hash,
  }));
}

/** The fields of the record that follows `last` (null: the chain's first record). */
export function nextLink(last: { seq: number; hash: string } | null, row: Omit<ChainFields, 'seq' | 'prev_hash' | 'details_sha256'> & { details: string | null }) {
  const fields: ChainFields = {
    id: row.id, project_id: row.project_id, session_id: row.session_id, action: row.action, actor: row.actor, created_at: row.created_at,
    seq: last ? last.seq + 1 : 1, prev_hash: last?.hash ?? null, details_sha256: detailsHash(row.details),
  };
  return { ...fields, hash: auditRecordHash(fields) };
}

type ChainCheck = { ok: true; records: number; head: string | null } | { ok: false; seq: number; id: string; problem: string };

/** Walks a chain in order: each record's hash, its link to the previous one, its details against their hash. */
export function verifyChain(records: ChainedRecord[]): ChainCheck {
  let prev: ChainedRecord | null = null;
  for (const r of records) {
    const fail = (problem: string): ChainCheck => ({ ok: false, seq: r.seq, id: r.id, problem });
    if (r.seq !== (prev ? prev.seq + 1 : 1)) return fail(`sequence gap: expected ${prev ? prev.seq + 1 : 1}, found ${r.seq}`);
    if (r.prev_hash !== (prev?.hash ?? null)) return fail('prev_hash does not match the previous record\'s hash (a record was removed, reordered or changed)');
    if (auditRecordHash(r) !== r.hash) return fail('the record does not match its hash (a field was changed)');
    if (r.details !== null && detailsHash(r.details) !== r.details_sha256) return fail('details do not match details_sha256');
    prev = r;
  }
  return { ok: true, records: records.length, head: prev?.hash ?? null };
}
