import type { Actor } from '../domain/actor.ts';
import type { Deps } from '../deps.ts';
import { loadSession } from '../sessions/rows.ts';
import { auditTrail } from '../sessions/review-session.ts';
import { faceMatchView, sessionView } from '../sessions/views.ts';
import type { StageResults } from '../verification/results/index.ts';
import { readStoredResults } from '../verification/results/read.ts';
import { reasonInWords } from './reason-words.ts';

// GET /dashboard/api/sessions/{id}/evidence: everything the evidence viewer shows, in one answer
// (issue 15 item 3). Composed from the session row and the stored, schema-checked stage results;
// a part whose stage did not run is null or empty — never invented. Media are same-origin,
// cookie-authenticated paths (the dashboard's CSP allows only 'self'; no signed link to leak).

export const dashboardMediaPath = (sessionId: string, kind: string) => `/dashboard/api/sessions/${encodeURIComponent(sessionId)}/media/${encodeURIComponent(kind)}`;

const PAIR_LABELS: Record<string, string> = {
  video_selfie: 'Video frame ↔ selfie', video_document: 'Video frame ↔ document photo', selfie_document: 'Selfie ↔ document photo',
};

/** Aliases (the viewer's names) of the evidence crops the face stages store (verification/stages/faces.ts, face-match.ts). */
const FACE_CROPS: Record<string, string> = { best_frame: 'evidence_video_face_1', document_portrait: 'evidence_document_portrait', selfie_face: 'evidence_selfie_face' };
/** The image shown for each face source of a pair: the crop the score was computed on. */
const SOURCE_IMAGE: Record<string, string> = { video: 'best_frame', selfie: 'selfie_face', document: 'document_portrait' };
const SOURCE_FALLBACK: Record<string, string> = { selfie: 'selfie', document: 'document_front' };

/** MRZ fields, each next to what the person declared; check digits and data checks passed or failed. */
export function documentPart(r: StageResults['document']) {
  if (!r || r.skipped) return null;
  const reading = r.reading ?? null;
  const compared = new Map((r.comparisons ?? []).map((c) => [c.field, c]));
  const EXPECTED_OF: Record<string, string> = { given_names: 'first_name', surname: 'last_name', birth_date: 'birth_date', document_number: 'document_number', nationality: 'nationality' };
  const fields = reading ? Object.entries(reading.fields).map(([name, value]) => {
    const c = EXPECTED_OF[name] ? compared.get(EXPECTED_OF[name] as never) : undefined;
    return { name, value: value ?? null, confidence: reading.confidence[name] ?? null, expected: c?.expected ?? null, match: c ? c.match : null, similarity: c?.similarity ?? null };
  }) : [];
  return {
    read: r.read ?? reading !== null, error: r.error ?? null, format: reading?.format ?? null, mrz_lines: reading?.mrz.lines ?? [],
    fields,
    check_digits: (reading?.mrz.checks ?? []).map((c) => ({ name: c.name, passed: c.valid })),
    data_checks: [
      ...(reading ? [{ code: 'not_expired', passed: !reading.expired, message: reading.expired ? 'the document has expired' : 'the document is valid today' }] : []),
      ...(reading ? [{ code: 'mrz_valid', passed: reading.mrz.valid, message: reading.mrz.valid ? 'the MRZ structure is valid' : reading.mrz.errors.join('; ') || 'the MRZ is not valid' }] : []),
      ...(r.comparisons ?? []).map((c) => ({ code: `matches_${c.field}`, passed: c.match, message: c.match ? `${c.field} matches the declared value` : `${c.field} differs: declared "${c.expected}", document "${c.document ?? '—'}"` })),
    ],
    warnings: reading?.mrz.warnings ?? [],
  };
}

export function videoPart(results: StageResults, s: { capture_plan: { challenges?: Array<{ type: string; at_seconds: number }> } | null; phrase_attempts: unknown[] }, videoUrl: string | null) {
  const probe = results.probe;
  const live = results.liveness;
  const faces = results.faces && !results.faces.skipped ? results.faces : null;
  const speech = results.speech;
  const schedule = live?.schedule ?? s.capture_plan?.challenges ?? [];
  const byIndex = new Map((live?.challenges?.results ?? []).map((c) => [c.index, c]));
  const challenges = schedule.map((c, i) => {
    const r = byIndex.get(i);
    // starts_at: when the page was to prompt it (the plan). detected_at: the video time (seconds from
    // the recording's start) of the frame where the move was measured. The pipeline searches the
    // moves in order through the video (verification/challenge-search.ts), not in fixed windows, so
    // a move done early or a recording that started late puts detected_at before starts_at.
    return { index: i, type: c.type, starts_at: c.at_seconds, detected_at: r?.atT ?? null, passed: r ? r.passed : null, value: r?.value ?? null, threshold: r?.threshold ?? null, failure: r?.failure ?? null };
  });
  const flags = [
    ...(live?.checks ?? []).filter((c) => c.flagged).map((c) => ({ code: c.reason, blocking: c.blocking, t: null as number | null, evidence: c.evidence })),
    // The identity track's low points: where the face may have changed.
    ...(faces && !faces.track.ok && faces.track.reasons.includes('face_changed')
      ? faces.track.identity.filter((p) => p.score !== null && faces.track.minIdentityScore !== null && p.score <= faces.track.minIdentityScore).map((p) => ({ code: 'face_changed', blocking: true, t: p.t, evidence: { score: p.score } }))
      : []),
  ];
  return {
    url: videoUrl,
    duration_seconds: probe?.duration_seconds ?? null,
    challenges,
    frames: faces ? faces.per_frame : [],
    best_frames: faces ? faces.best_frames.map((b) => ({ t: b.t, quality: b.quality.score, pose: b.pose })) : [],
    identity_track: faces ? faces.track.identity : [],
    transcript: speech ? { text: speech.transcript, engine: speech.engine ?? null, language: speech.language ?? null, words: speech.words ?? [], window: speech.transcript_window_seconds ?? null } : null,
    phrase: speech ? { expected: speech.expected_phrase ?? null, window: speech.phrase_window_seconds ?? null, check: speech.video_phrase ?? null, attempts: speech.attempts } : (s.phrase_attempts.length ? { expected: null, window: null, check: null, attempts: s.phrase_attempts } : null),
    flags,
    liveness_score: live?.liveness_score ?? null,
  };
}

export async function sessionEvidence(deps: Deps, actor: Actor, id: string) {
  const s = await loadSession(deps.db, actor.projectId, id);
  const [artifacts, stages, audit, deliveries] = await Promise.all([
    deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', s.id).where('project_id', '=', actor.projectId).orderBy('created_at').execute(),
    deps.db.selectFrom('stage_runs').selectAll().where('session_id', '=', s.id).execute(),
    auditTrail(deps, actor.projectId, id),
    deps.db.selectFrom('webhook_deliveries').innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id').innerJoin('webhooks', 'webhooks.id', 'webhook_deliveries.webhook_id')
      .select(['webhook_deliveries.id', 'webhook_events.type as event', 'webhooks.url', 'webhook_deliveries.status', 'webhook_deliveries.attempts', 'webhook_deliveries.next_attempt_at', 'webhook_deliveries.created_at', 'webhook_deliveries.updated_at'])
      .where('webhook_events.session_id', '=', s.id).where('webhook_deliveries.project_id', '=', actor.projectId).orderBy('webhook_deliveries.created_at').execute(),
  ]);
  const view = sessionView(deps, s, artifacts, stages);
  const { results } = readStoredResults(stages.filter((st) => st.status === 'completed'));
  const media: Record<string, { url: string; content_type: string; bytes: number; evidence: boolean }> = {};
  for (const a of artifacts) {
    const meta = a.meta ? (JSON.parse(a.meta) as { evidence?: unknown }) : {};
    media[a.kind] = { url: dashboardMediaPath(s.id, a.kind), content_type: a.content_type, bytes: a.bytes, evidence: meta.evidence === true };
  }
  // Named views of the face stages' crops, for the face-pair panel (the first best video frame is the one matched first).
  for (const [alias, kind] of Object.entries(FACE_CROPS)) if (media[kind]) media[alias] = media[kind]!;
  // Without a crop (stored before crops existed): the whole image the face came from.
  const faceImage = (source: string) => media[SOURCE_IMAGE[source] ?? ''] ?? media[SOURCE_FALLBACK[source] ?? ''] ?? null;
  const fm = faceMatchView(stages);
  return {
    object: 'evidence' as const,
    session: { ...view, artifacts: view.artifacts.map((a) => ({ ...a, url: dashboardMediaPath(s.id, a.kind) })), pending_approval: s.pending_approval },
    media,
    document: documentPart(results.document),
    faces: fm ? {
      threshold: fm.threshold, face_match_score: fm.face_match_score,
      pairs: Object.entries(fm.pairs).filter(([, p]) => p !== null).map(([pair, p]) => {
        const [a, b] = pair.split('_') as [string, string];
        return { pair, label: PAIR_LABELS[pair] ?? pair, ...p!, images: { a: faceImage(a)?.url ?? null, b: faceImage(b)?.url ?? null } };
      }),
    } : null,
    video: videoPart(results, s, media.video?.url ?? null),
    reasons: (s.decision?.reasons ?? []).map(reasonInWords),
    client: s.client_info,
    risk: view.risk,
    webhooks: deliveries,
    audit: audit.data,
    raw: { stages: view.verification.stages },
  };
}
