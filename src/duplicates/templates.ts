import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { Db } from '../storage/db.ts';
import type { StoredTemplate, TemplateSource } from './face-index.ts';
import type { TemplateCodec } from './template-codec.ts';

// The face_templates table: the truth behind every FaceIndex.

export type LinkKind = 'ip_address' | 'browser_fingerprint' | 'document_number' | 'document_name';
export const LINK_COLUMNS = {
  ip_address: 'link_ip',
  browser_fingerprint: 'link_fingerprint',
  document_number: 'link_document_number',
  document_name: 'link_document_name',
} as const satisfies Record<LinkKind, string>;
export type Links = Partial<Record<LinkKind, string | null>>;

export function tableTemplateSource(db: Db, codec: TemplateCodec): TemplateSource {
  return {
    async maxSeq(projectId) {
      const r = await db.selectFrom('face_templates').select((eb) => eb.fn.max('seq').as('m')).where('project_id', '=', projectId).executeTakeFirst();
      return Number(r?.m ?? 0);
    },
    async since(projectId, after, limit): Promise<StoredTemplate[]> {
      const rows = await db.selectFrom('face_templates').select(['seq', 'session_id', 'template', 'created_at'])
        .where('project_id', '=', projectId).where('seq', '>', after).orderBy('seq').limit(limit).execute();
      return rows.map((r) => ({ seq: Number(r.seq), template: codec.decode(r.session_id, r.template), createdAt: Date.parse(r.created_at) }));
    },
  };
}

interface TemplateInput {
  projectId: string;
  sessionId: string;
  accountId: string | null;
  template: Float32Array;
  /** Keyed hashes (template-codec linkHash). */
  links: Links;
}

/** Stores (or replaces, on a retried job) the session's template and brings the index up to date. */
export async function storeTemplate(deps: Deps, t: TemplateInput): Promise<void> {
  const row = {
    project_id: t.projectId, session_id: t.sessionId, account_id: t.accountId,
    template: deps.templateCodec.encode(t.sessionId, t.template),
    link_ip: t.links.ip_address ?? null, link_fingerprint: t.links.browser_fingerprint ?? null,
    link_document_number: t.links.document_number ?? null, link_document_name: t.links.document_name ?? null,
    created_at: iso(deps.clock.now()),
  };
  const old = await deps.db.selectFrom('face_templates').select('seq').where('session_id', '=', t.sessionId).executeTakeFirst();
  if (old) {
    await deps.db.deleteFrom('face_templates').where('seq', '=', old.seq).execute();
    await deps.faceIndex.remove(t.projectId, Number(old.seq));
  }
  await deps.db.insertInto('face_templates').values(row).execute();
  await deps.faceIndex.sync(t.projectId);
}

/** Erase / retention: the row goes, and the index of this process forgets it at once. */
export async function deleteTemplate(deps: Pick<Deps, 'db' | 'faceIndex'>, projectId: string, sessionId: string): Promise<number> {
  const rows = await deps.db.selectFrom('face_templates').select('seq').where('session_id', '=', sessionId).where('project_id', '=', projectId).execute();
  if (!rows.length) return 0;
  await deps.db.deleteFrom('face_templates').where('session_id', '=', sessionId).where('project_id', '=', projectId).execute();
  for (const r of rows) await deps.faceIndex.remove(projectId, Number(r.seq));
  return rows.length;
}
