import { sql } from 'kysely';
import { newJobId } from '../domain/ids.ts';
import { type Clock, iso } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import type { JobsTable } from '../storage/schema.ts';
import { catalogue, isJobName, type JobName, namesOfClass } from './catalogue.ts';
import { checkEnqueue, JobInputError, readPayload } from './job-input.ts';
import type { ClaimedJob, JobInfo, JobQueue, JobState } from './port.ts';

// Durable jobs in the metadata database. Claiming is optimistic: pick due candidates, then take
// one with a conditional UPDATE that only succeeds if nobody else took it first. That works the
// same on SQLite and PostgreSQL without dialect-specific locking, and a worker that dies simply
// lets its lease run out, after which the job is claimable again (resume after a crash).
// This is the only module that reads or writes the `jobs` table (test/unit/queue-table-owner.test.ts):
// everything else speaks the port, so a BullMQ adapter can replace it.

/** `list` never returns more than this many jobs: it is an inspection verb, not a bulk export. */
const LIST_MAX = 1000;

export function createSqlQueue(db: Db, clock: Clock): JobQueue {
  return {
    async enqueue(name, payload, options) {
      const { opts, payload: checked } = checkEnqueue(name, payload, options);
      const now = iso(clock.now());
      const id = newJobId();
      const row = {
        id,
        name,
        payload: JSON.stringify(checked),
        status: 'queued',
        run_at: iso(opts.runAt ?? clock.now()),
        attempts: 0,
        max_attempts: catalogue[name].retry.maxAttempts,
        lease_until: null,
        locked_by: null,
        last_error: null,
        dedupe_key: opts.dedupeKey ?? null,
        group_key: opts.group ?? null,
        created_at: now,
        updated_at: now,
      };
      if (opts.dedupeKey) {
        const res = await db.insertInto('jobs').values(row).onConflict((oc) => oc.column('dedupe_key').doNothing()).executeTakeFirst();
        if (Number(res.numInsertedOrUpdatedRows ?? 0n) === 0) {
          const existing = await db.selectFrom('jobs').select('id').where('dedupe_key', '=', opts.dedupeKey).executeTakeFirst();
          return existing?.id ?? id;
        }
        return id;
      }
      await db.insertInto('jobs').values(row).execute();
      return id;
    },

    async claim(workerId, jobClass, leaseMs, opts = {}) {
      const names = namesOfClass(jobClass);
      if (names.length === 0) return null;
      const now = iso(clock.now());
      const lease = iso(new Date(clock.now().getTime() + leaseMs));
      const due = (eb: any) =>
        eb.or([
          eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', now)]),
          eb.and([eb('status', '=', 'running'), eb('lease_until', '<', now)]),
        ]);
      const cap = opts.maxPerGroup;
      // `turn` = the group's running jobs + the job's rank among its group's due jobs (oldest first).
      // Ordering by it is round-robin between groups: a project with a thousand queued deliveries,
      // or with slow ones still running, cannot push another project's delivery to the back.
      const running = sql`(select count(*) from jobs as r where r.group_key = jobs.group_key and r.status = 'running' and r.lease_until >= ${now} and r.name in (${sql.join(names)}))`;
      const candidates = await db
        .selectFrom('jobs')
        .select(['id', sql<number>`row_number() over (partition by coalesce(group_key, id) order by run_at) + ${running}`.as('turn')])
        .where('name', 'in', names)
        .where(due)
        .$if(cap !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb('group_key', 'is', null),
              eb('group_key', 'not in', eb.selectFrom('jobs as r').select('r.group_key')
                .where('r.name', 'in', names).where('r.status', '=', 'running').where('r.lease_until', '>=', now).where('r.group_key', 'is not', null)
                .groupBy('r.group_key').having((h) => h.fn.countAll(), '>=', cap!)),
            ]),
          ),
        )
        .orderBy('turn')
        .orderBy('run_at')
        .limit(5)
        .execute();
      for (const c of candidates) {
        const res = await db
          .updateTable('jobs')
          .set({ status: 'running', locked_by: workerId, lease_until: lease, attempts: sql`attempts + 1`, updated_at: now })
          .where('id', '=', c.id)
          .where(due)
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) {
          const job = await db.selectFrom('jobs').selectAll().where('id', '=', c.id).executeTakeFirstOrThrow();
          return toClaimed(job);
        }
      }
      return null;
    },

    async extend(id, workerId, leaseMs) {
      const res = await db
        .updateTable('jobs')
        .set({ lease_until: iso(new Date(clock.now().getTime() + leaseMs)) })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(res.numUpdatedRows) === 1;
    },

    async complete(id, workerId) {
      await db
        .updateTable('jobs')
        .set({ status: 'completed', lease_until: null, updated_at: iso(clock.now()), dedupe_key: null })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    async fail(id, workerId, error, retryAt) {
      await db
        .updateTable('jobs')
        .set({
          status: retryAt ? 'queued' : 'failed',
          run_at: retryAt ? iso(retryAt) : sql`run_at`,
          lease_until: null,
          locked_by: null,
          last_error: error.slice(0, 2000),
          updated_at: iso(clock.now()),
          ...(retryAt ? {} : { dedupe_key: null }),
        })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .execute();
    },

    async release(id, workerId) {
      await db
        .updateTable('jobs')
        .set({ status: 'queued', lease_until: null, locked_by: null, attempts: sql`attempts - 1`, updated_at: iso(clock.now()) })
        .where('id', '=', id)
        .where('locked_by', '=', workerId)
        .where('status', '=', 'running')
        .execute();
    },

    async get(id) {
      const j = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
      return j ? toInfo(j, clock.now()) : null;
    },

    async findByDedupeKey(key) {
      // The key is cleared when a job completes or fails for good, so a row holding it is unfinished.
      const j = await db.selectFrom('jobs').selectAll().where('dedupe_key', '=', key).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      return j ? toInfo(j, clock.now()) : null;
    },

    async list(filter) {
      const limit = Math.min(Math.max(1, Math.trunc(filter.limit ?? 100)), LIST_MAX);
      const rows = await db.selectFrom('jobs').selectAll().where('name', '=', filter.name)
        .$if(filter.group !== undefined, (q) => q.where('group_key', '=', filter.group!))
        .orderBy('created_at').orderBy('id').limit(limit).execute();
      const now = clock.now();
      return rows.map((j) => toInfo(j, now) as JobInfo<typeof filter.name>);
    },

    async remove(id) {
      const now = iso(clock.now());
      // A live lease means a worker is running it: removing the row under it would let the worker's
      // complete() silently do nothing. Wait for it to finish (or for its lease to run out) instead.
      const res = await db.deleteFrom('jobs').where('id', '=', id)
        .where((eb) => eb.or([eb('status', '!=', 'running'), eb('lease_until', '<', now)])).executeTakeFirst();
      return Number(res.numDeletedRows) === 1;
    },

    async prune(olderThan) {
      const res = await db.deleteFrom('jobs').where('status', 'in', ['completed', 'failed']).where('updated_at', '<', iso(olderThan)).executeTakeFirst();
      return Number(res.numDeletedRows);
    },

    async counts(jobClass) {
      const now = iso(clock.now());
      const rows = await db.selectFrom('jobs').select([
        sql<number>`sum(case when (status = 'queued' and run_at <= ${now}) or (status = 'running' and lease_until < ${now}) then 1 else 0 end)`.as('waiting'),
        sql<number>`sum(case when status = 'queued' and run_at > ${now} then 1 else 0 end)`.as('delayed'),
        sql<number>`sum(case when status = 'running' and lease_until >= ${now} then 1 else 0 end)`.as('active'),
      ]).where('name', 'in', namesOfClass(jobClass)).where('status', 'in', ['queued', 'running']).executeTakeFirst();
      return { waiting: Number(rows?.waiting ?? 0), delayed: Number(rows?.delayed ?? 0), active: Number(rows?.active ?? 0) };
    },
  };
}

function toClaimed(j: JobsTable): ClaimedJob {
  if (!isJobName(j.name)) throw new JobInputError('job_name_unknown', `stored job ${j.id} has a name the catalogue does not know`);
  return { id: j.id, name: j.name, payload: JSON.parse(j.payload), attempt: j.attempts, maxAttempts: j.max_attempts };
}

function stateOf(j: JobsTable, now: string): JobState {
  if (j.status === 'completed' || j.status === 'failed') return j.status;
  if (j.status === 'running') return j.lease_until !== null && j.lease_until >= now ? 'active' : 'waiting';
  return j.run_at > now ? 'delayed' : 'waiting';
}

function toInfo(j: JobsTable, now: Date): JobInfo {
  if (!isJobName(j.name)) throw new JobInputError('job_name_unknown', `stored job ${j.id} has a name the catalogue does not know`);
  const name: JobName = j.name;
  return {
    id: j.id,
    name,
    payload: readPayload(name, j.id, JSON.parse(j.payload)),
    group: j.group_key,
    state: stateOf(j, iso(now)),
    attempts: j.attempts,
    maxAttempts: j.max_attempts,
    runAt: new Date(j.run_at),
    lastError: j.last_error,
  } as JobInfo;
}
