import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/main.ts';
import { testPatternVideo } from '../helpers/media.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { newCaptureSession } from '../helpers/capture-session.ts';

// Nothing readable is left lying around: resumable parts (blobs) are encrypted when a key is set,
// scratch of a killed run is removed at the next start, erase removes parts and scratch, and
// everything vkyc writes under DATA_DIR is owner-only.

const captureOf = (rt: TestRuntime) => newCaptureSession(rt, { steps: ['video'] });

const mode = async (p: string) => (await stat(p)).mode & 0o777;

test('with BLOB_ENCRYPTION_KEY a resumable part holds no plaintext, and the upload still completes', async () => {
  const rt = await makeRuntime({ env: { BLOB_ENCRYPTION_KEY: randomBytes(32).toString('hex') } });
  try {
    const video = await readFile(await testPatternVideo(3, 'webm'));
    const { id, cap } = await captureOf(rt);
    const start = await (await cap('POST', '/video/uploads', { size: video.length, content_type: 'video/webm' })).json();
    const half = Math.floor(video.length / 2) + 5; // not on a 16-byte block boundary
    const r1 = await cap('PATCH', `/video/uploads/${start.upload_id}`, new Uint8Array(video.subarray(0, half)), { 'upload-offset': '0' });
    assert.equal(r1.status, 200);
    const partsDir = join(rt.dataDir, 'blobs', 'projects', rt.projectId, 'sessions', id, 'uploads', start.upload_id);
    const [name] = await readdir(partsDir);
    const part = join(partsDir, name!);
    const onDisk = await readFile(part);
    assert.equal(onDisk.subarray(0, 4).toString(), 'VKE2');
    for (const at of [0, 1000, half - 64]) assert.equal(onDisk.indexOf(video.subarray(at, at + 32)), -1, `plaintext at ${at} not on disk`);
    assert.equal(await mode(part), 0o600);
    assert.equal(await mode(partsDir), 0o700);

    const r2 = await cap('PATCH', `/video/uploads/${start.upload_id}`, new Uint8Array(video.subarray(half)), { 'upload-offset': String(half) });
    assert.equal(r2.status, 200);
    const done = await r2.json();
    assert.equal(done.complete, true);
    assert.ok(Math.abs(done.artifact.duration_seconds - 3) < 0.3, 'the decrypted part is the original video');
    await assert.rejects(readdir(partsDir), /ENOENT/, 'the chunks are gone once the video is stored');
  } finally {
    await rt.cleanup();
  }
});

test('erase removes the session\'s unfinished parts and scratch', async () => {
  const rt = await makeRuntime();
  try {
    const video = await readFile(await testPatternVideo(3, 'webm'));
    const { id, cap } = await captureOf(rt);
    const start = await (await cap('POST', '/video/uploads', { size: video.length, content_type: 'video/webm' })).json();
    await cap('PATCH', `/video/uploads/${start.upload_id}`, new Uint8Array(video.subarray(0, 1000)), { 'upload-offset': '0' });
    const scratch = join(rt.dataDir, 'tmp', `${id}-p${process.pid}-${'a'.repeat(16)}`);
    await mkdir(scratch);
    await writeFile(join(scratch, 'artifact-video'), video);
    const other = join(rt.dataDir, 'tmp', `ses_other-p${process.pid}-${'b'.repeat(16)}`);
    await mkdir(other);

    const sessionDir = join(rt.dataDir, 'blobs', 'projects', rt.projectId, 'sessions', id);
    assert.deepEqual(await readdir(join(sessionDir, 'uploads')), [start.upload_id]);
    assert.equal((await rt.req('DELETE', `/v1/sessions/${id}`)).status, 200);
    await assert.rejects(readdir(sessionDir), /ENOENT/, 'no blob of the session is left, unfinished parts included');
    assert.deepEqual(await readdir(join(rt.dataDir, 'tmp')), [`ses_other-p${process.pid}-${'b'.repeat(16)}`], 'only the erased session\'s scratch went');
  } finally {
    await rt.cleanup();
  }
});

test('a restart removes what a killed run left (scratch of dead processes, orphan parts) and keeps a live process\'s scratch', async () => {
  const rt = await makeRuntime();
  const { dataDir } = rt;
  await rt.close();
  const tmp = join(dataDir, 'tmp');
  // What `kill -9` leaves: a job's scratch (pid that no longer runs), an old-style temp video, an
  // upload part of the earlier on-disk format; and a sibling process's live scratch (this test's pid).
  const dead = `ses_x-p999999-${'c'.repeat(16)}`;
  const live = `ses_y-p${process.pid}-${'d'.repeat(16)}`;
  await mkdir(join(tmp, dead));
  await writeFile(join(tmp, dead, 'audio.wav'), 'RIFF');
  await writeFile(join(tmp, 'video-0123456789abcdef'), 'webm bytes');
  await mkdir(join(tmp, live));
  await mkdir(join(dataDir, 'uploads'), { recursive: true });
  await writeFile(join(dataDir, 'uploads', 'upl_gone.part'), 'part bytes');
  // A live process's scratch older than two verify timeouts is stale too (a recycled pid).
  const ancient = `ses_z-p${process.pid}-${'e'.repeat(16)}`;
  await mkdir(join(tmp, ancient));
  const old = new Date(Date.now() - 31 * 60_000);
  await utimes(join(tmp, ancient), old, old);

  const again = await buildRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  try {
    assert.deepEqual(await readdir(tmp), [live]);
    await assert.rejects(readdir(join(dataDir, 'uploads')), /ENOENT/);
  } finally {
    await again.close();
    await rt.cleanup().catch(() => undefined);
  }
});

test('database, secret, blobs and scratch are owner-only (files 0600, directories 0700)', async () => {
  const rt = await makeRuntime({ env: { BLOB_ENCRYPTION_KEY: randomBytes(32).toString('hex') } });
  try {
    const video = await readFile(await testPatternVideo(3, 'webm'));
    const { id, cap } = await captureOf(rt);
    assert.equal((await cap('PUT', '/video', new Uint8Array(video))).status, 200);
    const d = rt.dataDir;
    assert.equal(await mode(d), 0o700);
    for (const f of ['vkyc.sqlite', 'vkyc.sqlite-wal', 'vkyc.sqlite-shm', 'secret.key']) assert.equal(await mode(join(d, f)), 0o600, f);
    const sessionDir = join(d, 'blobs', 'projects', rt.projectId, 'sessions', id);
    assert.equal(await mode(join(sessionDir, 'video')), 0o600);
    for (const dir of [join(d, 'blobs'), sessionDir, join(d, 'tmp')]) assert.equal(await mode(dir), 0o700, dir);
  } finally {
    await rt.cleanup();
  }
});
