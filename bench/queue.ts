// npm run bench:queue — job round trips through each JobQueue adapter: N enqueues, then C claimers
// taking and completing jobs until none is left (the runner's verbs, no handler work), on SQLite,
// PostgreSQL (127.0.0.1:5432) and BullMQ (127.0.0.1:6379). It measures the queue's own overhead per
// job, which bounds how many small jobs (webhook deliveries) a deployment moves per second; a
// verification takes seconds of CPU, so for it this overhead is noise. Numbers in docs/scale-out.md.
//
//   --jobs N        jobs per adapter (default 1000)
//   --claimers C    concurrent claim loops (default 8)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { systemClock } from '../src/domain/time.ts';
import { createBullmqQueue } from '../src/queue/bullmq-queue.ts';
import type { JobQueue } from '../src/queue/port.ts';
import { createSqlQueue } from '../src/queue/sql-queue.ts';
import { dropPostgresSchema, openDatabase } from '../src/storage/db.ts';
import { deleteKeys, REDIS_URL } from '../test/helpers/redis.ts';
import { PG_URL } from '../test/helpers/runtime.ts';

const { values: args } = parseArgs({ options: { jobs: { type: 'string', default: '1000' }, claimers: { type: 'string', default: '8' } } });
const N = Number(args.jobs);
const C = Number(args.claimers);

async function run(name: string, q: JobQueue) {
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await q.enqueue('deliver-webhook', { deliveryId: `d${i}` }, { group: `p${i % 4}` });
  const t1 = performance.now();
  let done = 0;
  await Promise.all(Array.from({ length: C }, async (_, w) => {
    for (let j = await q.claim(`w${w}`, 'webhook', 30_000, { maxPerGroup: 4 }); j; j = await q.claim(`w${w}`, 'webhook', 30_000, { maxPerGroup: 4 })) {
      await q.complete(j.id, `w${w}`);
      done++;
    }
  }));
  const t2 = performance.now();
  const enq = N / ((t1 - t0) / 1000);
  const rt = done / ((t2 - t1) / 1000);
  console.log(`${name.padEnd(9)} enqueue ${enq.toFixed(0).padStart(6)} jobs/s   claim+complete (${C} claimers, maxPerGroup 4) ${rt.toFixed(0).padStart(6)} jobs/s   (${done}/${N} done)`);
}

const dir = await mkdtemp(join(tmpdir(), 'vkyc-bench-queue-'));
const sqlite = await openDatabase({ sqlitePath: join(dir, 'db.sqlite') });
await run('sqlite', createSqlQueue(sqlite.db, systemClock));
await sqlite.close();
await rm(dir, { recursive: true, force: true });

const schema = `b_${randomBytes(6).toString('hex')}`;
const pg = await openDatabase({ url: PG_URL, sqlitePath: '', schema });
await run('postgres', createSqlQueue(pg.db, systemClock));
await pg.close();
await dropPostgresSchema(PG_URL, schema);

const prefix = `vkyc-bench-${randomBytes(4).toString('hex')}`;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const bull = createBullmqQueue({ connection: redis, clock: systemClock, prefix });
await run('bullmq', bull);
await bull.close();
await redis.quit();
await deleteKeys(prefix);
