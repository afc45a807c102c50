import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { createKey } from '../../src/projects/keys.ts';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import { z } from 'zod';
import type { Stage } from '../../src/verification/pipeline.ts';
import { emitEvent } from '../helpers/events.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { makeRuntime } from '../helpers/runtime.ts';

/** Accepts connections and reads requests, never answers: the slowest receiver there is. */
async function hangingEndpoint() {
  let requests = 0;
  const server: Server = createServer(() => void requests++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: () => requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const until = async (what: string, cond: () => Promise<boolean>, ms: number) => {
  const end = performance.now() + ms;
  while (!(await cond())) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test('six never-answering endpoints of project A delay neither B\'s decision nor B\'s webhook', async (t) => {
  // Stage replacement: the job machinery is under test, not the models.
  const stages = (): Stage[] => [{ name: 'quick', result: z.object({ ok: z.boolean() }), run: async () => ({ ok: true }) }];
  const rt = await makeRuntime({ build: { stages } });
  const hanging = await Promise.all(Array.from({ length: 6 }, hangingEndpoint));
  let secretB: string | undefined;
  const recvB = await startReceiver({ secret: () => secretB });
  const w = rt.startWorkers({ pollMs: 20 });
  const attemptsOfA = () => rt.deps.db.selectFrom('delivery_attempts').innerJoin('webhook_deliveries', 'webhook_deliveries.id', 'delivery_attempts.delivery_id')
    .select('delivery_attempts.id').where('webhook_deliveries.project_id', '=', rt.projectId).execute();
  try {
    // Project B, set up first (uploads are slow on a loaded machine): one endpoint that answers, one
    // session through the (replaced) pipeline.
    const b = await createKey(rt.deps, 'tenant-b', 'test');
    const hookB = await (await rt.req('POST', '/v1/webhooks', { url: recvB.url }, { authorization: `Bearer ${b.key}` })).json();
    secretB = hookB.secret;
    const created = await createSession(rt.deps, b.project.id, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 600 });
    const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
    await uploadImage(rt.deps, await loadSession(rt.deps.db, b.project.id, created.id), 'selfie', (async function* () { yield img; })());
    // Project A: six hanging endpoints, two events → twelve deliveries that each wait the full attempt timeout.
    for (const h of hanging) assert.equal((await rt.req('POST', '/v1/webhooks', { url: h.url })).status, 201);
    for (let i = 0; i < 2; i++) await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, rt.projectId, 'video.reviewed', { session_id: `ses_a${i}` }));
    await until('A to hold its delivery slots', async () => hanging.reduce((n, h) => n + h.requests(), 0) >= 2, 5000);

    const t0 = performance.now();
    await completeCapture(rt.deps, await loadSession(rt.deps.db, b.project.id, created.id));

    // Ordering, not a stopwatch: A's six receivers hold their slots for the full 10 s attempt timeout,
    // so B's decision and webhook must both arrive while no attempt of A has finished yet. Before the
    // fix B's decision waited behind A's deliveries on the one shared worker (6.8 s → 110 s in the
    // attack run). (A fixed 5 s bound failed on a loaded CI machine with nothing wrong.)
    await until('B decided', async () => (await loadSession(rt.deps.db, b.project.id, created.id)).status === 'completed', 9500);
    const decidedMs = performance.now() - t0;
    await recvB.waitFor(1, 9500);
    const deliveredMs = performance.now() - t0;
    t.diagnostic(`B decided after ${Math.round(decidedMs)} ms, B's webhook after ${Math.round(deliveredMs)} ms`);
    assert.equal((await attemptsOfA()).length, 0, 'B was served while A still held its slots');
    assert.equal(recvB.received[0]!.verified, true);
    assert.equal(JSON.parse(recvB.received[0]!.body).data.session_id, created.id);
    // A never held more than its share of the delivery slots (WEBHOOK_PROJECT_SLOTS = 2).
    assert.equal(hanging.reduce((n, h) => n + h.requests(), 0), 2);

    // Shutdown mid-attempt is not the receiver's failure: nothing logged, jobs back in the queue uncounted.
    await w.stop(100);
    assert.equal((await attemptsOfA()).length, 0);
    const aJobs = await rt.deps.queue.list({ name: 'deliver-webhook', group: rt.projectId });
    assert.deepEqual(aJobs.map((j) => [j.state, j.attempts]), Array(12).fill(['waiting', 0]));
  } finally {
    await w.stop(100);
    await Promise.all(hanging.map((h) => h.close()));
    await recvB.close();
    await rt.cleanup();
  }
});
