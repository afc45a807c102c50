// Read-only counts the API does not expose (the job rows), straight from the server's database.
import Database from 'better-sqlite3';
import pg from 'pg';
import type { TestServer } from './server.ts';

export interface JobRow { name: string; payload: string; status: string; attempts: number; run_at: string; last_error: string | null }

export async function jobRows(srv: TestServer): Promise<JobRow[]> {
  const q = 'select name, payload, status, attempts, run_at, last_error from jobs';
  if (srv.db.kind === 'sqlite') {
    const db = new Database(srv.db.path, { readonly: true, fileMustExist: true });
    try {
      return db.prepare(q).all() as JobRow[];
    } finally {
      db.close();
    }
  }
  const c = new pg.Client({ connectionString: srv.db.url });
  await c.connect();
  try {
    await c.query(`set search_path to ${srv.db.schema}`);
    return (await c.query(q)).rows as JobRow[];
  } finally {
    await c.end();
  }
}
