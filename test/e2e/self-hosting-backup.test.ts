import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { copyFile, cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/main.ts';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { sample } from '../helpers/media.ts';
import { makeRuntime } from '../helpers/runtime.ts';

// docs/self-hosting.md "Backup and restore", embedded default (SQLite + blob files): while the
// server runs, `VACUUM INTO` copies the database, then the blob directory and secret.key are
// copied; the data directory is wiped; the backup is put back and a new server starts on it. The
// session and its selfie (encrypted at rest: the key is kept outside DATA_DIR) come back byte for
// byte; a session created after the backup does not (a backup is a point in time).

test('backup while running → wipe → restore: the session and its media survive', async () => {
  const env = { BLOB_ENCRYPTION_KEY: randomBytes(32).toString('hex') };
  const rt = await makeRuntime({ env });
  const backup = await mkdtemp(join(tmpdir(), 'vkyc-backup-'));
  const restored = await mkdtemp(join(tmpdir(), 'vkyc-restored-'));
  let rt2: Awaited<ReturnType<typeof buildRuntime>> | undefined;
  try {
    const { id, cap } = await newCaptureSession(rt, { steps: ['selfie', 'video'] });
    assert.equal((await cap('PUT', '/selfie', await sample(1), { 'content-type': 'image/jpeg' })).status, 200);
    const mediaOf = async (app: typeof rt.app) => {
      const view = (await (await app.request(`/v1/sessions/${id}`, { headers: { authorization: `Bearer ${rt.apiKey}` } })).json()) as { artifacts: Array<{ kind: string; url: string }> };
      const url = new URL(view.artifacts.find((a) => a.kind === 'selfie')!.url);
      const res = await app.request(url.pathname + url.search);
      assert.equal(res.status, 200);
      return Buffer.from(await res.arrayBuffer());
    };
    const before = await mediaOf(rt.app);

    // The backup, as the guide gives it (sqlite3 CLI: `VACUUM INTO`; here through better-sqlite3).
    const live = new Database(join(rt.dataDir, 'vkyc.sqlite'), { readonly: true });
    live.exec(`VACUUM INTO '${join(backup, 'vkyc.sqlite').replace(/'/g, "''")}'`);
    live.close();
    await cp(join(rt.dataDir, 'blobs'), join(backup, 'blobs'), { recursive: true });
    await copyFile(join(rt.dataDir, 'secret.key'), join(backup, 'secret.key'));

    const later = await newCaptureSession(rt, { steps: ['selfie'] });
    await rt.cleanup(); // stop, and the data directory is gone

    await mkdir(restored, { recursive: true });
    await copyFile(join(backup, 'vkyc.sqlite'), join(restored, 'vkyc.sqlite'));
    await cp(join(backup, 'blobs'), join(restored, 'blobs'), { recursive: true });
    await copyFile(join(backup, 'secret.key'), join(restored, 'secret.key'));
    rt2 = await buildRuntime(loadConfig({ DATA_DIR: restored, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://vkyc.test', ...env }));

    const after = await mediaOf(rt2.app);
    assert.ok(after.equals(before), 'the selfie comes back byte for byte');
    const gone = await rt2.app.request(`/v1/sessions/${later.id}`, { headers: { authorization: `Bearer ${rt.apiKey}` } });
    assert.equal(gone.status, 404, 'a session made after the backup is not in it');
  } finally {
    await rt2?.close();
    await rm(backup, { recursive: true, force: true });
    await rm(restored, { recursive: true, force: true });
  }
});
