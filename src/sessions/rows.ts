import { z } from 'zod';
import { captureReportSchema } from './capture-report.ts';
import { AppError } from '../domain/errors.ts';
import { type Decision, type Profile, profileSchema, type SessionStatus } from '../domain/session.ts';
import type { Db } from '../storage/db.ts';
import type { SessionsTable } from '../storage/schema.ts';

// Reading session rows back: stored JSON is parsed with the same schemas it was written with, so a
// corrupted row fails loudly instead of leaking an odd shape to clients.

export interface SessionRecord extends Omit<SessionsTable, 'profile' | 'metadata' | 'decision' | 'client_info' | 'expected_data' | 'capture_plan' | 'status' | 'phrase_attempts'> {
  status: SessionStatus;
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
  phrase: z.object({ kind: z.string(), text: z.string() }).nullable().default(null),
  challenges: z.array(z.object({ type: z.string(), at_seconds: z.number() })).default([]),
  waiting_room: z.boolean().default(false),
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

const decisionSchema = z.object({
  result: z.enum(['approved', 'declined', 'needs_review']),
  reasons: z.array(z.object({ code: z.string(), message: z.string(), stage: z.string().optional(), blocking: z.boolean().optional(), details: z.unknown().optional() })),
  decided_by: z.string(),
  decided_at: z.string(),
});

const json = (s: string | null) => (s === null ? null : JSON.parse(s));

export function toRecord(r: SessionsTable): SessionRecord {
  return {
    ...r,
    status: r.status as SessionStatus,
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
