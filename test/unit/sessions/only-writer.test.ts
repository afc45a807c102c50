import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

// The session store is the only module that writes sessions, artifacts and stage_runs, and the
// outbox is written only by the store and the outbox module (issue 14). Any other write — Kysely's
// insertInto/updateTable/deleteFrom/replaceInto/mergeInto, or raw SQL — fails this test.

const OWNED = ['sessions', 'artifacts', 'stage_runs', 'outbox', 'audit_log'] as const;
/** Who may write each table. Migrations create and backfill the schema. */
const ALLOWED: Record<(typeof OWNED)[number], string[]> = {
  sessions: ['src/sessions/store.ts', 'src/storage/migrations.ts'],
  artifacts: ['src/sessions/store.ts', 'src/storage/migrations.ts'],
  stage_runs: ['src/sessions/store.ts', 'src/storage/migrations.ts'],
  outbox: ['src/sessions/store.ts', 'src/outbox/outbox.ts', 'src/outbox/relay.ts', 'src/storage/migrations.ts'],
  // The audit trail is a hash chain per session (domain/audit-chain.ts): one writer keeps it linked.
  audit_log: ['src/sessions/store.ts', 'src/storage/migrations.ts'],
};

const tables = OWNED.join('|');
const PATTERNS = [
  // Kysely builders, with the table name as the first argument (an alias "sessions as s" too).
  new RegExp(`\\.(?:insertInto|updateTable|deleteFrom|replaceInto|mergeInto)\\(\\s*['"\`](${tables})(?:\\s+as\\s+\\w+)?['"\`]`, 'g'),
  // Raw SQL in any string or template: INSERT INTO / UPDATE / DELETE FROM / REPLACE INTO, quoted or not.
  new RegExp(`\\b(?:insert\\s+(?:or\\s+\\w+\\s+)?into|replace\\s+into|update|delete\\s+from)\\s+["\`]?(${tables})\\b["\`]?`, 'gi'),
];

/** Table names written by `source`, with the line of each write. */
export function writesIn(source: string): Array<{ table: string; line: number }> {
  const out: Array<{ table: string; line: number }> = [];
  for (const re of PATTERNS) {
    for (const m of source.matchAll(re)) out.push({ table: m[1]!.toLowerCase(), line: source.slice(0, m.index).split('\n').length });
  }
  return out;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|mts|js|mjs)$/.test(n) ? [p] : [];
  });
}

test('the check sees every way of writing an owned table', () => {
  const samples = [
    `await db.insertInto('sessions').values(x)`, `tx.updateTable("artifacts").set({})`, 'db.deleteFrom(`stage_runs`)', `db.updateTable('sessions as s')`,
    `db.insertInto('audit_log')`, 'sql`UPDATE sessions SET status = ${s}`', `sql\`insert into "stage_runs" (a) values (1)\``, `'DELETE FROM artifacts WHERE 1'`, `db.deleteFrom('outbox')`,
  ];
  for (const s of samples) assert.equal(writesIn(s).length, 1, s);
  for (const s of [`db.selectFrom('sessions')`, `db.updateTable('sessions_archive')`, `// the store updates sessions and artifacts`]) {
    assert.deepEqual(writesIn(s), [], s);
  }
});

test('only the session store writes sessions, artifacts and stage_runs (and the outbox module the outbox)', () => {
  const root = process.cwd();
  const offenders: string[] = [];
  for (const f of files(join(root, 'src'))) {
    const rel = relative(root, f).split('\\').join('/');
    for (const w of writesIn(readFileSync(f, 'utf8'))) {
      if (!ALLOWED[w.table as (typeof OWNED)[number]].includes(rel)) offenders.push(`${rel}:${w.line} writes ${w.table}`);
    }
  }
  assert.deepEqual(offenders, [], `write these through src/sessions/store.ts:\n${offenders.join('\n')}`);
});
