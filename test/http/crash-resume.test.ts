import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/main.ts';
import { createKey } from '../../src/projects/keys.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import { z } from 'zod';
import type { Stage } from '../../src/verification/pipeline.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

test('a job resumes after its worker process is killed mid-job, skipping finished stages', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-crash-'));
  let firstRuns = 0;
  const stages = (): Stage[] => [
    // `done_by` is the dead child's pid (a number) when resumed; the parent's own run would say 'parent'.
    { name: 'first', result: z.object({ done_by: z.union([z.number(), z.literal('parent')]) }), run: async () => ((firstRuns++), { done_by: 'parent' as const }) },
    { name: 'second', result: z.object({ ok: z.boolean() }), run: async () => ({ ok: true }) },
  ];
  const rt = await buildRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }), { stages });
  const { project } = await createKey(rt.deps, 'p');
  const created = await createSession(rt.deps, project.id, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 600 });
  const s = await loadSession(rt.deps.db, project.id, created.id);
  const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
  await uploadImage(rt.deps, s, 'selfie', (async function* () { yield img; })());
  await completeCapture(rt.deps, await loadSession(rt.deps.db, project.id, created.id));

  const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/crash-worker.ts', dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    // A cold tsx start + runtime under load takes a while; on a timeout the child goes too (its
    // second stage waits forever to be killed, and a live child would keep this test file running).
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('child never reached the second stage'));
    }, 120_000);
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('in-second-stage')) { clearTimeout(t); resolve(); } });
  });
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const stagesMid = await rt.deps.db.selectFrom('stage_runs').selectAll().where('session_id', '=', created.id).execute();
  assert.equal(stagesMid.find((x) => x.stage === 'first')?.status, 'completed');
  assert.equal(stagesMid.find((x) => x.stage === 'second')?.status, 'running');

  // Real time passes the child's 1.5 s lease; then this process's worker takes the job over.
  await new Promise((r) => setTimeout(r, 1600));
  const w = rt.startWorkers({ pollMs: 20 });
  for (let i = 0; i < 100 && (await loadSession(rt.deps.db, project.id, created.id)).status !== 'completed'; i++) await new Promise((r) => setTimeout(r, 50));
  await w.stop();
  const final = await loadSession(rt.deps.db, project.id, created.id);
  assert.equal(final.status, 'completed');
  assert.equal(firstRuns, 0, 'the finished stage was not run again');
  const stagesEnd = await rt.deps.db.selectFrom('stage_runs').selectAll().where('session_id', '=', created.id).execute();
  assert.equal(stagesEnd.find((x) => x.stage === 'second')?.attempts, 2);
  assert.equal(JSON.parse(stagesEnd.find((x) => x.stage === 'first')!.result!).done_by, child.pid, 'the first stage result is the dead worker\'s');
  const [job] = await rt.deps.queue.list({ name: 'verify-session' });
  assert.equal(job?.attempts, 2);
  await rt.close();
});
