import { z } from 'zod';

// The typed job catalogue: name → payload schema, retry policy, timeout, concurrency class. The
// compiler forces a handler per name (JobHandlers) and a payload of the right shape per enqueue.

/** Exponential backoff with ±20 % jitter, capped: attempt 1 → ~base, 2 → ~2·base, … */
export function exponentialBackoff(baseMs: number, capMs: number) {
  return (attempt: number, rand: () => number = Math.random) => {
    const raw = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
    return Math.round(raw * (0.8 + 0.4 * rand()));
  };
}

/**
 * Webhook retry schedule (after attempt n fails), in the spirit of Svix: immediate, 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h, 10 h → the last try lands ~27.6 h after the first, so a receiver that is
 * down for a full day still gets the event. ±20 % jitter spreads retries of many deliveries.
 */
export const WEBHOOK_RETRY_DELAYS_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];
export function webhookBackoff(attempt: number, rand: () => number = Math.random): number {
  const base = WEBHOOK_RETRY_DELAYS_MS[Math.min(attempt - 1, WEBHOOK_RETRY_DELAYS_MS.length - 1)] ?? 36_000_000;
  return Math.round(base * (0.8 + 0.4 * rand()));
}

/**
 * Concurrency classes: each class has its own worker slots, so slow work of one kind never holds the
 * slots of another (a receiver that never answers must not delay a verification decision). A BullMQ
 * adapter keeps one queue per class.
 */
export const JOB_CLASSES = ['verify', 'webhook', 'maintenance'] as const;
export type JobClass = (typeof JOB_CLASSES)[number];

/** How often a job runs at most, and how long the runner waits after failed attempt n. */
export interface RetryPolicy {
  /** Every run counts, including runs whose worker died (lease expired); see ClaimedJob.attempt. */
  maxAttempts: number;
  backoff: (attempt: number) => number;
}

export interface JobDefinition {
  class: JobClass;
  payload: z.ZodType;
  retry: RetryPolicy;
  /** The runner aborts a run after this long (its signal fires) and counts it as a failed attempt. */
  timeoutMs: number;
}

/**
 * The one place each job's contract lives: callers name a job and hand its payload; the queue adapter
 * takes the attempts from here (no retry numbers at call sites) and validates the payload on enqueue,
 * the runner validates it again on claim (stored JSON is untrusted input too).
 */
export const catalogue = {
  'verify-session': {
    class: 'verify',
    payload: z.object({ sessionId: z.string().min(1), projectId: z.string().min(1) }),
    // 5 runs: a transient engine or disk failure gets four more chances over ~75 s of backoff
    // (5, 10, 20, 40 s ± 20 %) before the give-up hook ends the session needs_review.
    retry: { maxAttempts: 5, backoff: exponentialBackoff(5_000, 10 * 60_000) },
    timeoutMs: 15 * 60_000,
  },
  'deliver-webhook': {
    class: 'webhook',
    payload: z.object({ deliveryId: z.string().min(1) }),
    // One first try plus one retry per entry of the Svix-style schedule above (~27.6 h in all).
    retry: { maxAttempts: WEBHOOK_RETRY_DELAYS_MS.length + 1, backoff: webhookBackoff },
    timeoutMs: 30_000,
  },
  'expire-sessions': {
    class: 'maintenance',
    payload: z.object({}).passthrough(),
    // It runs again next minute anyway: a few quick retries are enough.
    retry: { maxAttempts: 3, backoff: exponentialBackoff(5_000, 60_000) },
    timeoutMs: 60_000,
  },
  'purge-retention': {
    class: 'maintenance',
    payload: z.object({}).passthrough(),
    retry: { maxAttempts: 3, backoff: exponentialBackoff(60_000, 600_000) },
    timeoutMs: 10 * 60_000,
  },
} as const satisfies Record<string, JobDefinition>;

export type JobName = keyof typeof catalogue;
export type JobPayload<K extends JobName> = z.infer<(typeof catalogue)[K]['payload']>;
export const JOB_NAMES = Object.keys(catalogue) as JobName[];
export const isJobName = (name: string): name is JobName => Object.hasOwn(catalogue, name);

export interface JobContext {
  jobId: string;
  attempt: number;
  maxAttempts: number;
  signal: AbortSignal;
}

export type JobHandlers = { [K in JobName]: (payload: JobPayload<K>, ctx: JobContext) => Promise<void> };

/**
 * Optional per job name: called once when a job of that name fails for the last time (its final
 * attempt, or an UnrecoverableError), so the domain can end what the job was for (a session left
 * `processing`) in the shared mechanism rather than in every handler.
 */
export type GiveUpHandlers = { [K in JobName]?: (payload: JobPayload<K>, info: { jobId: string; error: string }) => Promise<void> };

/** Throw this from a handler when retrying cannot help (BullMQ's UnrecoverableError). */
export class UnrecoverableError extends Error {}

/**
 * Throw this from a handler that chose its own retry time (and already told someone about it, as the
 * webhook delivery log does): the worker re-queues the job for exactly `at`, not for its own backoff.
 */
export class RetryAtError extends Error {
  constructor(message: string, readonly at: Date) {
    super(message);
  }
}

/** The job names of one concurrency class. */
export const namesOfClass = (cls: JobClass): JobName[] => JOB_NAMES.filter((n) => catalogue[n].class === cls);
