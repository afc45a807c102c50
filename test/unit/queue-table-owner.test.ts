import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Only the SQL queue adapter touches the `jobs` table. Everything else speaks the JobQueue port
// (enqueue, get, findByDedupeKey, list, remove, prune), so a BullMQ adapter can replace the table
// without a caller noticing: a query on `jobs` anywhere else would silently see nothing on Redis.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SELF = relative(ROOT, fileURLToPath(import.meta.url)).split(sep).join('/');

/** Files allowed to name the table: the adapter, and the migrations that create it. */
const OWNERS = new Set(['src/queue/sql-queue.ts', 'src/storage/migrations.ts']);

/**
 * Kysely names a table by a string literal ('jobs', 'jobs as r'); raw SQL by a keyword before it.
 * Index names such as 'jobs_claim' do not match (the quote must follow the name).
 */
const ACCESS = [/['"`]jobs(\s+as\s+\w+)?['"`]/, /\b(from|into|update|join)\s+jobs\b/i];

function tableAccesses(text: string): number[] {
  return text.split('\n').flatMap((line, i) => (ACCESS.some((re) => re.test(line)) ? [i + 1] : []));
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sources(p);
    return /\.(ts|mts|mjs|js)$/.test(name) ? [p] : [];
  });
}

test('the matcher sees the spellings a query on the table takes, and not its index names', () => {
  assert.deepEqual(tableAccesses(`db.selectFrom('jobs').selectAll()`), [1]);
  assert.deepEqual(tableAccesses(`x\neb.selectFrom("jobs as r")`), [2]);
  assert.deepEqual(tableAccesses('const q = `select id from jobs where status = 1`'), [1]);
  assert.deepEqual(tableAccesses(`db.deleteFrom('jobs')`), [1]);
  assert.deepEqual(tableAccesses(`createIndex('jobs_claim')\nconst jobs = await queue.list({ name })`), []);
});

test('no module in src/ or test/ reads or writes the jobs table except the SQL queue adapter', () => {
  const offenders = ['src', 'test']
    .flatMap((d) => sources(join(ROOT, d)))
    .map((p) => relative(ROOT, p).split(sep).join('/'))
    .filter((rel) => !OWNERS.has(rel) && rel !== SELF)
    .flatMap((rel) => tableAccesses(readFileSync(join(ROOT, rel), 'utf8')).map((line) => `${rel}:${line}`));
  assert.deepEqual(offenders, [], `use the JobQueue port (src/queue/port.ts) instead of the jobs table:\n${offenders.join('\n')}`);
});
