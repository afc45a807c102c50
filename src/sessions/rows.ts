import { z } from 'zod';
import { captureReportSchema } from './capture-report.ts';
import { AppError } from '../domain/errors.ts';
import { type Decision, type Profile, profileSchema, SESSION_STATES, type SessionState, type SessionStatus } from '../domain/session.ts';
import type { Db } from '../storage/db.ts';
import type { SessionsTable } from '../storage/schema.ts';

// Reading session rows back: stored JSON is parsed with the same schemas it was written with, so a
// corrupted row fails loudly instead of leaking an odd shape to clients.

/** Columns the store derives from the record on every write (mutableColumns): never set directly. */
type DerivedColumns = 'video_mode' | 'language' | 'reason_codes' | 'decided_at';

export interface SessionRecord extends Omit<SessionsTable, 'profile' | 'metadata' | 'decision' | 'client_info' | 'expected_data' | 'capture_plan' | 'status' | 'phrase_attempts' | 'state' | 'review_claim' | 'reviewed_by' | 'pending_approval' | DerivedColumns> {
  /** The API's six-valued status, a projection of `state` (domain/session.ts publicStatus). */
  status: SessionStatus;
  state: SessionState;
  review_claim: ReviewClaim | null;
  reviewed_by: ReviewedBy | null;
  /** A four-eyes approval waiting for a second person (null: none waits). */
  pending_approval: PendingApproval | null;
  profile: Profile;
  metadata: Record<string, unknown> | null;
  decision: Decision | null;
  client_info: Record<string, unknown> | null;
  expected_data: Record<string, unknown> | null;
  capture_plan: CapturePlan | null;
  phrase_attempts: PhraseAttempt[];
}

/** What the capture page is asked to do (phrase, challenge schedule), stored so the pipeline verifies the same. */
export const capturePlanSchema = z.object({
  phrase: z.object({ kind: z.string(), text: z.string(),
    /** How the pipeline checks it: transcript/spotting by the language's engine, digits spotted with the English model, or a human (projects/settings.ts). */
    check: z.enum(['transcript', 'digits_spotting', 'review']).default('transcript') }).nullable().default(null),
  challenges: z.array(z.object({ type: z.string(), at_seconds: z.number() })).default([]),
  /** What the page reported at complete (issue 13): narrows the liveness/speech search, never a result. */
  page_report: captureReportSchema.nullable().optional(),
}).passthrough();
export type CapturePlan = z.infer<typeof capturePlanSchema>;

export const phraseAttemptSchema = z.object({
  status: z.enum(['SUCCESS', 'WRONG_ANSWER', 'NO_SPEECH', 'UNAVAILABLE']),
  userInput: z.string(),
  attemptNumber: z.number().int().positive(),
});
export type PhraseAttempt = z.infer<typeof phraseAttemptSchema>;

const actorKind = z.enum(['api_key', 'user', 'capture', 'system']);

const decisionSchema = z.object({
  result: z.enum(['approved', 'declined', 'needs_review']),
  reasons: z.array(z.object({ code: z.string(), message: z.string(), stage: z.string().optional(), blocking: z.boolean().optional(), details: z.unknown().optional() })),
  decided_by: z.string(),
  decided_at: z.string(),
  actor: z.object({ kind: actorKind, id: z.string() }).optional(),
  /** `resubmission_requested`: declined by a reviewer who asks the integrator for a new capture. */
  outcome: z.enum(['resubmission_requested']).optional(),
  /** Four-eyes: the second person who confirmed this human decision. */
  confirmed_by: z.lazy(() => reviewedBySchema).optional(),
});

/**
 * Who took a human decision, from authentication. `name` of an API key actor is what the
 * integrator passed (`name_source: 'integrator'`, not verified); of a user, the account's name.
 */
export const reviewedBySchema = z.object({
  kind: actorKind,
  id: z.string(),
  name: z.string().optional(),
  name_source: z.enum(['integrator', 'account']).optional(),
});
export type ReviewedBy = z.infer<typeof reviewedBySchema>;

/** A reviewer's hold on a session: others cannot decide it until it is released or expires. */
export const reviewClaimSchema = z.object({ actor: reviewedBySchema, expires_at: z.string() });
export type ReviewClaim = z.infer<typeof reviewClaimSchema>;

/**
 * A human decision that four-eyes holds back (project setting `four_eyes`): what the first person
 * decided, waiting for a different person to confirm or reject it. `action` is the audit action the
 * final decision will carry (an agent's or a reviewer's).
 */
export const pendingApprovalSchema = z.object({
  result: z.enum(['approved', 'declined']),
  notes: z.string().nullable(),
  reasons: z.array(z.string()),
  action: z.enum(['decision.review', 'decision.agent']),
  why: z.enum(['overrides_decline', 'high_risk', 'live_agent_call']),
  by: reviewedBySchema,
  at: z.string(),
});
export type PendingApproval = z.infer<typeof pendingApprovalSchema>;

const json = (s: string | null) => (s === null ? null : JSON.parse(s));

export function toRecord(r: SessionsTable): SessionRecord {
  return {
    ...r,
    status: r.status as SessionStatus,
    state: z.enum(SESSION_STATES).parse(r.state ?? r.status),
    review_claim: r.review_claim ? reviewClaimSchema.parse(JSON.parse(r.review_claim)) : null,
    reviewed_by: r.reviewed_by ? reviewedBySchema.parse(JSON.parse(r.reviewed_by)) : null,
    pending_approval: r.pending_approval ? pendingApprovalSchema.parse(JSON.parse(r.pending_approval)) : null,
    face_score: r.face_score === null || r.face_score === undefined ? null : Number(r.face_score),
    profile: profileSchema.parse(JSON.parse(r.profile)),
    metadata: json(r.metadata),
    decision: r.decision ? (decisionSchema.parse(JSON.parse(r.decision)) as Decision) : null,
    client_info: json(r.client_info),
    expected_data: json(r.expected_data),
    capture_plan: r.capture_plan ? capturePlanSchema.parse(JSON.parse(r.capture_plan)) : null,
    phrase_attempts: r.phrase_attempts ? z.array(phraseAttemptSchema).parse(JSON.parse(r.phrase_attempts)) : [],
  };
}

/** Every read is scoped to the project: another tenant's id is simply not found. */
export async function loadSession(db: Db, projectId: string, id: string): Promise<SessionRecord> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  if (!row || row.erased_at) throw new AppError('session_not_found', `no session ${id}`);
  return toRecord(row);
}

/** The columns a command may change, serialised as toRecord reads them back (sessions/store.ts writes them). */
export function mutableColumns(s: SessionRecord) {
  const j = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
  return {
    status: s.status, state: s.state, result: s.result, metadata: j(s.metadata), expected_data: j(s.expected_data), client_info: j(s.client_info),
    decision: j(s.decision), capture_plan: j(s.capture_plan), phrase_attempts: s.phrase_attempts.length ? JSON.stringify(s.phrase_attempts) : null,
    external_id: s.external_id, account_id: s.account_id, redirect_url: s.redirect_url, completed_at: s.completed_at, recorded_at: s.recorded_at,
    reviewed_at: s.reviewed_at, agent_id: s.agent_id, agent_notes: s.agent_notes, erased_at: s.erased_at, updated_at: s.updated_at,
    review_claim: j(s.review_claim), reviewed_by: j(s.reviewed_by), pending_approval: j(s.pending_approval), face_score: s.face_score,
    // The profile changes once in a live-agent session's life: no agent → self-record (aggregate switched_to_self_record).
    profile: JSON.stringify(s.profile),
    ...listColumns(s),
  };
}

/** The dashboard's filter/sort copies (migration 012), always recomputed from the record they copy. */
function listColumns(s: SessionRecord) {
  const codes = [...new Set((s.decision?.reasons ?? []).map((r) => r.code))];
  return {
    video_mode: s.profile.video_mode, language: s.profile.video_language,
    reason_codes: codes.length ? `,${codes.join(',')},` : null, decided_at: s.decision?.decided_at ?? null,
  };
}

/** A whole row for an insert. */
export function toRow(s: SessionRecord): SessionsTable {
  return {
    ...mutableColumns(s), id: s.id, project_id: s.project_id, profile: JSON.stringify(s.profile), referring_session_id: s.referring_session_id,
    expires_at: s.expires_at, created_at: s.created_at, version: s.version,
  };
}

/** The row as stored, erased or not (the store decides what an erased session may still do). */
export async function loadRawSession(db: Db, projectId: string, id: string): Promise<SessionRecord | null> {
  const row = await db.selectFrom('sessions').selectAll().where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  return row ? toRecord(row) : null;
}
