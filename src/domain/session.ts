import { z } from 'zod';
import { CHALLENGE_TYPES } from './liveness-challenges.ts';
import { LANGUAGES } from './languages.ts';

// The session model and its state machine. Pure: no I/O.

export const STEPS = ['document', 'selfie', 'video'] as const;
export type Step = (typeof STEPS)[number];

export const SESSION_STATUSES = ['pending', 'in_progress', 'processing', 'completed', 'expired', 'canceled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];
export const RESULTS = ['approved', 'declined', 'needs_review'] as const;
export type Result = (typeof RESULTS)[number];

/** Bounds of a self-recorded video: long enough for a phrase + challenges, short enough to process fast. */
export const VIDEO_DURATION = { min: 5, max: 180, default: 60 } as const;
/**
 * Seconds of video accepted past `video_max_duration`: recorders stop a few hundred ms late and
 * the page's countdown is not exact. Decoders also stop there, whatever the container header says.
 */
export const VIDEO_DURATION_SLACK = 5;
export const SESSION_TTL = { min: 300, max: 86400, default: 3600 } as const;

export const profileSchema = z.strictObject({
  steps: z
    .array(z.enum(STEPS))
    .min(1)
    .max(3)
    .refine((s) => new Set(s).size === s.length, 'steps must not repeat'),
  video_mode: z.enum(['self_record', 'live_agent']).default('self_record'),
  video_max_duration: z.number().int().min(VIDEO_DURATION.min).max(VIDEO_DURATION.max).default(VIDEO_DURATION.default),
  video_language: z.enum(LANGUAGES).default('en'),
  /** Document types whose back side must be captured too (ID cards); passports have none. */
  document_back: z.boolean().default(false),
  /**
   * What the user says in the self-recorded video: their name and today's date (needs
   * expected_data first/last name), a consent sentence, random digits, or nothing. Default:
   * name_date when the name is known, else digits (random, so a prepared recording cannot match).
   */
  phrase: z.enum(['name_date', 'consent', 'digits', 'none']).optional(),
  /** Active challenges drawn for the self-recorded video (2–4 from this set; [] = none). */
  challenges: z.array(z.enum(CHALLENGE_TYPES)).max(8).optional(),
  /**
   * `random` (default, also when absent): 2–4 challenges drawn from `challenges`. `fixed`: exactly `challenges`, in
   * that order (integrations that script the flow, and the acceptance bench, which replays real
   * clips whose moves are known). Fixed order is predictable to an attacker who knows the
   * integration, so keep `random` for production captures.
   */
  challenge_order: z.enum(['random', 'fixed']).optional(),
  /** Replace challenges some users cannot do (smile) with an accessible alternative. */
  accessible: z.boolean().default(false),
});
export type Profile = z.infer<typeof profileSchema>;

/**
 * The aggregate's states (sessions/aggregate.ts owns every move between them). The API's `status`
 * keeps its six promised values; `state` says more: a live-agent session waiting for or talking
 * to an agent is `in_progress` to the API, and a verification that could not finish (`failed`) is
 * `completed` with result `needs_review` and the reason `processing_failed`, as it always was.
 */
export const SESSION_STATES = ['pending', 'in_progress', 'awaiting_agent', 'in_call', 'processing', 'completed', 'failed', 'expired', 'canceled'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

const PUBLIC_STATUS: Record<SessionState, SessionStatus> = {
  pending: 'pending', in_progress: 'in_progress', awaiting_agent: 'in_progress', in_call: 'in_progress',
  processing: 'processing', completed: 'completed', failed: 'completed', expired: 'expired', canceled: 'canceled',
};

/** The API `status` of a state (written next to it by the store, so list filters keep working). */
export const publicStatus = (s: SessionState): SessionStatus => PUBLIC_STATUS[s];

/** States in which the capture page still uploads (the session is open for capture). */
export function acceptsCapture(s: SessionState): boolean {
  return s === 'pending' || s === 'in_progress';
}

/** States a live agent works in: the user is in the agent queue or on a call. */
export const isLiveAgentState = (s: SessionState) => s === 'awaiting_agent' || s === 'in_call';

/** Artifacts a profile requires before `complete` is accepted. */
export function requiredArtifacts(p: Profile): string[] {
  const out: string[] = [];
  for (const step of p.steps) {
    if (step === 'document') out.push('document_front', ...(p.document_back ? ['document_back'] : []));
    if (step === 'selfie') out.push('selfie');
    if (step === 'video' && p.video_mode === 'self_record') out.push('video');
  }
  return out;
}

export interface Reason {
  code: string;
  message: string;
  stage?: string;
  details?: unknown;
}

export interface Decision {
  result: Result;
  reasons: Reason[];
  /** 'auto' for the pipeline, or the reviewer/agent label (see sessions/aggregate.ts agentLabel). */
  decided_by: string;
  decided_at: string;
  /** Who decided, from authentication (absent on decisions stored before actors existed). */
  actor?: DecisionActor;
  /** `resubmission_requested`: a reviewer declined and asked for a new capture (sessions/aggregate.ts). */
  outcome?: 'resubmission_requested';
  /** Four-eyes: the second person who confirmed this decision. */
  confirmed_by?: { kind: DecisionActor['kind']; id: string; name?: string | undefined; name_source?: 'integrator' | 'account' | undefined };
}

export interface DecisionActor { kind: 'api_key' | 'user' | 'capture' | 'system'; id: string }

/**
 * A final decision is never silently overwritten: the pipeline may only set a decision where none
 * exists; a human review creates a new decision (audited) and may override `needs_review` or an
 * automatic decision, but never another human's. A decision is automatic when the system took it
 * (`actor.kind` 'system'; decisions stored before actors existed: `decided_by` 'auto').
 */
export function mayDecide(current: Decision | null, next: { decided_by: string; actor?: DecisionActor }): boolean {
  if (!current) return true;
  if (isAutomatic(next)) return false;
  return isAutomatic(current);
}

export const isAutomatic = (d: { decided_by: string; actor?: DecisionActor }) => (d.actor ? d.actor.kind === 'system' : d.decided_by === 'auto');
