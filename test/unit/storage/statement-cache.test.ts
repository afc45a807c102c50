import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { authenticate, createKey } from '../../../src/projects/keys.ts';
import { openDatabase } from '../../../src/storage/db.ts';
import type { Database } from '../../../src/storage/schema.ts';
import { withStatementCache } from '../../../src/storage/sqlite-statements.ts';
import { TestClock } from '../../helpers/runtime.ts';

// SQLite statements are prepared once per SQL text and reused (storage/sqlite-statements.ts): a
// reused statement must answer each run with that run's values only — each project its own rows —
// and see rows written after it was prepared.

test('a reused statement answers every project with its own rows, including rows added since', async () => {
  const h = await openDatabase({ sqlitePath: ':memory:' });
  try {
    const deps = { db: h.db, clock: new TestClock() };
    const a = await createKey(deps, 'acme');
    const b = await createKey(deps, 'globex');
    const keysOf = async (projectId: string) =>
      (await h.db.selectFrom('api_keys').select('id').where('project_id', '=', projectId).orderBy('id').execute()).map((r) => r.id);
    for (let round = 0; round < 3; round++) {
      assert.deepEqual((await authenticate(deps, a.key))?.projectId, a.project.id);
      assert.deepEqual((await authenticate(deps, b.key))?.projectId, b.project.id);
      assert.deepEqual(await keysOf(a.project.id), [a.keyId]);
      assert.deepEqual(await keysOf(b.project.id), [b.keyId]);
    }
    const a2 = await createKey(deps, 'acme');
    assert.deepEqual(await keysOf(a.project.id), [a.keyId, a2.keyId].sort());
    assert.deepEqual(await keysOf(b.project.id), [b.keyId]);
    assert.equal(await authenticate(deps, 'vk_test_' + 'x'.repeat(30)), null);
  } finally {
    await h.close();
  }
});

test('a statement still being iterated is not handed out again, and more texts than the cache holds still give the right rows', async () => {
  const database = new BetterSqlite3(':memory:');
  database.exec('create table projects (id text primary key, name text not null, created_at text not null, settings text)');
  const cached = withStatementCache(database, 2);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  try {
    for (const id of ['p1', 'p2', 'p3']) await db.insertInto('projects').values({ id, name: id, created_at: '2026-01-01', settings: null }).execute();
    // Kysely holds its one SQLite connection while streaming, so only a direct caller can meet this.
    const text = 'select id from projects order by id';
    const open = cached.prepare(text).iterate([]);
    assert.deepEqual(open.next().value, { id: 'p1' });
    assert.deepEqual(cached.prepare(text).all([]), [{ id: 'p1' }, { id: 'p2' }, { id: 'p3' }]);
    assert.deepEqual([...open], [{ id: 'p2' }, { id: 'p3' }]);
    for (let round = 0; round < 2; round++) {
      for (const id of ['p1', 'p2', 'p3']) {
        // Three texts through a cache of two: each run prepares or reuses, and answers its own id.
        const one = await db.selectFrom('projects').select('name').where('id', '=', id).$if(id === 'p2', (q) => q.where('created_at', '>', '2000')).$if(id === 'p3', (q) => q.limit(5)).executeTakeFirst();
        assert.equal(one?.name, id);
      }
    }
  } finally {
    await db.destroy();
  }
});
