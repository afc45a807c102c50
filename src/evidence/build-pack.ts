import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { AppError } from '../domain/errors.ts';
import { loadRawSession } from '../sessions/rows.ts';
import { sessionView } from '../sessions/views.ts';
import { type ChainedRecord, verifyChain } from '../domain/audit-chain.ts';
import { auditRecordView, readAuditChain } from '../sessions/audit-trail.ts';
import { modelsInResults, serverModels } from './models.ts';

// The evidence pack's content: what was captured (artifact hashes over the plaintext bytes), what
// the models said against which thresholds, why the decision is what it is (reasons with their
// evidence frames), who decided, and the audit chain. It is a function of the session's stored
// state: built twice from the same state it is the same (the PDF made from it too), so the PDF's
// hash can sit in the signed JSON and a PDF fetched later still matches.

const PACK_FORMAT = 'vkyc.evidence-pack';
const PACK_VERSION = 1;

/** Images up to this size are embedded in the PDF (evidence crops and photos are ~20–500 kB). */
const EMBED_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Which captured images show what a reason is about, by the stage that found it: face findings
 * point at the face crops the pipeline kept and the photos they came from; document findings at
 * the document photos. Other stages (speech, risk, duplicates) have no frame to show.
 */
const EVIDENCE_KINDS: Record<string, string[]> = {
  faces: ['evidence_selfie_face', 'selfie'],
  face_match: ['evidence_selfie_face', 'evidence_document_portrait', 'selfie', 'document'],
  liveness: ['evidence_selfie_face', 'selfie'],
  document: ['document', 'document_back', 'evidence_document_portrait'],
  duplicates: ['evidence_selfie_face'],
};

interface ArtifactEntry { kind: string; ref: string; content_type: string; bytes: number; sha256: string; created_at: string }

export type EvidencePack = Awaited<ReturnType<typeof buildPackContent>>['pack'];

async function hashBlob(deps: Pick<Deps, 'blobs'>, key: string, keep: boolean) {
  const h = createHash('sha256');
  const parts: Buffer[] = [];
  let bytes = 0;
  // verifyAll: an encrypted blob that does not authenticate fails here instead of being hashed.
  for await (const chunk of await deps.blobs.get(key, { verifyAll: true })) {
    const b = chunk as Buffer;
    h.update(b);
    bytes += b.length;
    if (keep && bytes <= EMBED_MAX_BYTES) parts.push(b);
  }
  return { sha256: h.digest('hex'), bytes, data: keep && bytes <= EMBED_MAX_BYTES ? new Uint8Array(Buffer.concat(parts)) : null };
}

/** Decided sessions only: a pack documents a decision (409 session_not_decided otherwise). */
export async function buildPackContent(deps: Deps, projectId: string, sessionId: string) {
  const s = await loadRawSession(deps.db, projectId, sessionId);
  if (!s) throw new AppError('session_not_found', `no session ${sessionId}`);
  if (s.erased_at) throw new AppError('session_not_found', `session ${sessionId} was erased; its audit trail stays at /v1/sessions/${sessionId}/audit`);
  if (!s.decision || !s.result) throw new AppError('session_not_decided', `session ${sessionId} has no decision yet (state ${s.state})`);
  const [artifacts, stages, chain] = await Promise.all([
    deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', s.id).where('project_id', '=', projectId).orderBy('kind').execute(),
    deps.db.selectFrom('stage_runs').selectAll().where('session_id', '=', s.id).orderBy('stage').execute(),
    readAuditChain(deps.db, projectId, s.id),
  ]);
  const images = new Map<string, { bytes: Uint8Array; content_type: string }>();
  const entries: ArtifactEntry[] = [];
  for (const a of artifacts) {
    const image = a.content_type.startsWith('image/');
    const h = await hashBlob(deps, a.blob_key, image);
    if (h.data) images.set(a.kind, { bytes: h.data, content_type: a.content_type });
    entries.push({ kind: a.kind, ref: `artifacts/${a.kind}`, content_type: a.content_type, bytes: h.bytes, sha256: h.sha256, created_at: a.created_at });
  }
  const view = sessionView(deps, s, artifacts, stages);
  const byKind = new Map(entries.map((e) => [e.kind, e]));
  const reasons = (s.decision.reasons as Array<{ code: string; message: string; stage?: string; details?: unknown }>).map((r) => ({
    code: r.code, message: r.message, stage: r.stage ?? null, details: r.details ?? null,
    evidence_frames: (EVIDENCE_KINDS[r.stage ?? ''] ?? []).flatMap((k) => {
      const e = byKind.get(k);
      return e ? [{ kind: e.kind, ref: e.ref, sha256: e.sha256 }] : [];
    }),
  }));
  const stageResults = view.verification.stages.map((st) => ({ stage: st.stage, status: st.status, attempts: st.attempts, started_at: st.started_at, finished_at: st.finished_at, result: st.result }));
  const check = verifyChain(chain);
  const pack = {
    format: PACK_FORMAT,
    version: PACK_VERSION,
    issuer: deps.config.PUBLIC_URL,
    project_id: projectId,
    // The state the pack documents; the same state gives the same pack (and PDF).
    as_of: s.updated_at,
    session: {
      id: s.id, status: s.status, state: s.state, result: s.result, profile: s.profile, external_id: s.external_id, account_id: s.account_id,
      created_at: s.created_at, recorded_at: s.recorded_at, completed_at: s.completed_at, reviewed_at: s.reviewed_at, expires_at: s.expires_at,
      capture_plan: s.capture_plan, client_info: s.client_info,
    },
    decision: { ...s.decision, reviewed_by: s.reviewed_by ?? null },
    decision_history: decisionHistory(chain),
    reasons,
    scores: scoresOf(view),
    models: { recorded_by_stages: modelsInResults(stageResults), server: serverModels() },
    stages: stageResults,
    artifacts: entries,
    audit: {
      chain_version: 1,
      // A chain the server itself cannot verify is still handed over as stored: the verifier says where it breaks.
      verified_by_server: check.ok,
      head: check.ok ? check.head : null,
      records: chain.map(auditRecordView),
    },
  };
  return { pack, images };
}

/** The decisions in the order they were taken, with who took them (from the audit chain). */
function decisionHistory(chain: ChainedRecord[]) {
  return chain.filter((r) => r.action.startsWith('decision.')).map((r) => {
    const d = (r.details ? JSON.parse(r.details) : {}) as { result?: string; previous?: { result?: string } | null; notes?: string | null; reviewed_by?: unknown; reasons?: unknown };
    return { seq: r.seq, at: r.created_at, action: r.action, actor: r.actor, result: d.result ?? null, previous_result: d.previous?.result ?? null, reviewed_by: d.reviewed_by ?? null, notes: d.notes ?? null, reasons: d.reasons ?? null };
  });
}

type View = ReturnType<typeof sessionView>;

/** Every score next to the threshold it was compared with. */
function scoresOf(view: View) {
  const result = (stage: string) => view.verification.stages.find((s) => s.stage === stage)?.result as Record<string, unknown> | null | undefined;
  const live = result('liveness') as { liveness_score?: number | null; passive_score?: number | null; challenges?: { results?: Array<{ type: string; passed: boolean; value: unknown; threshold: number }> } } | null | undefined;
  const speech = result('speech') as { confidence?: unknown; phrase_check?: unknown } | null | undefined;
  return {
    face_match: view.face_match,
    liveness: live ? {
      liveness_score: live.liveness_score ?? null, passive_score: live.passive_score ?? null,
      challenges: (live.challenges?.results ?? []).map((c) => ({ type: c.type, passed: c.passed, value: c.value, threshold: c.threshold })),
    } : null,
    speech: speech ? { confidence: speech.confidence ?? null, phrase_check: speech.phrase_check ?? null } : null,
    risk: view.risk ? { risk_score: view.risk.risk_score, risk_flags: view.risk.risk_flags, policy: view.risk.policy } : null,
  };
}
