import { euclidean, scoreFromDistance } from '../domain/face-match.ts';
import type { Deps } from '../deps.ts';
import { type ListName, type ProjectLists } from './lists.ts';
import { linkHash } from './template-codec.ts';
import { LINK_COLUMNS, type LinkKind, type Links } from './templates.ts';

/**
 * Nearest templates asked of the index: a person rarely has more than a few earlier sessions, and
 * a few extra slots absorb hits that turn out to be erased or the session itself.
 */
export const FACE_CANDIDATES = 10;
/**
 * Distance under which a stored face (another account's, or a block-listed one) is "the same face".
 * Stricter than the 1:1 decision distance (0.60, domain/face-match.ts): 1:N compares one face with
 * every stored one, so a per-pair false-match rate adds up over the project. bench:risk
 * (bench/risk-threshold.ts) calibrates it on one split of ../shared/data/faces (deepface,
 * face_recognition, facenet-pytorch, lfw_misc: closest different-person pair 0.507) and reports it on
 * the other (face-api.js, trueface, openface: 58/58 photos find their person, 0 of 1 672
 * different-person pairs under it); at 0.60 the calibration split had 5 false pairs of 2 005.
 */
export const DUPLICATE_DISTANCE = 0.5;
/** Sessions read per linking attribute: enough to name the linked accounts, bounded for a shared IP. */
const LINK_ROWS = 50;

export type MatchType = 'face' | LinkKind;
export interface LinkedAccount { account_id: string; match_types: MatchType[]; session_ids: string[]; face_score: number | null }
import type { StageFinding } from '../domain/findings.ts';

type Finding = StageFinding;

/** Raw linking values of one session (clear text, never stored: only their keyed hashes are). */
export interface LinkValues { ip_address?: string | null; browser_fingerprint?: string | null; document_number?: string | null; document_name?: string | null }

function hashLinks(secret: string, v: LinkValues): Links {
  return Object.fromEntries((Object.keys(LINK_COLUMNS) as LinkKind[]).map((k) => [k, linkHash(secret, k, v[k])]));
}

interface DuplicateQuery {
  projectId: string;
  sessionId: string;
  accountId: string | null;
  template: Float32Array | null;
  values: LinkValues;
  lists: ProjectLists;
}

/** Which allow-list kind exempts a linking attribute (none for fingerprints and names). */
const ALLOW_KIND: Partial<Record<LinkKind, 'ip' | 'document_number'>> = { ip_address: 'ip', document_number: 'document_number' };

export async function findDuplicates(deps: Deps, q: DuplicateQuery) {
  const linked = new Map<string, LinkedAccount>();
  const note = (account: string | null, session: string, type: MatchType, score: number | null = null) => {
    if (!account || account === q.accountId || session === q.sessionId) return;
    const a = linked.get(account) ?? { account_id: account, match_types: [], session_ids: [], face_score: null };
    if (!a.match_types.includes(type)) a.match_types.push(type);
    if (!a.session_ids.includes(session)) a.session_ids.push(session);
    if (score !== null) a.face_score = Math.max(a.face_score ?? 0, score);
    linked.set(account, a);
  };
  if (q.template) {
    const hits = await deps.faceIndex.search(q.projectId, q.template, { k: FACE_CANDIDATES, maxDistance: DUPLICATE_DISTANCE });
    // Every hit is checked against the table: the index may still hold a template erased elsewhere.
    const rows = hits.length ? await deps.db.selectFrom('face_templates').select(['seq', 'session_id', 'account_id']).where('project_id', '=', q.projectId).where('seq', 'in', hits.map((h) => h.seq)).execute() : [];
    const bySeq = new Map(rows.map((r) => [Number(r.seq), r]));
    for (const h of hits) {
      const r = bySeq.get(h.seq);
      if (r) note(r.account_id, r.session_id, 'face', scoreFromDistance(h.distance));
    }
  }
  const hashes = hashLinks(deps.secret, q.values);
  for (const kind of Object.keys(LINK_COLUMNS) as LinkKind[]) {
    const h = hashes[kind];
    const allowKind = ALLOW_KIND[kind];
    if (!h || (allowKind && q.lists.has('allow', allowKind, q.values[kind]))) continue;
    const rows = await deps.db.selectFrom('face_templates').select(['session_id', 'account_id']).where('project_id', '=', q.projectId).where(LINK_COLUMNS[kind], '=', h).limit(LINK_ROWS).execute();
    for (const r of rows) note(r.account_id, r.session_id, kind);
  }
  const accounts_linked = [...linked.values()].sort((a, b) => b.match_types.length - a.match_types.length || a.account_id.localeCompare(b.account_id));
  const findings: Finding[] = [];
  const faceLinked = accounts_linked.filter((a) => a.match_types.includes('face'));
  if (faceLinked.length && !q.lists.has('allow', 'account', q.accountId)) {
    findings.push({ code: 'repeat_face', message: `the same face was verified under ${faceLinked.length} other account(s)`, details: { accounts: faceLinked.map((a) => a.account_id) } });
  }
  findings.push(...blockFindings(q));
  return { matches: { num_accounts_linked: accounts_linked.length, accounts_linked }, findings, links: hashes };
}

function blockFindings(q: DuplicateQuery): Finding[] {
  const out: Finding[] = [];
  const blocked = (kind: 'ip' | 'account' | 'document_number', v: string | null | undefined) => q.lists.has('block' satisfies ListName, kind, v);
  if (blocked('account', q.accountId)) out.push({ code: 'blocked_account', message: 'the account is on the block list' });
  if (blocked('document_number', q.values.document_number)) out.push({ code: 'blocked_document', message: 'the document number is on the block list' });
  if (blocked('ip', q.values.ip_address)) out.push({ code: 'blocked_ip', message: 'the IP address is on the block list' });
  if (q.template) {
    const t = q.template;
    const hit = q.lists.blockedFaces.map((f) => ({ value: f.value, distance: euclidean(t, f.template) })).filter((f) => f.distance < DUPLICATE_DISTANCE).sort((a, b) => a.distance - b.distance)[0];
    if (hit) out.push({ code: 'blocked_face', message: 'the face matches a block-listed face', details: { entry: hit.value, score: scoreFromDistance(hit.distance) } });
  }
  return out;
}
