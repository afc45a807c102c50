import type { Evidence, FacePair, SessionCore } from '../types.ts';

// For a server without GET /sessions/{id}/evidence: the plain session (GET /sessions/{id}) drawn
// with what it carries — images, face pairs, challenges as planned, decision reasons. Parts it
// does not carry stay empty; nothing is invented.

interface Plain extends SessionCore {
  reasons?: Array<{ code: string; message: string; blocking?: boolean; stage?: string; details?: unknown }>;
  artifacts?: Array<{ kind: string; url: string; content_type: string; bytes: number }>;
  face_match?: { threshold: number; pairs: Record<string, Omit<FacePair, 'pair' | 'label'> | null> } | null;
  capture_plan?: { challenges: Array<{ type: string; at_seconds: number }> } | null;
  client_info?: Record<string, unknown> | null;
}

/** The capture page's challenge window (src/sessions/capture-plan.ts CHALLENGE_SPACING_SECONDS). */
const WINDOW_S = 4;

export function fromSession(raw: unknown): Evidence {
  const s = raw as Plain;
  const media: Evidence['media'] = {};
  // The face crops the face stage stores as evidence stand for the pair images.
  const alias: Record<string, string> = { evidence_video_face_1: 'best_frame', evidence_document_portrait: 'document_portrait' };
  for (const a of s.artifacts ?? []) (media as Record<string, unknown>)[alias[a.kind] ?? a.kind] = { url: a.url, content_type: a.content_type, bytes: a.bytes };
  const pairs: FacePair[] = Object.entries(s.face_match?.pairs ?? {}).flatMap(([pair, p]) => (p ? [{ pair, label: '', ...p }] : []));
  return {
    object: 'evidence',
    session: s,
    media,
    document: null,
    faces: s.face_match ? { threshold: s.face_match.threshold, pairs } : null,
    video: media.video ? {
      url: media.video.url, duration_seconds: null,
      challenges: (s.capture_plan?.challenges ?? []).map((c) => ({ type: c.type, window: [c.at_seconds, c.at_seconds + WINDOW_S], detected_at: null, passed: null })),
      frames: [], transcript: null, phrase: null, flags: [],
    } : null,
    reasons: (s.reasons ?? s.decision?.reasons ?? []).map((r) => ({ code: r.code, sentence: r.message, severity: 'blocking' in r && r.blocking ? 'decline' : 'review', evidence: 'details' in r ? r.details : undefined })),
    client: s.client_info ?? null,
    risk: (s.risk as Record<string, unknown> | null) ?? null,
    webhooks: [],
    audit: [],
    raw,
  };
}
