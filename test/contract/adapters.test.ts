import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createBullmqQueue } from '../../src/queue/bullmq-queue.ts';
import type { JobQueue } from '../../src/queue/port.ts';
import { createSqlQueue } from '../../src/queue/sql-queue.ts';
import { dropPostgresSchema, openDatabase } from '../../src/storage/db.ts';
import { createDiskBlobStore } from '../../src/storage/disk-blobs.ts';
import { PG_URL, TestClock } from '../helpers/runtime.ts';
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../helpers/redis.ts';
import { blobContract } from './blobs.contract.ts';
import { queueContract } from './queue.contract.ts';
import { sessionStoreContract } from './sessions.contract.ts';

// Every port's contract suite against every adapter. PostgreSQL is the real server on 127.0.0.1:5432:
// in CI its absence is a failure, not a skip.

async function pgAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}
const havePg = await pgAvailable();
if (!havePg && process.env.CI) throw new Error(`PostgreSQL is required in CI at ${PG_URL} (.ci/run starts it)`);
if (!havePg) test('PostgreSQL contract suites', { skip: `no PostgreSQL at ${PG_URL}` }, () => undefined);

async function sqliteDb() {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-contract-'));
  const h = await openDatabase({ sqlitePath: join(dir, 'db.sqlite') });
  return { h, cleanup: async () => { await h.close(); await rm(dir, { recursive: true, force: true }); } };
}
async function pgDb() {
  const schema = `c_${randomBytes(6).toString('hex')}`;
  const h = await openDatabase({ url: PG_URL, sqlitePath: '', schema });
  return { h, cleanup: async () => { await h.close(); await dropPostgresSchema(PG_URL, schema); } };
}

for (const [name, open] of [['sqlite', sqliteDb], ...(havePg ? [['postgres', pgDb] as const] : [])] as const) {
  queueContract(name, async () => {
    const { h, cleanup } = await open();
    const clock = new TestClock();
    return { queue: createSqlQueue(h.db, clock), clock, cleanup };
  });
  sessionStoreContract(name, open);
}

// BullMQ on the real Redis. Due times follow the injected clock, but Redis expires locks in real
// time: the adapter's locks are leaseMs × LEASE_SCALE long, and each clock advance makes the next
// queue call wait the scaled time (capped at 6 s scaled: the longest lease the suite lets run out is
// 5 s), so a lease the suite lets run out has run out in Redis too. 0.25: a 5 s lease is a 1.25 s
// lock, long enough that a loaded machine does not lose a lease the suite expects held (0.1 did,
// once in four runs). The SQL runs above keep their instant clock.
const haveRedis = await redisAvailable();
if (!haveRedis && process.env.CI) throw new Error(`Redis is required in CI at ${REDIS_URL}`);
const LEASE_SCALE = 0.25;
class WaitingClock extends TestClock {
  pending: Promise<void> = Promise.resolve();
  override advance(seconds: number) {
    super.advance(seconds);
    const ms = Math.min(seconds * 1000, 6_000) * LEASE_SCALE + 100;
    const prev = this.pending;
    this.pending = prev.then(() => new Promise((r) => setTimeout(r, ms)));
  }
}
if (haveRedis) {
  queueContract('bullmq', async () => {
    const prefix = uniquePrefix('queue');
    const clock = new WaitingClock();
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const inner = createBullmqQueue({ connection, clock, prefix, leaseScale: LEASE_SCALE });
    const queue = Object.fromEntries(Object.entries(inner).map(([k, f]) => [k, async (...a: unknown[]) => {
      await clock.pending;
      return (f as (...x: unknown[]) => unknown)(...a);
    }])) as unknown as JobQueue;
    return { queue, clock, cleanup: async () => { await inner.close(); await connection.quit(); await deleteKeys(prefix); } };
  });
} else {
  test('BullMQ contract suite', { skip: `no Redis at ${REDIS_URL}` }, () => undefined);
}

blobContract('disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-blobs-'));
  return { store: createDiskBlobStore(dir), cleanup: () => rm(dir, { recursive: true, force: true }) };
});
blobContract('disk+aes-256-gcm', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-blobs-'));
  return { store: createDiskBlobStore(dir, { encryptionKey: randomBytes(32) }), cleanup: () => rm(dir, { recursive: true, force: true }) };
});

test('encrypted blobs are not readable on disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-blobs-'));
  const store = createDiskBlobStore(dir, { encryptionKey: randomBytes(32) });
  await store.put('a/b', Buffer.from('biometric secret'));
  assert.ok(!(await readFile(join(dir, 'a/b'))).toString('latin1').includes('biometric'));
  await rm(dir, { recursive: true, force: true });
});

test('PostgreSQL: two schemas on one server migrate side by side', { skip: !havePg && 'no PostgreSQL' }, async () => {
  const [a, b] = await Promise.all([pgDb(), pgDb()]);
  try {
    for (const { h } of [a, b]) assert.equal((await h.db.selectFrom('sessions').select('id').execute()).length, 0);
  } finally {
    await a.cleanup();
    await b.cleanup();
  }
});
