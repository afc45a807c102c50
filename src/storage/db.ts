import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { type DialectKind, migrate } from './migrations.ts';
import type { Database } from './schema.ts';
import { withStatementCache } from './sqlite-statements.ts';

export type Db = Kysely<Database>;

/**
 * Whether `db` (or a transaction of it) is PostgreSQL: row locks (`select … for update`) exist only
 * there. SQLite needs none: the one connection runs one transaction at a time.
 */
export const isPostgres = (db: Db) => db.getExecutor().adapter instanceof PostgresAdapter;

export interface DbHandle {
  db: Db;
  kind: DialectKind;
  close(): Promise<void>;
}

/**
 * Opens the metadata database chosen by configuration: a `postgres://` URL selects PostgreSQL,
 * anything else is a SQLite file path. Migrations run on open so a fresh install needs no step.
 * `schema` (PostgreSQL only) isolates test runs in their own schema.
 */
export async function openDatabase(opts: { url?: string; sqlitePath: string; schema?: string; secret?: string }): Promise<DbHandle> {
  if (opts.url && /^postgres(ql)?:\/\//.test(opts.url)) return openPostgres(opts.url, opts.schema, opts.secret);
  return openSqlite(opts.sqlitePath, opts.secret);
}

async function openSqlite(path: string, secret?: string): Promise<DbHandle> {
  if (path !== ':memory:') {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    ownerOnly(path);
  }
  const database = new BetterSqlite3(path);
  // WAL lets readers run while a writer commits; busy_timeout covers a second process (a
  // `vkyc worker` or the CLI) writing to the same file at the same moment.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  await migrate(db, 'sqlite', undefined, { secret });
  return { db, kind: 'sqlite', close: () => db.destroy() };
}

/**
 * The database holds personal data: the file and its -wal/-shm are created 0600 (SQLite gives the
 * -wal/-shm the main file's mode) and tightened if an older version left them 0644.
 */
function ownerOnly(path: string) {
  closeSync(openSync(path, 'a', 0o600));
  for (const p of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(p)) chmodSync(p, 0o600);
}

async function openPostgres(url: string, schema?: string, secret?: string): Promise<DbHandle> {
  if (schema && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema if not exists ${schema}`);
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  // The schema the connection writes to (search_path may come from the URL's options).
  const current = schema ?? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s;
  await migrate(db, 'postgres', current, { secret });
  return { db, kind: 'postgres', close: () => db.destroy() };
}

/** Drops a test schema (PostgreSQL). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error('invalid schema name');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`drop schema if exists ${schema} cascade`);
  await admin.end();
}
