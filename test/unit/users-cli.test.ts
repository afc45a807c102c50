import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { verifyPassword } from '../../src/accounts/password.ts';

// `vkyc users …` as the operator runs it: a child process on a SQLite data dir.

const BIN = resolve(import.meta.dirname, '../../bin/vkyc.mjs');

describe('vkyc users', { timeout: 120_000 }, () => {
  let dataDir: string;
  const vkyc = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const row = (login: string) => {
    const db = new BetterSqlite3(join(dataDir, 'vkyc.sqlite'), { readonly: true });
    try {
      return db.prepare('select * from users where login = ?').get(login) as { password_hash: string; must_change_password: number; disabled_at: string | null };
    } finally {
      db.close();
    }
  };
  before(async () => { dataDir = await mkdtemp(join(tmpdir(), 'vkyc-users-')); });
  after(async () => { await rm(dataDir, { recursive: true, force: true }); });

  test('create prints a one-time password; list, disable, reset-password', async () => {
    assert.equal(vkyc('keys', 'create', '--project', 'bank').code, 0);
    const bad = vkyc('users', 'create', '--project', 'bank', '--role', 'boss', '--login', 'rita');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /usage: vkyc users create/);
    assert.match(vkyc('users', 'create', '--project', 'nope', '--role', 'reviewer', '--login', 'rita').err, /no project named nope/);

    const made = vkyc('users', 'create', '--project', 'bank', '--role', 'reviewer', '--login', 'Rita', '--name', 'Rita R');
    assert.equal(made.code, 0, made.err);
    const password = made.out.trim();
    assert.match(password, /^[a-z2-9]{5}(-[a-z2-9]{5}){3}$/);
    assert.match(made.err, /user rita \(usr_[0-9a-f-]+\), reviewer in bank; one-time password above/);
    assert.equal(await verifyPassword(password, row('rita').password_hash), true);
    assert.equal(row('rita').must_change_password, 1);

    const list = vkyc('users', 'list');
    assert.equal(list.code, 0);
    const users = list.out.trim().split('\n').map((l) => JSON.parse(l) as { login: string; disabled: boolean; projects: unknown });
    assert.deepEqual(users.map((u) => [u.login, u.disabled, u.projects]), [['rita', false, [{ project: 'bank', roles: ['reviewer'] }]]]);

    assert.equal(vkyc('users', 'disable', 'rita').code, 0);
    assert.ok(row('rita').disabled_at);
    assert.equal((JSON.parse(vkyc('users', 'list').out.trim()) as { disabled: boolean }).disabled, true);
    assert.equal(vkyc('users', 'enable', 'rita').code, 0);
    assert.equal(row('rita').disabled_at, null);

    const reset = vkyc('users', 'reset-password', 'rita');
    assert.equal(reset.code, 0);
    const next = reset.out.trim();
    assert.notEqual(next, password);
    assert.equal(await verifyPassword(next, row('rita').password_hash), true);
    assert.equal(await verifyPassword(password, row('rita').password_hash), false);
    assert.match(vkyc('users', 'disable', 'nobody').err, /no user with the login nobody/);
  });
});
