import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/main.ts';
import { createKey } from '../../src/projects/keys.ts';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import type { Stage } from '../../src/verification/pipeline.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { deleteKeys, REDIS_URL, redisAvailable, uniquePrefix } from '../helpers/redis.ts';

// Issue 18, queue: a stalled BullMQ job (its worker process killed with SIGKILL) is picked up again.
// The child (helpers/crash-worker.ts) runs the verification with the jobs in the real Redis and a
// 1.5 s lease; it is killed in its second stage; once the lock has expired in Redis, a worker of
// this process claims the job (attempt 2) and finishes it without re-running the first stage.

const haveRedis = await redisAvailable();
if (!haveRedis && process.env.CI) throw new Error(`Redis is required in CI at ${REDIS_URL}`);

test('BullMQ: a job whose worker process was killed with -9 is claimed again and finished', { skip: !haveRedis && `no Redis at ${REDIS_URL}`, timeout: 180_000 }, async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-crash-bull-'));
  const prefix = `${uniquePrefix('crash')}:`;
  let firstRuns = 0;
  const stages = (): Stage[] => [
    { name: 'first', result: z.object({ done_by: z.union([z.number(), z.literal('parent')]) }), run: async () => ((firstRuns++), { done_by: 'parent' as const }) },
    { name: 'second', result: z.object({ ok: z.boolean() }), run: async () => ({ ok: true }) },
  ];
  const rt = await buildRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', REDIS_URL, REDIS_PREFIX: prefix }), { stages });
  try {
    const { project } = await createKey(rt.deps, 'p');
    const created = await createSession(rt.deps, project.id, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 600 });
    const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
    await uploadImage(rt.deps, await loadSession(rt.deps.db, project.id, created.id), 'selfie', (async function* () { yield img; })());
    await completeCapture(rt.deps, await loadSession(rt.deps.db, project.id, created.id));
    await rt.deps.relay.flush();
    const [queued] = await rt.deps.queue.list({ name: 'verify-session' });
    assert.equal(queued?.state, 'waiting', 'the verification job is in BullMQ, waiting');

    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-worker.ts', dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, REDIS_URL, REDIS_PREFIX: prefix },
    });
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('child never reached the second stage')); }, 120_000);
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('in-second-stage')) { clearTimeout(t); resolve(); } });
    });
    const held = await rt.deps.queue.get(queued!.id);
    assert.deepEqual([held?.state, held?.attempts], ['active', 1], 'the child holds the job');
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // The child's 1.5 s lock runs out in Redis; then a claim here moves the job back and takes it.
    await new Promise((r) => setTimeout(r, 1600));
    const w = rt.startWorkers({ pollMs: 20, classes: ['verify'] });
    for (let i = 0; i < 200 && (await loadSession(rt.deps.db, project.id, created.id)).status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
    await w.stop();
    assert.equal((await loadSession(rt.deps.db, project.id, created.id)).status, 'completed');
    assert.equal(firstRuns, 0, 'the finished stage was not run again');
    const runs = await rt.deps.db.selectFrom('stage_runs').selectAll().where('session_id', '=', created.id).execute();
    assert.equal(JSON.parse(runs.find((x) => x.stage === 'first')!.result!).done_by, child.pid, "the first stage result is the dead worker's");
    const done = await rt.deps.queue.get(queued!.id);
    assert.deepEqual([done?.state, done?.attempts], ['completed', 2]);
  } finally {
    await rt.close();
    await deleteKeys(prefix);
    await rm(dataDir, { recursive: true, force: true });
  }
});
