import { sql } from 'kysely';
import { newJobId } from '../domain/ids.ts';
import { type Clock, iso } from '../domain/time.ts';
import type { Db } from '../storage/db.ts';
import type { ClaimedJob, JobQueue, JobRow } from './port.ts';

// Durable jobs in the metadata database. Claiming is optimistic: pick due candidates, then take
// one with a conditional UPDATE that only succeeds if nobody else took it first. That works the
// same on SQLite and PostgreSQL without dialect-specific locking, and a worker that dies simply
// lets its lease run out, after which the job is claimable again (resume after a crash).

export function createSqlQueue(db: Db, clock: Clock): JobQueue {
  return {
    async enqueue(name, payload, opts = {}) {
      const now = iso(clock.now());
      const id = newJobId();
      const row = {
        id,
        name,
        payload: JSON.stringify(payload ?? null),
        status: 'queued',
        run_at: iso(opts.runAt ?? clock.now()),
        attempts: 0,
        max_attempts: opts.maxAttempts ?? 5,
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

    async claim(workerId, names, leaseMs, opts = {}) {
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
      const running = sql`(select count(*) from jobs as r where r.group_key = jobs.group_key and r.status = 'running' and r.lease_until >= ${now} and r.name in (${sql.join([...names])}))`;
      const candidates = await db
        .selectFrom('jobs')
        .select(['id', sql<number>`row_number() over (partition by coalesce(group_key, id) order by run_at) + ${running}`.as('turn')])
        .where('name', 'in', [...names])
        .where(due)
        .$if(cap !== undefined, (q) =>
          q.where((eb) =>
            eb.or([
              eb('group_key', 'is', null),
              eb('group_key', 'not in', eb.selectFrom('jobs as r').select('r.group_key')
                .where('r.name', 'in', [...names]).where('r.status', '=', 'running').where('r.lease_until', '>=', now).where('r.group_key', 'is not', null)
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
      if (!j) return null;
      return { id: j.id, name: j.name, status: j.status as JobRow['status'], attempts: j.attempts, max_attempts: j.max_attempts, run_at: j.run_at, last_error: j.last_error };
    },
  };
}

function toClaimed(j: { id: string; name: string; payload: string; attempts: number; max_attempts: number }): ClaimedJob {
  return { id: j.id, name: j.name, payload: JSON.parse(j.payload), attempt: j.attempts, maxAttempts: j.max_attempts };
}
