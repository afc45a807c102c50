import type { Evidence, Frame, Segment } from '../types.ts';

// GET /sessions/{id}/evidence (src/review/evidence.ts) → what the viewer draws. The server answers
// in its own terms (artifact kinds, the liveness schedule's start times, recognised words); this
// turns them into pictures' terms (the three face images, challenge windows, transcript lines).

/** The capture page's window per challenge when no next challenge bounds it (src/sessions/capture-plan.ts CHALLENGE_SPACING_SECONDS). */
const WINDOW_S = 4;
/** A pause this long, or this many words, starts a new transcript line. */
const LINE_GAP_S = 0.8;
const LINE_WORDS = 10;

interface Raw {
  session: Evidence['session'];
  media: Record<string, { url: string; content_type: string; bytes: number } | null>;
  document: null | { read?: boolean; error?: string | null; format?: string | null; fields: Array<{ name: string; value: string | null; expected: string | null; match: boolean | null }>; check_digits: Array<{ name: string; passed: boolean }>; data_checks: Array<{ code: string; passed: boolean; message: string }> };
  faces: Evidence['faces'];
  video: null | {
    url: string | null; duration_seconds: number | null;
    challenges: Array<{ type: string; starts_at: number; detected_at: number | null; passed: boolean | null }>;
    frames: Array<{ t: number | null; faces: number; box?: { x: number; y: number; w: number; h: number } }>;
    transcript: { text: string; words: Array<{ word: string; start: number; end: number }> } | null;
    phrase: { expected: { text?: string } | string | null; attempts: Array<Record<string, unknown>> } | null;
    flags: Array<{ code: string; t: number | null; blocking?: boolean }>;
  };
  reasons: Array<{ code: string; sentence: string; severity: string | null; stage?: string | null; evidence?: unknown }>;
  client: Record<string, unknown> | null; risk: Record<string, unknown> | null;
  webhooks: Evidence['webhooks']; audit: Evidence['audit'];
}

export function lines(words: Array<{ word: string; start: number; end: number }>): Segment[] {
  const out: Segment[] = [];
  let cur: { start: number; end: number; words: string[] } | null = null;
  for (const w of words) {
    if (!cur || w.start - cur.end > LINE_GAP_S || cur.words.length >= LINE_WORDS) {
      if (cur) out.push({ start: cur.start, end: cur.end, text: cur.words.join(' ') });
      cur = { start: w.start, end: w.end, words: [] };
    }
    cur.words.push(w.word.trim());
    cur.end = w.end;
  }
  if (cur) out.push({ start: cur.start, end: cur.end, text: cur.words.join(' ') });
  return out;
}

export function fromEvidence(json: unknown): Evidence {
  const r = json as Raw;
  const m = r.media ?? {};
  const videoFace = Object.keys(m).filter((k) => k.startsWith('evidence_video_face')).sort()[0];
  const media: Evidence['media'] = {
    document_front: m.document_front ?? null,
    document_back: m.document_back ?? null,
    selfie: m.selfie_face ?? m.evidence_selfie_face ?? m.selfie ?? null,
    video: m.video ?? null,
    best_frame: m.best_frame ?? (videoFace ? m[videoFace] ?? null : null),
    document_portrait: m.document_portrait ?? m.evidence_document_portrait ?? null,
  };
  const v = r.video;
  const video: Evidence['video'] = v && v.url ? {
    url: v.url,
    duration_seconds: v.duration_seconds,
    challenges: v.challenges.map((c, i) => ({ type: c.type, window: [c.starts_at, v.challenges[i + 1]?.starts_at ?? c.starts_at + WINDOW_S] as [number, number], detected_at: c.detected_at, passed: c.passed })),
    frames: v.frames.flatMap((f): Frame[] => (f.t === null ? [] : [{ t: f.t, count: f.faces, faces: f.box ? [{ box: [f.box.x, f.box.y, f.box.w, f.box.h] }] : [] }])),
    transcript: v.transcript ? { text: v.transcript.text, segments: lines(v.transcript.words ?? []) } : null,
    phrase: v.phrase && (v.phrase.expected || v.phrase.attempts.length) ? { expected: typeof v.phrase.expected === 'string' ? v.phrase.expected : v.phrase.expected?.text ?? '', attempts: v.phrase.attempts } : null,
    flags: v.flags.map((f) => ({ t: f.t, code: f.code, label: '' })),
  } : null;
  return {
    object: 'evidence',
    session: r.session,
    media,
    document: r.document ? { read: r.document.read ?? true, error: r.document.error ?? null, mrz: r.document.fields.length || r.document.check_digits.length ? { fields: r.document.fields, check_digits: r.document.check_digits, data_checks: r.document.data_checks } : null } : null,
    faces: r.faces,
    video,
    reasons: r.reasons.map((x) => ({ code: x.code, sentence: x.sentence, severity: x.severity ?? 'info', evidence: x.evidence ?? undefined })),
    client: r.client, risk: r.risk, webhooks: r.webhooks ?? [], audit: r.audit ?? [],
    raw: json,
  };
}
