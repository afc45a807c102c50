import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { TEMPLATE_DIMENSIONS } from './template-codec.ts';

// Per-project block and allow lists. A blocked face, account or document number declines; a
// blocked IP sends to review (one IP is shared by a whole office or carrier NAT). An allow-listed
// account is never flagged repeat_face, and allow-listed IPs and document numbers do not link
// accounts (a shared office IP, a test document).

export const LIST_NAMES = ['block', 'allow'] as const;
export const LIST_KINDS = ['face', 'ip', 'account', 'document_number'] as const;
export type ListName = (typeof LIST_NAMES)[number];
type ListKind = (typeof LIST_KINDS)[number];

export const listEntryBody = z.strictObject({
  kind: z.enum(LIST_KINDS),
  /** ip, account, document_number: the value; face: omit and give session_id or template. */
  value: z.string().trim().min(1).max(255).optional(),
  /** face: a session whose stored face template is copied into the list. */
  session_id: z.string().min(1).max(100).optional(),
  /** face: a 128-number face-api descriptor. */
  template: z.array(z.number().finite()).length(TEMPLATE_DIMENSIONS).optional(),
  note: z.string().max(500).optional(),
});
type ListEntryBody = z.infer<typeof listEntryBody>;

/** Document numbers and IPs are compared the way they are printed/parsed: trimmed, upper case. */
const normalizeListValue = (kind: ListKind, v: string) => (kind === 'account' ? v.trim() : v.trim().toUpperCase());

function entryView(r: { list: string; kind: string; value: string; note: string | null; created_at: string }) {
  return { object: 'list_entry' as const, list: r.list, kind: r.kind, value: r.value, note: r.note, created_at: r.created_at };
}

export async function addListEntry(deps: Deps, projectId: string, list: ListName, b: ListEntryBody) {
  let value: string;
  let template: string | null = null;
  if (b.kind === 'face') {
    if (list === 'allow') throw new AppError('validation_failed', 'faces can only be block-listed (allow-list the account instead)');
    if (!!b.session_id === !!b.template) throw new AppError('validation_failed', 'a face entry needs exactly one of session_id or template');
    if (b.session_id) {
      const row = await deps.db.selectFrom('face_templates').select(['template']).where('project_id', '=', projectId).where('session_id', '=', b.session_id).executeTakeFirst();
      if (!row) throw new AppError('session_not_found', 'no stored face template for this session (not decided yet, or erased)');
      value = `session:${b.session_id}`;
      template = deps.templateCodec.encode(value, deps.templateCodec.decode(b.session_id, row.template));
    } else {
      const t = Float32Array.from(b.template!);
      value = `template:${createHash('sha256').update(Buffer.from(t.buffer)).digest('hex').slice(0, 16)}`;
      template = deps.templateCodec.encode(value, t);
    }
  } else {
    if (!b.value) throw new AppError('validation_failed', `a ${b.kind} entry needs a value`);
    value = normalizeListValue(b.kind, b.value);
  }
  const row = { project_id: projectId, list, kind: b.kind, value, note: b.note ?? null, template, created_at: iso(deps.clock.now()) };
  await deps.db.insertInto('project_lists').values(row).onConflict((oc) => oc.columns(['project_id', 'list', 'kind', 'value']).doUpdateSet({ note: row.note, template })).execute();
  return entryView(row);
}

export async function listEntries(deps: Deps, projectId: string, list?: ListName) {
  let q = deps.db.selectFrom('project_lists').select(['list', 'kind', 'value', 'note', 'created_at']).where('project_id', '=', projectId);
  if (list) q = q.where('list', '=', list);
  const rows = await q.orderBy('created_at').orderBy('value').execute();
  return { object: 'list' as const, data: rows.map(entryView) };
}

export async function removeListEntry(deps: Deps, projectId: string, list: ListName, kind: ListKind, value: string) {
  const v = kind === 'face' ? value : normalizeListValue(kind, value);
  const r = await deps.db.deleteFrom('project_lists').where('project_id', '=', projectId).where('list', '=', list).where('kind', '=', kind).where('value', '=', v).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new AppError('not_found', 'no such list entry');
  return { object: 'list_entry' as const, list, kind, value: v, deleted: true };
}

export interface ProjectLists {
  has(list: ListName, kind: Exclude<ListKind, 'face'>, value: string | null | undefined): boolean;
  blockedFaces: Array<{ value: string; template: Float32Array }>;
}

export async function loadLists(deps: Deps, projectId: string): Promise<ProjectLists> {
  const rows = await deps.db.selectFrom('project_lists').select(['list', 'kind', 'value', 'template']).where('project_id', '=', projectId).execute();
  const keys = new Set(rows.filter((r) => r.kind !== 'face').map((r) => `${r.list}/${r.kind}/${r.value}`));
  return {
    has: (list, kind, value) => !!value && keys.has(`${list}/${kind}/${normalizeListValue(kind, value)}`),
    blockedFaces: rows.filter((r) => r.kind === 'face' && r.list === 'block' && r.template)
      .map((r) => ({ value: r.value, template: deps.templateCodec.decode(r.value, r.template!) })),
  };
}
