import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import type { locationMessage } from '../calls/messages.ts';
import { hasRole, type Actor } from '../domain/actor.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { isDocumentReadError } from '../documents/errors.ts';
import { readDocument } from '../documents/read-document.ts';
import { greatCircleKm } from '../risk/geo-math.ts';
import { sessionBlobPrefix } from '../sessions/blob-keys.ts';
import { loadSession } from '../sessions/rows.ts';
import { recordCallStill } from '../sessions/store.ts';
import { signedMediaUrl } from '../sessions/views.ts';
import { logActivity } from './activity.ts';
import { callOf, patchCall, queueRow } from './pool-store.ts';

// The agent's workspace during a call (docs/live-calls-api.md §4): what the agent sees beside the
// video, and what they record — stills read for their MRZ, answers to the question script, notes,
// the user's location against the IP's. Only the assigned agent (or an admin) reaches a session's.

/** The assigned agent, or an admin (who may look over a call); everyone else is refused. */
export async function requireCallAccess(deps: Deps, actor: Actor, sessionId: string): Promise<void> {
  await loadSession(deps.db, actor.projectId, sessionId);
  const row = await queueRow(deps.db, actor.projectId, sessionId);
  const call = await callOf(deps.db, actor.projectId, sessionId);
  const mine = row?.agent_id === actor.id || (!row && call?.agent_id === actor.id);
  if (!mine && !hasRole(actor, 'admin')) throw new AppError('call_not_assigned', 'this call is not yours');
}

const FIELDS = ['document_type', 'issuing_country', 'document_number', 'surname', 'given_names', 'nationality', 'birth_date', 'sex', 'expiry_date'] as const;

interface Question { id: string; text: string; answer: string | null; note: string | null; answered_at: string | null }

export async function workspace(deps: Deps, actor: Actor, sessionId: string) {
  await requireCallAccess(deps, actor, sessionId);
  const s = await loadSession(deps.db, actor.projectId, sessionId);
  const kinds = await deps.db.selectFrom('artifacts').select('kind').where('project_id', '=', actor.projectId).where('session_id', '=', sessionId).execute();
  const has = (k: string) => kinds.some((r) => r.kind === k);
  const url = (k: string) => (has(k) ? signedMediaUrl(deps, `/v1/sessions/${sessionId}/media/${k}`) : null);
  const call = await callOf(deps.db, actor.projectId, sessionId);
  const stills = (call?.stills ?? { document: null, items: [] }) as StillsDoc;
  return {
    session_id: sessionId, state: s.state, agent_id: call?.agent_id ?? null,
    images: { selfie: url('selfie'), document_front: url('document_front'), document_back: url('document_back') },
    document: stills.document,
    questions: (call?.questions ?? []) as Question[],
    location: locationView(deps, (call?.location ?? null) as LocationDoc | null),
    face: call?.face ?? null,
    stills: stills.items,
    notes: call?.notes ?? '',
    quality: call?.quality ?? null,
  };
}

// ── location ─────────────────────────────────────────────────────────────────────────────────────


interface LocationDoc { ip_address?: string; browser?: { latitude: number; longitude: number; accuracy_m: number; at: string } | { denied: true; at: string } }

export async function saveLocation(deps: Deps, projectId: string, sessionId: string, m: z.infer<typeof locationMessage>): Promise<void> {
  const at = deps.clock.now();
  const loc = ((await callOf(deps.db, projectId, sessionId))?.location ?? {}) as LocationDoc;
  const browser = 'denied' in m ? { denied: true as const, at: at.toISOString() } : { latitude: m.latitude, longitude: m.longitude, accuracy_m: m.accuracy_m, at: at.toISOString() };
  await patchCall(deps.db, projectId, sessionId, { location: { ...loc, browser } }, at);
}

/** Browser position vs the IP's (DB-IP city data, src/risk): distance and same country. */
function locationView(deps: Deps, loc: LocationDoc | null) {
  let ip: { country: string | null; city: string | null; latitude: number | null; longitude: number | null } | null = null;
  if (loc?.ip_address && deps.risk) {
    try {
      const i = deps.risk.geoip.lookup(loc.ip_address);
      ip = { country: i.country_code, city: i.city, latitude: i.latitude, longitude: i.longitude };
    } catch {
      ip = null; // no IP database configured (RISK_GEOIP_*): the agent sees the browser's position only
    }
  }
  const b = loc?.browser && 'latitude' in loc.browser ? loc.browser : null;
  const distance = b && ip?.latitude != null && ip.longitude != null ? Math.round(greatCircleKm({ lat: b.latitude, lon: b.longitude }, { lat: ip.latitude, lon: ip.longitude }) * 10) / 10 : null;
  return { browser: loc?.browser ?? null, ip, distance_km: distance };
}

// ── questions and notes ──────────────────────────────────────────────────────────────────────────

export const answerBody = z.strictObject({ answer: z.enum(['correct', 'incorrect', 'unanswered']), note: z.string().max(1000).optional() });

export async function answerQuestion(deps: Deps, actor: Actor, sessionId: string, questionId: string, body: z.infer<typeof answerBody>) {
  await requireCallAccess(deps, actor, sessionId);
  const at = deps.clock.now();
  const questions = ((await callOf(deps.db, actor.projectId, sessionId))?.questions ?? []) as Question[];
  const q = questions.find((x) => x.id === questionId);
  if (!q) throw new AppError('not_found', `no question ${questionId} in this call's script`);
  Object.assign(q, { answer: body.answer, note: body.note ?? null, answered_at: at.toISOString() });
  await patchCall(deps.db, actor.projectId, sessionId, { questions }, at);
  await logActivity(deps.db, at, { projectId: actor.projectId, userId: actor.id, sessionId, action: 'question.answered', details: { question_id: questionId, answer: body.answer } });
  return { object: 'list' as const, data: questions };
}

export const notesBody = z.strictObject({ notes: z.string().max(5000) });

export async function saveNotes(deps: Deps, actor: Actor, sessionId: string, body: z.infer<typeof notesBody>) {
  await requireCallAccess(deps, actor, sessionId);
  const at = deps.clock.now();
  await patchCall(deps.db, actor.projectId, sessionId, { notes: body.notes }, at);
  await logActivity(deps.db, at, { projectId: actor.projectId, userId: actor.id, sessionId, action: 'notes.saved', details: { chars: body.notes.length } });
  return { notes: body.notes };
}

// ── stills ───────────────────────────────────────────────────────────────────────────────────────

/** 8 MB of base64 JPEG/PNG: a 1920×1080 frame is ~0.3–1 MB as JPEG, a PNG up to ~6 MB. */
const MAX_STILL_BYTES = 8 * 1024 * 1024;
export const stillBody = z.strictObject({
  label: z.enum(['front', 'back', 'tilted', 'other']),
  image: z.string().max(Math.ceil((MAX_STILL_BYTES * 4) / 3) + 64).regex(/^data:image\/(jpeg|png);base64,[A-Za-z0-9+/=]+$/, 'a data URL of a JPEG or PNG image'),
});

type MrzView = { found: boolean; fields: Partial<Record<(typeof FIELDS)[number], string | null>>; checks_ok: boolean | null; format: string | null };
interface StillsDoc { document: { fields: MrzView['fields'] | null; read: boolean } | null; items: Array<{ n: number; label: string; kind: string; at: string; mrz: MrzView; compare: Array<{ field: string; document: string | null; still: string | null; match: boolean | null }> }> }

async function readMrz(deps: Deps, image: Uint8Array): Promise<MrzView> {
  try {
    const r = await readDocument(image, { ocr: await deps.engines.ocr(), now: deps.clock.now() });
    const fields = Object.fromEntries(FIELDS.map((f) => [f, r.fields[f] == null ? null : String(r.fields[f])]));
    return { found: true, fields, checks_ok: r.mrz.valid, format: String(r.format) };
  } catch (e) {
    if (isDocumentReadError(e)) return { found: false, fields: {}, checks_ok: null, format: null };
    throw e;
  }
}

/** The first document's MRZ (document_front, else document_back), read once and kept with the call. */
async function firstDocument(deps: Deps, projectId: string, sessionId: string, doc: StillsDoc['document']): Promise<StillsDoc['document']> {
  if (doc) return doc;
  for (const kind of ['document_front', 'document_back']) {
    const a = await deps.db.selectFrom('artifacts').select('blob_key').where('project_id', '=', projectId).where('session_id', '=', sessionId).where('kind', '=', kind).executeTakeFirst();
    if (!a) continue;
    const m = await readMrz(deps, await buffer(await deps.blobs.get(a.blob_key)));
    if (m.found) return { fields: m.fields, read: true };
  }
  return { fields: null, read: false };
}

export async function captureStill(deps: Deps, actor: Actor, sessionId: string, body: z.infer<typeof stillBody>) {
  await requireCallAccess(deps, actor, sessionId);
  const at = deps.clock.now();
  const bytes = Buffer.from(body.image.slice(body.image.indexOf(',') + 1), 'base64');
  if (bytes.length > MAX_STILL_BYTES) throw new AppError('validation_failed', 'the still is larger than 8 MB');
  const png = body.image.startsWith('data:image/png');
  const magicOk = png ? bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47])) : bytes[0] === 0xff && bytes[1] === 0xd8;
  if (!magicOk) throw new AppError('validation_failed', 'the image is not the JPEG or PNG it says it is');
  const call = await callOf(deps.db, actor.projectId, sessionId);
  const stills = (call?.stills ?? { document: null, items: [] }) as StillsDoc;
  const n = stills.items.length + 1;
  const kind = `call_still-${n}`;
  const key = `${sessionBlobPrefix(actor.projectId, sessionId)}${kind}.${png ? 'png' : 'jpg'}`;
  const put = await deps.blobs.put(key, bytes);
  await recordCallStill(deps, { projectId: actor.projectId, sessionId }, { kind, blob_key: key, content_type: png ? 'image/png' : 'image/jpeg', bytes: put.bytes, meta: JSON.stringify({ label: body.label, sha256: put.sha256 }) }, actor);
  const mrz = await readMrz(deps, bytes);
  const document = await firstDocument(deps, actor.projectId, sessionId, stills.document);
  const compare = mrz.found && document?.fields
    ? FIELDS.map((f) => { const d = document.fields?.[f] ?? null; const v = mrz.fields[f] ?? null; return { field: f, document: d, still: v, match: d === null || v === null ? null : d === v }; })
    : [];
  const still = { n, label: body.label, kind, at: at.toISOString(), mrz, compare };
  await patchCall(deps.db, actor.projectId, sessionId, { stills: { document, items: [...stills.items, still] } }, at);
  await logActivity(deps.db, at, { projectId: actor.projectId, userId: actor.id, sessionId, action: 'still.captured', details: { n, label: body.label, mrz_found: mrz.found } });
  return { still };
}
