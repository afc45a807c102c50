import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { Clock } from '../domain/time.ts';
import { catalogue, type GiveUpHandlers, type JobClass, type JobHandlers, type JobName, RetryAtError, UnrecoverableError } from './catalogue.ts';
import type { ClaimedJob, JobQueue } from './port.ts';

export interface WorkerOptions {
  queue: JobQueue;
  handlers: JobHandlers;
  log: Logger;
  clock: Clock;
  concurrency?: number;
  /** A job whose worker stops heart-beating is claimable again after this long. */
  leaseMs?: number;
  pollMs?: number;
  /** The concurrency class this pool serves: one pool per class, each with its own slots. */
  jobClass: JobClass;
  /** Called once per job that fails for the last time (see GiveUpHandlers). */
  onGiveUp?: GiveUpHandlers;
  /** Fair sharing of these slots between job groups (projects): see ClaimOptions. */
  maxPerGroup?: number;
  /** Told of every run's end (the job-duration metric); `released` = given back at shutdown. */
  onFinished?: (name: JobName, outcome: 'completed' | 'retry' | 'failed' | 'released', seconds: number) => void;
}

export interface Workers {
  /** Lets in-flight jobs finish for up to `graceMs`, then aborts and releases the rest. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when no job is due (tests). */
  drain(timeoutMs?: number): Promise<void>;
}

export function startWorkers(o: WorkerOptions): Workers {
  const workerId = `w_${process.pid}_${randomBytes(4).toString('hex')}`;
  const leaseMs = o.leaseMs ?? 30_000;
  const pollMs = o.pollMs ?? 250;
  const inflight = new Map<string, { done: Promise<void>; abort: AbortController }>();
  let stopping = false;
  let idleWaiters: Array<() => void> = [];
  // Idle slots do not each poll: one of them (the poller) claims every pollMs, the others wait for
  // it. N slots polling on their own ran N claims per tick for nothing (6 slots in a `vkyc serve`:
  // 24 claims a second, idle). A slot that gets a job wakes a waiting slot at once, so a burst of
  // due jobs is taken as fast as before, one claim after another, and a job waits at most pollMs.
  let polling = false;
  const resting = new Set<() => void>();
  const waitingForPoller = new Set<() => void>();
  /** Resolves after `ms`, or on a wake-up; `null` waits for the poller (wakeOne) or a wakeAll only. */
  const rest = (ms: number | null) => new Promise<void>((resolve) => {
    const done = () => {
      resting.delete(done);
      waitingForPoller.delete(done);
      clearTimeout(timer);
      resolve();
    };
    const timer = ms === null ? undefined : setTimeout(done, ms);
    resting.add(done);
    if (ms === null) waitingForPoller.add(done);
  });
  const wakeAll = () => { for (const w of [...resting]) w(); };
  const wakeOne = () => waitingForPoller.values().next().value?.();

  const loop = async (slot: number) => {
    while (!stopping) {
      let job: ClaimedJob | null = null;
      try {
        job = await o.queue.claim(workerId, o.jobClass, leaseMs, o.maxPerGroup ? { maxPerGroup: o.maxPerGroup } : undefined);
      } catch (e) {
        o.log.error('job claim failed', { err: String(e), slot });
      }
      if (job && stopping) {
        // Claimed while stopping (a claim that waited on its queue, e.g. Redis coming back): straight back.
        await o.queue.release(job.id, workerId).catch(() => undefined);
        break;
      }
      if (!job) {
        if (inflight.size === 0) for (const w of idleWaiters.splice(0)) w();
        if (polling) {
          await rest(null);
        } else {
          polling = true;
          await rest(pollMs);
          polling = false;
        }
        continue;
      }
      // More jobs may be due: a waiting slot claims now rather than on the poller's next tick.
      wakeOne();
      const abort = new AbortController();
      const done = run(job, abort);
      inflight.set(job.id, { done, abort });
      await done;
      inflight.delete(job.id);
    }
  };

  const run = async (job: ClaimedJob, abort: AbortController) => {
    const def = catalogue[job.name];
    const started = Date.now();
    const heartbeat = setInterval(() => {
      o.queue.extend(job.id, workerId, leaseMs).then((held) => {
        if (!held) abort.abort(new Error('lease lost'));
      }, () => undefined);
    }, Math.max(1000, leaseMs / 3));
    const timeout = setTimeout(() => abort.abort(new Error(`timed out after ${def.timeoutMs} ms`)), def.timeoutMs);
    try {
      const payload = def.payload.parse(job.payload);
      const handler = o.handlers[job.name] as (p: unknown, c: unknown) => Promise<void>;
      await handler(payload, { jobId: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts, signal: abort.signal });
      await o.queue.complete(job.id, workerId);
      o.onFinished?.(job.name, 'completed', (Date.now() - started) / 1000);
      o.log.info('job completed', { job: job.id, name: job.name, attempt: job.attempt, ms: Date.now() - started });
    } catch (e) {
      if (stopping && abort.signal.aborted) {
        await o.queue.release(job.id, workerId).catch(() => undefined);
        o.onFinished?.(job.name, 'released', (Date.now() - started) / 1000);
        o.log.warn('job released at shutdown', { job: job.id, name: job.name });
        return;
      }
      const permanent = e instanceof UnrecoverableError || job.attempt >= job.maxAttempts || (e as { name?: string })?.name === 'ZodError';
      const retryAt = permanent ? null : e instanceof RetryAtError ? e.at : new Date(o.clock.now().getTime() + def.retry.backoff(job.attempt));
      await o.queue.fail(job.id, workerId, errorText(e), retryAt).catch(() => undefined);
      o.onFinished?.(job.name, permanent ? 'failed' : 'retry', (Date.now() - started) / 1000);
      o.log.warn(permanent ? 'job failed permanently' : 'job failed, will retry', {
        job: job.id, name: job.name, attempt: job.attempt, err: errorText(e), retry_at: retryAt?.toISOString(),
      });
      if (permanent) await giveUp(job, errorText(e));
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
    }
  };

  const giveUp = async (job: ClaimedJob, error: string) => {
    const hook = o.onGiveUp?.[job.name] as ((p: unknown, i: { jobId: string; error: string }) => Promise<void>) | undefined;
    const parsed = catalogue[job.name].payload.safeParse(job.payload);
    if (!hook || !parsed.success) return;
    try {
      await hook(parsed.data, { jobId: job.id, error });
    } catch (e) {
      // The stuck-session sweep covers what a failing hook leaves behind.
      o.log.error('give-up hook failed', { job: job.id, name: job.name, err: errorText(e) });
    }
  };

  const slots = Array.from({ length: o.concurrency ?? 1 }, (_, i) => loop(i));

  const stopOnce = async (graceMs: number) => {
    stopping = true;
    wakeAll();
    const all = Promise.all([...inflight.values()].map((f) => f.done));
    const timer = new Promise<void>((r) => setTimeout(r, graceMs).unref());
    await Promise.race([all, timer]);
    for (const f of inflight.values()) f.abort.abort(new Error('worker stopping'));
    await Promise.all([...inflight.values()].map((f) => f.done));
    // A slot still inside a claim (its queue not answering: Redis down) holds no job; waiting for
    // it would keep a SIGTERM from ending the process, so it gets one more grace period at most.
    await Promise.race([Promise.all(slots), new Promise<void>((r) => setTimeout(r, graceMs).unref())]);
  };
  let stopped: Promise<void> | null = null;

  return {
    stop(graceMs = 10_000) {
      // Once: a second stop (the runtime's close after a SIGTERM drain) waits for the first, not another grace.
      return (stopped ??= stopOnce(graceMs));
    },
    drain(timeoutMs = 30_000) {
      return new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('drain timed out')), timeoutMs);
        idleWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
        wakeAll();
      });
    },
  };
}

/** Several pools (one per concurrency class) behind one handle. */
export function combineWorkers(pools: Workers[]): Workers {
  return {
    stop: async (graceMs) => void (await Promise.all(pools.map((p) => p.stop(graceMs)))),
    // Pools drain one after another: a verification may enqueue a delivery after the webhook pool was idle.
    async drain(timeoutMs) {
      for (let round = 0; round < 2; round++) for (const p of pools) await p.drain(timeoutMs);
    },
  };
}

function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
