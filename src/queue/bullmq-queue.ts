import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { newJobId } from '../domain/ids.ts';
import type { Clock } from '../domain/time.ts';
import { catalogue, isJobName, JOB_CLASSES, type JobClass, type JobName, namesOfClass } from './catalogue.ts';
import { checkEnqueue, JobInputError, readPayload } from './job-input.ts';
import type { ClaimedJob, JobInfo, JobQueue, JobState } from './port.ts';

// The scale-out JobQueue: BullMQ on Redis, one BullMQ queue per concurrency class, jobs processed
// manually (a Worker without a processor; the runner in worker.ts owns the loop). The mapping of
// each verb is in port.ts; what differs from a plain BullMQ worker is said where it happens:
//
// - Time follows the injected clock, as in the SQL adapter: a job's due time is the delayed set's
//   score, written from `clock.now()` (the `timestamp` option on add, an explicit timestamp on
//   moveToDelayed and moveToFinished), and `claim` promotes what is due by that clock. With the
//   system clock this is what BullMQ does anyway; with a test clock due times move with it.
// - A lease is BullMQ's job lock (`{job}:lock`, PX leaseMs). Lease expiry is checked by every claim:
//   an active job without its lock is moved back to wait (its start stays counted, as BullMQ's
//   stalled check does). BullMQ's own check needs two passes one stalledInterval apart; ours makes
//   a dead worker's job claimable as soon as its lock is gone, like the SQL adapter's lease.
// - `attempt` is BullMQ's attemptsStarted (`ats`); `release` gives the start back.

/** BullMQ packs a sequence number into the low 12 bits of a delayed job's score (getDelayedScore.lua). */
const SCORE_SHIFT = 0x1000;
/** How far ahead in the wait list a fair claim (maxPerGroup) looks for the next group's turn. */
const FAIR_WINDOW = 200;
const LIST_MAX = 1000;
/** Moves a waiting job to the head of the wait list, atomically, and only if it is there. */
const TO_FRONT = `if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 1 then redis.call('RPUSH', KEYS[1], ARGV[1]) end return 0`;

export interface BullmqQueueOptions {
  /** Shared by every class queue; the adapter needs `maxRetriesPerRequest: null` (BullMQ workers do). */
  connection: Redis;
  clock: Clock;
  /** BullMQ key prefix: `{prefix}:{class}:…`. Tests use one per run. */
  prefix?: string;
  /**
   * Redis lock length = leaseMs × leaseScale. Only tests set it (< 1): locks expire in real time, so
   * the contract suite's 5 s leases become short and its clock advances wait them out.
   */
  leaseScale?: number;
  /**
   * BullMQ's queues and workers re-emit connection errors as 'error' events, and an EventEmitter
   * without a listener throws them: this listener keeps a Redis outage from crashing the process.
   */
  onError?: (e: Error) => void;
}

export interface BullmqQueue extends JobQueue {
  /** Closes the class queues and workers (not the shared connection). */
  close(): Promise<void>;
}

/** What the adapter stores as BullMQ job data: the payload plus what the port shows beside it. */
interface Data {
  p: unknown;
  g: string | null;
  /** runAt as enqueued (ms, clock time); a retry's time is the `vkrun` field of the job hash. */
  r: number;
}

export function createBullmqQueue(o: BullmqQueueOptions): BullmqQueue {
  const { clock } = o;
  const prefix = o.prefix ?? 'vkyc:bull';
  const scale = o.leaseScale ?? 1;
  const onError = o.onError ?? (() => undefined);
  const queues = new Map<JobClass, Queue>();
  const workers = new Map<string, Worker>();
  const queueOf = (cls: JobClass): Queue => {
    let q = queues.get(cls);
    if (!q) {
      q = new Queue(cls, { connection: o.connection, prefix });
      q.on('error', onError);
      queues.set(cls, q);
    }
    return q;
  };
  // BullMQ reads the lock length from the worker's options: one Worker per (class, lease).
  const workerOf = (cls: JobClass, lockMs: number): Worker => {
    const k = `${cls}:${lockMs}`;
    let w = workers.get(k);
    if (!w) {
      // maxStalledCount is unused (claim does lease expiry); the runner counts every start against
      // the catalogue's maxAttempts instead, as with the SQL adapter.
      w = new Worker(cls, null, { connection: o.connection, prefix, autorun: false, lockDuration: lockMs, maxStalledCount: 1_000_000 });
      w.on('error', onError);
      workers.set(k, w);
    }
    return w;
  };
  const client = () => rc(queueOf('verify'));
  // We pass an ioredis connection, so the backend's client is one.
  const rc = (q: Queue) => q.backend.client as unknown as Promise<Redis>;
  const lockMs = (leaseMs: number) => Math.max(1, Math.round(leaseMs * scale));
  const now = () => clock.now().getTime();

  /** The class holding a job id (ids are ours and unique across classes). One round trip. */
  const classOf = async (id: string): Promise<JobClass | null> => {
    if (!id.startsWith('job_')) return null;
    const r = await (await client()).pipeline(JOB_CLASSES.map((c) => ['exists', queueOf(c).toKey(id)])).exec();
    const i = (r ?? []).findIndex(([, n]) => n === 1);
    return i < 0 ? null : JOB_CLASSES[i]!;
  };

  const hasLock = async (q: Queue, ids: string[]): Promise<boolean[]> => {
    if (ids.length === 0) return [];
    const r = await (await rc(q)).pipeline(ids.map((id) => ['exists', `${q.toKey(id)}:lock`])).exec();
    return (r ?? []).map(([, n]) => n === 1);
  };

  /** Lease expiry: active jobs whose lock is gone go back to wait (the front, as BullMQ's stalled check does). */
  const recoverExpired = async (q: Queue) => {
    const active = await (await rc(q)).lrange(q.toKey('active'), 0, -1);
    const locked = await hasLock(q, active);
    for (const [i, id] of active.entries()) {
      // Token '0' skips the lock-owner check: there is no lock. A job that finished meanwhile is no
      // longer in the active list, and the script then does nothing.
      if (!locked[i]) await q.backend.moveJobFromActiveToWait(id, '0').catch(() => undefined);
    }
  };

  /** Promotes delayed jobs that are due by the injected clock. */
  const promoteDue = async (q: Queue) => {
    const due = await (await rc(q)).zrangebyscore(q.toKey('delayed'), 0, (now() + 1) * SCORE_SHIFT - 1, 'LIMIT', 0, 100);
    for (const id of due) await q.backend.promote(id).catch(() => undefined); // a racing claimer promoted it
  };

  const dataOf = (raw: string | null): Data | null => {
    if (!raw) return null;
    try {
      return JSON.parse(raw) as Data;
    } catch {
      return null;
    }
  };

  /**
   * Fair claim: the next job by (turn, runAt) where turn = its rank among its group's waiting jobs +
   * the group's live leases, groups at the cap skipped — the SQL adapter's order. Returns the id to
   * claim, undefined when nothing waits, null when every waiting job's group is at its cap.
   */
  const pickFair = async (q: Queue, cap: number): Promise<string | null | undefined> => {
    const c = await rc(q);
    const active = await c.lrange(q.toKey('active'), 0, -1);
    const locked = await hasLock(q, active);
    const live = active.filter((_, i) => locked[i]);
    const waiting = (await c.lrange(q.toKey('wait'), -FAIR_WINDOW, -1)).reverse(); // next to pop first
    if (waiting.length === 0) return undefined;
    const ids = [...live, ...waiting];
    const rows = (await c.pipeline(ids.map((id) => ['hmget', q.toKey(id), 'data', 'vkrun'])).exec()) ?? [];
    const info = ids.map((id, i) => {
      const [raw, run] = (rows[i]?.[1] as [string | null, string | null] | undefined) ?? [null, null];
      const d = dataOf(raw);
      return { id, group: d?.g ?? null, runAt: run ? Number(run) : (d?.r ?? 0) };
    });
    const running = new Map<string, number>();
    for (const j of info.slice(0, live.length)) if (j.group) running.set(j.group, (running.get(j.group) ?? 0) + 1);
    const rank = new Map<string, number>();
    const candidates = info.slice(live.length)
      .map((j, pos) => ({ ...j, pos }))
      .sort((a, b) => a.runAt - b.runAt || a.pos - b.pos)
      .flatMap((j) => {
        if (!j.group) return [{ ...j, turn: 1 }];
        const r = (rank.get(j.group) ?? 0) + 1;
        rank.set(j.group, r);
        return (running.get(j.group) ?? 0) >= cap ? [] : [{ ...j, turn: r + (running.get(j.group) ?? 0) }];
      })
      .sort((a, b) => a.turn - b.turn || a.runAt - b.runAt || a.pos - b.pos);
    return candidates[0]?.id ?? null;
  };

  const stateOf = async (q: Queue, job: Job): Promise<JobState | null> => {
    const s = await job.getState();
    switch (s) {
      case 'completed':
      case 'failed':
        return s;
      case 'active':
        return (await hasLock(q, [job.id!]))[0] ? 'active' : 'waiting';
      case 'delayed':
        return (await runAtOf(q, job)) > now() ? 'delayed' : 'waiting';
      case 'unknown':
        return null;
      default:
        return 'waiting'; // wait, prioritized, paused, waiting-children
    }
  };

  const runAtOf = async (q: Queue, job: Job): Promise<number> => {
    const c = await rc(q);
    const [score, run] = await Promise.all([c.zscore(q.toKey('delayed'), job.id!), c.hget(q.toKey(job.id!), 'vkrun')]);
    if (score !== null) return Math.floor(Number(score) / SCORE_SHIFT);
    return run ? Number(run) : (job.data as Data).r;
  };

  const toInfo = async (q: Queue, job: Job, state?: JobState): Promise<JobInfo | null> => {
    const st = state ?? (await stateOf(q, job));
    if (!st) return null;
    if (!isJobName(job.name)) throw new JobInputError('job_name_unknown', `stored job ${job.id} has a name the catalogue does not know`);
    const name: JobName = job.name;
    const d = job.data as Data;
    return {
      id: job.id!,
      name,
      payload: readPayload(name, job.id!, d.p),
      group: d.g,
      state: st,
      attempts: job.attemptsStarted,
      maxAttempts: catalogue[name].retry.maxAttempts,
      runAt: new Date(await runAtOf(q, job)),
      lastError: job.failedReason ?? null,
    } as JobInfo;
  };

  /** Finishes a held job at clock time (finishedOn orders prune); a lost lease makes it a no-op, as in SQL. */
  const finish = async (id: string, workerId: string, target: 'completed' | 'failed', value: string) => {
    const cls = await classOf(id);
    if (!cls) return;
    const q = queueOf(cls);
    const prop = target === 'completed' ? 'returnvalue' : 'failedReason';
    // `attempts` only feeds BullMQ's retries-exhausted event; the runner has decided already.
    const attempts = Math.max(...namesOfClass(cls).map((n) => catalogue[n].retry.maxAttempts));
    // moveToFinishedArgs is protected; it is the only way to finish at a timestamp of our clock.
    const backend = q.backend as unknown as { moveToFinishedArgs(...a: unknown[]): (string | number | Buffer)[] };
    const args = backend.moveToFinishedArgs({ id, opts: { attempts } } as Job, value, prop, false, target, workerId, now(), false);
    await q.backend.moveToFinished(id, args).catch(notHeld);
  };

  return {
    async enqueue(name, payload, options) {
      const { opts, payload: checked } = checkEnqueue(name, payload, options);
      const t = now();
      const runAt = opts.runAt?.getTime() ?? t;
      const data: Data = { p: checked, g: opts.group ?? null, r: runAt };
      const job = await queueOf(catalogue[name].class).add(name, data, {
        jobId: newJobId(),
        timestamp: t,
        delay: Math.max(0, runAt - t),
        attempts: catalogue[name].retry.maxAttempts,
        ...(opts.dedupeKey ? { deduplication: { id: opts.dedupeKey } } : {}),
      });
      return job.id!;
    },

    async claim(workerId, jobClass, leaseMs, opts = {}) {
      const q = queueOf(jobClass);
      await recoverExpired(q);
      await promoteDue(q);
      if (opts.maxPerGroup !== undefined) {
        const pick = await pickFair(q, opts.maxPerGroup);
        if (pick === null) return null;
        // Put the chosen job next in line (BullMQ pops the right end), only if it is still waiting:
        // a racing claimer may have taken it since, and pushing it again would hand an active job
        // to a second claimer. The cap is soft, as the port says: we may then take another job.
        if (pick) await (await rc(q)).eval(TO_FRONT, 1, q.toKey('wait'), pick);
      }
      const job = await workerOf(jobClass, lockMs(leaseMs)).getNextJob(workerId, { block: false });
      if (!job) return null;
      if (!isJobName(job.name)) throw new JobInputError('job_name_unknown', `stored job ${job.id} has a name the catalogue does not know`);
      const claimed: ClaimedJob = { id: job.id!, name: job.name, payload: (job.data as Data).p, attempt: job.attemptsStarted, maxAttempts: catalogue[job.name].retry.maxAttempts };
      return claimed;
    },

    async extend(id, workerId, leaseMs) {
      const cls = await classOf(id);
      if (!cls) return false;
      return (await queueOf(cls).backend.extendLock(id, workerId, lockMs(leaseMs))) === 1;
    },

    complete: (id, workerId) => finish(id, workerId, 'completed', 'null'),

    async fail(id, workerId, error, retryAt) {
      const text = error.slice(0, 2000);
      if (!retryAt) return finish(id, workerId, 'failed', text);
      const cls = await classOf(id);
      if (!cls) return;
      const t = now();
      await queueOf(cls).backend.moveToDelayed(id, t, Math.max(0, retryAt.getTime() - t), workerId, {
        skipAttempt: false,
        fieldsToUpdate: { failedReason: text, vkrun: retryAt.getTime() },
      }).catch(notHeld);
    },

    async release(id, workerId) {
      const cls = await classOf(id);
      if (!cls) return;
      const q = queueOf(cls);
      const moved = await q.backend.moveJobFromActiveToWait(id, workerId).then(() => true, () => false);
      if (moved) await (await rc(q)).hincrby(q.toKey(id), 'ats', -1);
    },

    async get(id) {
      const cls = await classOf(id);
      if (!cls) return null;
      const q = queueOf(cls);
      const job = await q.getJob(id);
      return job ? toInfo(q, job) : null;
    },

    async findByDedupeKey(key) {
      for (const cls of JOB_CLASSES) {
        const q = queueOf(cls);
        const id = await q.getDeduplicationJobId(key);
        const job = id ? await q.getJob(id) : undefined;
        if (!job) continue;
        const info = await toInfo(q, job);
        if (info && info.state !== 'completed' && info.state !== 'failed') return info;
      }
      return null;
    },

    async list(filter) {
      const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), LIST_MAX);
      const q = queueOf(catalogue[filter.name].class);
      const jobs = (await q.getJobs(['wait', 'prioritized', 'active', 'delayed', 'completed', 'failed']))
        .filter((j): j is Job => !!j && j.name === filter.name && (filter.group === undefined || (j.data as Data).g === filter.group))
        .sort((a, b) => a.timestamp - b.timestamp || a.id!.localeCompare(b.id!))
        .slice(0, limit);
      const infos = await Promise.all(jobs.map((j) => toInfo(q, j)));
      return infos.filter((i): i is JobInfo => i !== null) as JobInfo<typeof filter.name>[];
    },

    async remove(id) {
      const cls = await classOf(id);
      if (!cls) return false;
      const q = queueOf(cls);
      // BullMQ refuses a locked job; an active job whose lock ran out (dead worker) may go.
      return (await q.remove(id)) === 1;
    },

    async prune(olderThan) {
      let n = 0;
      for (const cls of JOB_CLASSES) {
        const q = queueOf(cls);
        for (const state of ['completed', 'failed'] as const) n += (await q.backend.cleanJobsByState(state, olderThan.getTime() - 1, 0)).length;
      }
      return n;
    },

    async counts(jobClass) {
      const c = await queueOf(jobClass).getJobCounts('wait', 'prioritized', 'delayed', 'active');
      return { waiting: (c.wait ?? 0) + (c.prioritized ?? 0), delayed: c.delayed ?? 0, active: c.active ?? 0 };
    },

    async close() {
      await Promise.all([...workers.values()].map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
    },
  };
}


/** A lock another worker holds (-6), or none (-2), or a job gone (-1): the caller lost its lease. */
function notHeld(e: unknown): void {
  const msg = e instanceof Error ? e.message : String(e);
  if (/Missing lock|Lock mismatch|not owned|does not exist|Missing key|not in the active state/i.test(msg)) return;
  throw e;
}
