import type { Database as BetterSqlite3Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

// Kysely's SQLite driver prepares every query anew (`database.prepare(sql)` per execution), and
// SQLite's parse + plan of a statement costs more than running it on our small indexed lookups: in
// a CPU profile of `vkyc serve` it was ~8 ms of a liveness verify request and most of an idle job
// claim. This keeps prepared statements per SQL text. Only the text is shared: values (the project
// id of every tenant-scoped query among them) are bound anew on each run, and better-sqlite3 resets
// a statement after `all`/`run`, so nothing of one query's parameters or rows reaches the next.

/**
 * Distinct SQL texts kept. Kysely writes `in (?, ?, …)` with one `?` per value, so texts are not a
 * closed set; the least recently used statement is dropped beyond this. The routes, stages and
 * job claims use a few hundred texts at most.
 */
const MAX_STATEMENTS = 500;

/** The better-sqlite3 database as Kysely's SqliteDialect sees it, with prepared statements reused. */
export function withStatementCache(database: BetterSqlite3Database, max = MAX_STATEMENTS): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = cache.get(sql);
      // A statement still being iterated (Kysely's streamQuery) cannot run again until it ends.
      if (cached?.busy) return database.prepare(sql);
      const stmt = cached ?? database.prepare(sql);
      // Re-inserted so the Map's order is least recently used first.
      cache.delete(sql);
      cache.set(sql, stmt);
      if (cache.size > max) cache.delete(cache.keys().next().value!);
      return stmt;
    },
  };
}
