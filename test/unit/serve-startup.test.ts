import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { verifyPassword } from '../../src/accounts/password.ts';

// `vkyc serve` as a child process (issue 12, item 9): a busy port crashed with a stack trace after
// a demo key had been written and never shown, and every start created another demo session.

const BIN = resolve(import.meta.dirname, '../../bin/vkyc.mjs');

interface Run { code: number | null; signal: NodeJS.Signals | null; stderr: string }

/** Starts `vkyc serve`; stops it with SIGTERM once the banner is complete (or lets it exit by itself). */
function runServe(env: Record<string, string>, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve'], { env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', WORKERS: '0', FACE_WORKERS: '0', LOG_LEVEL: 'silent', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`vkyc serve did not finish: ${stderr}`)); }, timeoutMs);
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // The banner ends with an empty line after the key hint.
      if (/vkyc is running[\s\S]*\n\n$/.test(stderr)) child.kill('SIGTERM');
    });
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, stderr }); });
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('vkyc serve start-up', { timeout: 180_000 }, () => {
  let dataDir: string;
  before(async () => { dataDir = await mkdtemp(join(tmpdir(), 'vkyc-serve-')); });
  after(async () => { await rm(dataDir, { recursive: true, force: true }); });

  test('a busy port: one clear line, exit code 1, nothing written', async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = await runServe({ PORT: String(port), DATA_DIR: join(dataDir, 'busy') });
      assert.equal(run.code, 1);
      assert.equal(run.stderr, `vkyc: port 127.0.0.1:${port} is already in use; stop the other server or set PORT to a free port\n`);
      await assert.rejects(readdir(join(dataDir, 'busy')), { code: 'ENOENT' }, 'no database, secret or demo key written');
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });

  test('the demo session is created once per database; later starts still print its link', async () => {
    const dir = join(dataDir, 'demo');
    const first = await runServe({ PORT: String(await freePort()), DATA_DIR: dir });
    assert.equal(first.code, 0, `signal ${first.signal}: ${first.stderr}`);
    assert.match(first.stderr, /Demo API key \(shown once, project "demo"\): vk_test_/);
    const link = first.stderr.match(/Demo capture:\s+(\S+)/)?.[1];
    assert.ok(link, first.stderr);
    assert.match(first.stderr, /API docs: .*\/docs/);
    // The first admin: a one-time password, printed once per database (issue 15).
    const admin = first.stderr.match(/Dashboard admin \(shown once, change it at first sign-in\): login admin {2}password ([a-z2-9-]{23})\n/)?.[1];
    assert.ok(admin, first.stderr);

    const second = await runServe({ PORT: String(await freePort()), DATA_DIR: dir });
    assert.equal(second.code, 0, `signal ${second.signal}: ${second.stderr}`);
    assert.doesNotMatch(second.stderr, /Demo API key/);
    assert.match(second.stderr, /Demo capture:\s+http:\/\/127\.0\.0\.1:\d+\/capture\/cap_/);
    assert.match(second.stderr, /Dashboard: .*\/dashboard/);
    assert.doesNotMatch(second.stderr, /Dashboard admin/);
    assert.match(second.stderr, /Dashboard users: vkyc users create --project NAME --role admin --login LOGIN/);

    const db = new BetterSqlite3(join(dir, 'vkyc.sqlite'), { readonly: true });
    try {
      const row = db.prepare("select count(*) as n from sessions where external_id = 'demo'").get() as { n: number };
      assert.equal(row.n, 1);
      const user = db.prepare("select u.password_hash, u.must_change_password, m.role, p.name from users u join memberships m on m.user_id = u.id join projects p on p.id = m.project_id where u.login = 'admin'").all() as Array<{ password_hash: string; must_change_password: number; role: string; name: string }>;
      assert.deepEqual(user.map((u) => [u.name, u.role, u.must_change_password]), [['demo', 'admin', 1]]);
      assert.equal(await verifyPassword(admin, user[0]!.password_hash), true, 'the printed password is the stored one');
    } finally {
      db.close();
    }
  });
});
