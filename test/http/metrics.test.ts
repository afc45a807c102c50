import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { z } from 'zod';
import { completeCapture } from '../../src/sessions/complete-capture.ts';
import { createSession } from '../../src/sessions/create-session.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { uploadImage } from '../../src/sessions/upload-artifact.ts';
import type { Stage } from '../../src/verification/pipeline.ts';
import { FACE_SAMPLES } from '../helpers/media.ts';
import { startReceiver } from '../helpers/receiver.ts';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// GET /metrics over a real socket (issue 18, processes): served only with METRICS_TOKEN, and the
// numbers move when a session is processed — queue depth, stage and job durations, the decision,
// the webhook delivery, API latency by route pattern. No id appears in any label.

const TOKEN = 'metrics-token-0123456789';

/** One sample's value from the exposition text: `name{labels…} value`, labels in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  for (const line of text.split('\n')) {
    const m = line.match(/^([a-z_]+)\{([^}]*)\} (\S+)$/);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...m[2]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

describe('GET /metrics', () => {
  let rt: TestRuntime;
  let server: ServerType;
  let base: string;
  const stages = (): Stage[] => [{ name: 'stub', result: z.object({ ok: z.boolean() }), run: async () => ({ ok: true }) }];
  before(async () => {
    rt = await makeRuntime({ env: { METRICS_TOKEN: TOKEN }, build: { stages } });
    server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rt.cleanup();
  });
  const scrape = async () => {
    const res = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    return res.text();
  };

  test('without the token: 401; with a wrong one: 401', async () => {
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    assert.equal((await fetch(`${base}/metrics`, { headers: { authorization: 'Bearer metrics-token-0123456780' } })).status, 401);
  });

  test('a processed session moves queue depth, stage and job durations, decisions, webhook outcomes and API latency', async () => {
    const recv = await startReceiver();
    try {
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${rt.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      assert.equal((await api('POST', '/v1/webhooks', { url: recv.url })).status, 201);
      const created = await createSession(rt.deps, rt.projectId, { profile: { steps: ['selfie'], video_mode: 'self_record', video_max_duration: 60, video_language: 'en', document_back: false, accessible: false }, expires_in: 600 });
      const img = new Uint8Array(await readFile(join(FACE_SAMPLES, 'sample1.jpg')));
      await uploadImage(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id), 'selfie', (async function* () { yield img; })());
      await completeCapture(rt.deps, await loadSession(rt.deps.db, rt.projectId, created.id));
      await rt.deps.relay.flush();

      const before = await scrape();
      assert.equal(sample(before, 'vkyc_queue_jobs', { class: 'verify', state: 'waiting' }), 1);
      assert.equal(sample(before, 'vkyc_decisions_total', { by: 'pipeline' }), 0);

      const w = rt.startWorkers({ pollMs: 10 });
      await w.drain();
      await recv.waitFor(1);
      await w.stop();
      const session = await (await api('GET', `/v1/sessions/${created.id}`)).json() as { status: string; decision: { result: string } };
      assert.equal(session.status, 'completed');

      const text = await scrape();
      assert.equal(sample(text, 'vkyc_queue_jobs', { class: 'verify', state: 'waiting' }), 0);
      assert.equal(sample(text, 'vkyc_stage_duration_seconds_count', { stage: 'stub', status: 'completed' }), 1);
      assert.equal(sample(text, 'vkyc_job_duration_seconds_count', { name: 'verify-session', outcome: 'completed' }), 1);
      assert.equal(sample(text, 'vkyc_decisions_total', { result: session.decision.result, by: 'pipeline' }), 1);
      assert.equal(sample(text, 'vkyc_webhook_deliveries_total', { outcome: 'delivered' }), 1);
      assert.equal(sample(text, 'vkyc_http_request_duration_seconds_count', { method: 'GET', route: '/v1/sessions/:id', status: '200' }), 1);
      assert.equal(sample(text, 'vkyc_http_request_duration_seconds_count', { method: 'POST', route: '/v1/webhooks', status: '201' }), 1);
      // Route patterns, never paths: no session, project or key id reaches a label.
      for (const id of [created.id, rt.projectId, rt.apiKey]) assert.ok(!text.includes(id), `${id.slice(0, 8)}… not in the metrics`);
    } finally {
      await recv.close();
    }
  });
});

test('no METRICS_TOKEN: no /metrics route on the API port', async () => {
  const rt = await makeRuntime();
  try {
    assert.equal((await rt.app.request('/metrics')).status, 404);
  } finally {
    await rt.cleanup();
  }
});

test('/readyz: 503 "redis unreachable" when REDIS_URL does not answer; 200 without Redis', async () => {
  const down = await makeRuntime({ env: { REDIS_URL: 'redis://127.0.0.1:1', QUEUE: 'sql' } });
  const plain = await makeRuntime();
  try {
    const res = await down.app.request('/readyz');
    assert.deepEqual([res.status, await res.json()], [503, { ok: false, reason: 'redis unreachable' }]);
    assert.equal((await plain.app.request('/readyz')).status, 200);
  } finally {
    await down.cleanup();
    await plain.cleanup();
  }
});
