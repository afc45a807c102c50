import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type Runtime } from '../../src/main.ts';
import { createKey } from '../../src/projects/keys.ts';
import { createWebhook } from '../../src/webhooks/endpoints.ts';
import { emitEvent } from '../helpers/events.ts';

// `vkyc worker --queues webhook` as a real child process (issue 18, processes): it runs only the
// named class, answers /readyz and /metrics on METRICS_PORT, and on SIGTERM stops claiming, lets
// the job it holds finish within --drain-seconds or releases it after, and exits 0.
// The job is a webhook delivery to a receiver here that holds its answer, so "a job is running"
// is a fact the test controls, not a timing guess.

const BIN = resolve(import.meta.dirname, '../../bin/vkyc.mjs');

async function freePort(): Promise<number> {
  const s = netServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A receiver that tells when a delivery arrives and answers 204 only when `release()` is called. */
async function holdingReceiver() {
  const held: ServerResponse[] = [];
  let arrived: () => void = () => undefined;
  const firstArrival = new Promise<void>((r) => (arrived = r));
  const server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on('end', () => { held.push(res); arrived(); });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    firstArrival,
    count: () => held.length,
    release: () => { for (const r of held.splice(0)) r.writeHead(204).end(); },
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => { child.kill('SIGKILL'); reject(new Error('worker did not exit')); }, timeoutMs);
    child.once('exit', (code, signal) => { clearTimeout(t); resolve({ code, signal }); });
  });
}

describe('vkyc worker process', { timeout: 300_000 }, () => {
  let dataDir: string;
  let rt: Runtime;
  let projectId: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vkyc-worker-'));
    rt = await buildRuntime(loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE: 'true' }));
    ({ project: { id: projectId } } = await createKey(rt.deps, 'p'));
  });
  after(async () => {
    await rt.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  /** Two deliveries to `url`, as jobs in the queue; returns their ids. */
  async function twoDeliveries(url: string): Promise<string[]> {
    const hook = await createWebhook(rt.deps, projectId, { url, events: ['*'] } as never);
    for (let i = 0; i < 2; i++) await rt.deps.db.transaction().execute((tx) => emitEvent(rt.deps, tx, projectId, 'video.reviewed', { session_id: `ses_${i}` }));
    await rt.deps.relay.flush();
    const rows = await rt.deps.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', hook.id).execute();
    return rows.map((r) => r.id);
  }
  const deliveryStates = async (ids: string[]) =>
    (await rt.deps.db.selectFrom('webhook_deliveries').select(['id', 'status']).where('id', 'in', ids).execute()).map((r) => r.status).sort();
  const jobsOf = async (ids: string[]) =>
    (await rt.deps.queue.list({ name: 'deliver-webhook', limit: 1000 })).filter((j) => ids.includes(j.payload.deliveryId));

  const startWorker = (args: string[], env: Record<string, string> = {}) =>
    spawn(process.execPath, [BIN, 'worker', ...args], {
      env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', WEBHOOK_ALLOW_PRIVATE: 'true', WEBHOOK_CONCURRENCY: '1', FACE_WORKERS: '0', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });

  test('SIGTERM while a job runs: no new claim, the running job finishes, exit 0; metrics and readyz on METRICS_PORT', async () => {
    const recv = await holdingReceiver();
    const port = await freePort();
    try {
      const ids = await twoDeliveries(recv.url);
      const child = startWorker(['--queues', 'webhook', '--drain-seconds', '60'], { METRICS_PORT: String(port) });
      const exited = exitOf(child, 200_000);
      await recv.firstArrival;
      // The worker holds one delivery (1 slot): it is active, the other waits.
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      assert.deepEqual([ready.status, await ready.json()], [200, { ok: true }], 'a webhook-only worker loads no models');
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      assert.match(text, /vkyc_queue_jobs\{class="webhook",state="active",process="worker"\} 1\n/);
      assert.match(text, /vkyc_queue_jobs\{class="webhook",state="waiting",process="worker"\} 1\n/);

      child.kill('SIGTERM');
      // Draining: the held delivery is answered now, after the signal; the job completes.
      await new Promise((r) => setTimeout(r, 300));
      recv.release();
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.equal(recv.count(), 0, 'no second delivery was started after SIGTERM');
      assert.deepEqual(await deliveryStates(ids), ['delivered', 'pending']);
      const jobs = await jobsOf(ids);
      assert.deepEqual(jobs.map((j) => [j.state, j.attempts]).sort(), [['completed', 1], ['waiting', 0]]);
    } finally {
      recv.release();
      await recv.close();
    }
  });

  test('SIGTERM with a job that does not finish within --drain-seconds: it is released (run not counted), exit 0', async () => {
    const recv = await holdingReceiver();
    try {
      const ids = await twoDeliveries(recv.url);
      const child = startWorker(['--queues', 'webhook', '--drain-seconds', '1']);
      const exited = exitOf(child, 200_000);
      await recv.firstArrival;
      child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
      assert.deepEqual(await deliveryStates(ids), ['pending', 'pending']);
      const jobs = await jobsOf(ids);
      assert.deepEqual(jobs.map((j) => [j.state, j.attempts]), [['waiting', 0], ['waiting', 0]], 'both can be claimed by another worker, no attempt used');
    } finally {
      await recv.close();
    }
  });

  test('vkyc serve --no-workers: the API answers, no job is claimed, its metrics say process="api"', async () => {
    const recv = await holdingReceiver();
    const [port, metricsPort] = [await freePort(), await freePort()];
    try {
      const ids = await twoDeliveries(recv.url);
      // WORKERS=2: without --no-workers this process would claim the deliveries within a poll (250 ms).
      const child = spawn(process.execPath, [BIN, 'serve', '--no-workers'], {
        env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: String(port), METRICS_PORT: String(metricsPort), WORKERS: '2', FACE_WORKERS: '0', WEBHOOK_ALLOW_PRIVATE: 'true' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const exited = exitOf(child, 200_000);
      let stderr = '';
      await new Promise<void>((resolve) => child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); if (/vkyc is running[\s\S]*\n\n$/.test(stderr)) resolve(); }));
      assert.equal((await fetch(`http://127.0.0.1:${port}/readyz`)).status, 200);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(recv.count(), 0, 'no delivery was attempted');
      assert.deepEqual((await jobsOf(ids)).map((j) => j.state), ['waiting', 'waiting']);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      assert.match(text, /vkyc_queue_jobs\{class="webhook",state="waiting",process="api"\} [1-9]/);
      child.kill('SIGTERM');
      assert.deepEqual(await exited, { code: 0, signal: null });
    } finally {
      await recv.close();
    }
  });

  test('a worker refuses an unknown queue name at start (exit 2, names listed)', async () => {
    const child = spawn(process.execPath, [BIN, 'worker', '--queues', 'verify,webhooks'], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    assert.deepEqual(await exitOf(child, 120_000), { code: 2, signal: null });
    assert.match(stderr, /--queues takes a comma-separated list of verify, webhook, maintenance \(unknown: webhooks\)/);
  });
});
