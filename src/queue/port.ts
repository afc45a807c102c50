// The JobQueue port: durable jobs with leases. The embedded adapter is a SQL table (SQLite or
// PostgreSQL through the one query layer); a BullMQ adapter implements the same five verbs.

export interface ClaimedJob {
  id: string;
  name: string;
  payload: unknown;
  /** 1 on the first run; includes runs whose worker died (lease expired). */
  attempt: number;
  maxAttempts: number;
}

export interface EnqueueOptions {
  runAt?: Date;
  maxAttempts?: number;
  /** A second enqueue with the same key is a no-op while the first job exists. */
  dedupeKey?: string;
  /** Fairness group (the project id for webhook deliveries): see ClaimOptions. */
  group?: string;
}

export interface ClaimOptions {
  /**
   * At most this many running jobs (live leases) of one group among `names`; jobs of a group at the
   * cap are skipped, and among the rest each group's oldest due job goes first (round-robin by
   * group). A soft cap: two claimers racing can each take the last slot of a group.
   */
  maxPerGroup?: number;
}

export interface JobRow {
  id: string;
  name: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  attempts: number;
  max_attempts: number;
  run_at: string;
  last_error: string | null;
}

export interface JobQueue {
  enqueue(name: string, payload: unknown, opts?: EnqueueOptions): Promise<string>;
  /** Claims the next due job among `names` for `leaseMs`; expired leases are claimable again. */
  claim(workerId: string, names: readonly string[], leaseMs: number, opts?: ClaimOptions): Promise<ClaimedJob | null>;
  /** Extends a held lease (heartbeat); false when the lease was lost. */
  extend(id: string, workerId: string, leaseMs: number): Promise<boolean>;
  complete(id: string, workerId: string): Promise<void>;
  /** `retryAt` null = permanent failure. */
  fail(id: string, workerId: string, error: string, retryAt: Date | null): Promise<void>;
  /** Gives a job back without counting the run (graceful shutdown). */
  release(id: string, workerId: string): Promise<void>;
  get(id: string): Promise<JobRow | null>;
}
