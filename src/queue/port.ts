import type { JobClass, JobName, JobPayload } from './catalogue.ts';

/**
 * The JobQueue port: durable jobs with leases, in the vocabulary of a job queue, not of a table.
 * The embedded adapter is a SQL table (`sql-queue.ts`, SQLite or PostgreSQL); the scale-out adapter
 * will be BullMQ on Redis. Both run the same contract suite (test/contract/queue.contract.ts), and
 * nothing outside an adapter knows how jobs are stored.
 *
 * Policy lives in the catalogue (catalogue.ts), not at call sites: the adapter takes a job's
 * attempts from it and validates every payload against it on enqueue (job-input.ts). The runner
 * (worker.ts) pulls jobs with `claim`, heart-beats with `extend`, and reports with
 * `complete`/`fail`/`release`; retry times come from the catalogue's backoff or a handler's
 * RetryAtError.
 *
 * How a BullMQ adapter maps each verb (one BullMQ queue per concurrency class, jobs processed
 * manually: a `Worker` without a processor, docs.bullmq.io "Manually processing jobs"):
 * - `enqueue` → `Queue(class).add(name, payload, { attempts: catalogue maxAttempts, delay: runAt − now,
 *   deduplication: { id: dedupeKey } })`. BullMQ's simple-mode deduplication lasts until the job
 *   completes or fails, which is exactly `dedupeKey` below. `group` goes into the job (see claim).
 * - `claim` → `worker.getNextJob(token)` with `lockDuration = leaseMs`, token derived from
 *   workerId + job id (BullMQ wants one token per job; the adapter rebuilds it in the other verbs).
 *   `attempt` = `attemptsStarted` minus the adapter's own count of releases. `maxPerGroup`: open-source
 *   BullMQ has no groups, so the adapter keeps a per-group count of live locks in Redis and moves a job
 *   of a group at its cap back with `moveToDelayed` (BullMQ Pro groups with a concurrency limit do
 *   this natively). A stalled job (lock not renewed) is moved back to wait by the stalled-job check
 *   (`worker.startStalledCheckTimer()`), which is our lease expiry.
 * - `extend` → `job.extendLock(token, leaseMs)`; false when the lock is gone.
 * - `complete` → `job.moveToCompleted(null, token, false)`.
 * - `fail(…, retryAt)` → `job.moveToFailed(err, token, false)`, jobs being added with
 *   `backoff: { type: 'custom' }` and the worker's `settings.backoffStrategy` returning `retryAt − now`
 *   carried on `err` (the runner already chose the time from the catalogue or a RetryAtError);
 *   `fail(…, null)` → `moveToFailed` with an `UnrecoverableError` (no retry whatever `attempts`
 *   says). `failedReason` is `lastError`.
 * - `release` → `job.moveToWait(token)` (does not count as a failure).
 * - `get` → `Queue.getJob(id)` + `job.getState()` (BullMQ's `wait`/`prioritized` → `waiting`).
 * - `findByDedupeKey` → `Queue.getDeduplicationJobId(key)` then `get`.
 * - `list` → `Queue.getJobs([...states])` filtered by name and group (inspection only: it reads the
 *   class's whole queue).
 * - `remove` → `job.remove()` (BullMQ refuses a locked job, as this port does).
 * - `prune(olderThan)` → `Queue.clean(now − olderThan, limit, 'completed' | 'failed')`, or
 *   `removeOnComplete/removeOnFail: { age }` on add.
 * - `counts` → `Queue.getJobCounts('wait', 'prioritized', 'delayed', 'active')`.
 * bullmq-queue.ts follows this mapping; where it departs (lease expiry checked by each claim rather
 * than by the two-pass stalled check, finish times on the injected clock) its header says why.
 */
export interface JobQueue {
  /**
   * Stores a job of a catalogue name. Throws JobInputError (`job_name_unknown`,
   * `job_payload_invalid`, `job_options_invalid`) before storing anything. With `dedupeKey`, returns
   * the id of the unfinished job already holding the key instead of adding a second.
   */
  enqueue<K extends JobName>(name: K, payload: JobPayload<K>, opts?: EnqueueOptions): Promise<string>;
  /**
   * Claims the next due job of one concurrency class for `leaseMs`; a job whose lease ran out (its
   * worker died) is claimable again with its attempt counted.
   */
  claim(workerId: string, jobClass: JobClass, leaseMs: number, opts?: ClaimOptions): Promise<ClaimedJob | null>;
  /** Extends a held lease (heartbeat); false when the lease was lost. */
  extend(id: string, workerId: string, leaseMs: number): Promise<boolean>;
  complete(id: string, workerId: string): Promise<void>;
  /** `retryAt` null = permanent failure. `error` is kept (truncated) as `lastError`. */
  fail(id: string, workerId: string, error: string, retryAt: Date | null): Promise<void>;
  /** Gives a job back without counting the run (graceful shutdown). */
  release(id: string, workerId: string): Promise<void>;
  get(id: string): Promise<JobInfo | null>;
  /** The unfinished (waiting, delayed or active) job holding `key`, if any. */
  findByDedupeKey(key: string): Promise<JobInfo | null>;
  /** Jobs of one name (optionally one group), oldest first, at most `limit` (default 100). Inspection and tests. */
  list<K extends JobName>(filter: JobFilter<K>): Promise<JobInfo<K>[]>;
  /** Removes a job that is not running; false when absent or held by a live lease. */
  remove(id: string): Promise<boolean>;
  /** Deletes completed and failed jobs that finished before `olderThan`; returns how many. */
  prune(olderThan: Date): Promise<number>;
  /** Unfinished jobs of one class by state (the /metrics queue depth). */
  counts(jobClass: JobClass): Promise<JobCounts>;
}

export interface JobCounts {
  waiting: number;
  delayed: number;
  active: number;
}

export interface EnqueueOptions {
  /** Not claimable before this time (a delayed job). */
  runAt?: Date;
  /** A second enqueue with the same key is a no-op while the first job is unfinished. */
  dedupeKey?: string;
  /** Fairness group (the project id for webhook deliveries): see ClaimOptions. */
  group?: string;
}

export interface ClaimOptions {
  /**
   * At most this many running jobs (live leases) of one group in the class; jobs of a group at the
   * cap are skipped, and among the rest each group's oldest due job goes first (round-robin by
   * group). A soft cap: two claimers racing can each take the last slot of a group.
   */
  maxPerGroup?: number;
}

export interface ClaimedJob {
  id: string;
  name: JobName;
  /** As stored: the runner validates it against the catalogue before the handler sees it. */
  payload: unknown;
  /** 1 on the first run; includes runs whose worker died (lease expired), not released ones. */
  attempt: number;
  maxAttempts: number;
}

/**
 * Where a job is, in BullMQ's words: `waiting` (due), `delayed` (runAt in the future, including a
 * retry's wait), `active` (held by a live lease), `completed`, `failed` (for good). A job whose worker
 * died is `waiting` again once its lease ran out.
 */
export type JobState = 'waiting' | 'delayed' | 'active' | 'completed' | 'failed';

/** A job as the port shows it, whatever the adapter stores. */
export type JobInfo<K extends JobName = JobName> = {
  [N in K]: {
    id: string;
    name: N;
    payload: JobPayload<N>;
    group: string | null;
    state: JobState;
    /** Runs started so far (see ClaimedJob.attempt). */
    attempts: number;
    maxAttempts: number;
    /** When it is (or was) due. */
    runAt: Date;
    lastError: string | null;
  };
}[K];

export interface JobFilter<K extends JobName> {
  name: K;
  group?: string;
  limit?: number;
}
