import { z } from 'zod';
import { catalogue, isJobName, type JobName, type JobPayload } from './catalogue.ts';
import type { EnqueueOptions } from './port.ts';

// What every JobQueue adapter checks before a job is stored, so a wrong payload fails at the call
// site that wrote it (with its stack) instead of minutes later in a worker. Shared by the adapters so
// the SQL table and a Redis queue refuse exactly the same inputs with the same codes.

export type JobInputCode = 'job_name_unknown' | 'job_payload_invalid' | 'job_options_invalid';

/**
 * A programming error (never a client's): the code is stable for tests and logs, the message names
 * the job and the failing fields but never their values (payloads carry session ids, not PII, but
 * the rule is simpler kept absolute).
 */
export class JobInputError extends Error {
  override readonly name = 'JobInputError';
  constructor(readonly code: JobInputCode, message: string) {
    super(message);
  }
}

/** Bounded keys: they are stored in an indexed column (SQL) or a Redis key name (BullMQ). */
const KEY_MAX = 200;
const enqueueOptions = z.object({
  runAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date').optional(),
  dedupeKey: z.string().min(1).max(KEY_MAX).optional(),
  group: z.string().min(1).max(KEY_MAX).optional(),
}).strict(); // strict: a leftover `maxAttempts` from before the catalogue owned retries is refused, not ignored

const describe = (e: z.ZodError) => e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');

export interface CheckedJob<K extends JobName> {
  name: K;
  payload: JobPayload<K>;
  opts: EnqueueOptions;
}

/** Validates one enqueue call against the catalogue; returns the parsed payload to store. */
export function checkEnqueue<K extends JobName>(name: K, payload: unknown, opts: unknown = {}): CheckedJob<K> {
  if (typeof name !== 'string' || !isJobName(name)) throw new JobInputError('job_name_unknown', `no job named ${JSON.stringify(String(name).slice(0, 60))} in the catalogue`);
  const p = catalogue[name].payload.safeParse(payload);
  if (!p.success) throw new JobInputError('job_payload_invalid', `${name} payload: ${describe(p.error)}`);
  const o = enqueueOptions.safeParse(opts ?? {});
  if (!o.success) throw new JobInputError('job_options_invalid', `${name} options: ${describe(o.error)}`);
  return { name, payload: p.data as JobPayload<K>, opts: o.data };
}

/** Reads a stored payload back (inspection verbs): stored JSON is validated like any other input. */
export function readPayload<K extends JobName>(name: K, id: string, stored: unknown): JobPayload<K> {
  const p = catalogue[name].payload.safeParse(stored);
  if (!p.success) throw new JobInputError('job_payload_invalid', `stored ${name} job ${id}: ${describe(p.error)}`);
  return p.data as JobPayload<K>;
}
