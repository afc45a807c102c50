import { serve } from '@hono/node-server';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime } from '../../src/main.ts';
import { createKey } from '../../src/projects/keys.ts';
import { ensureCaptureAssets } from '../../web/capture/build.ts';
import { TestClock } from './runtime.ts';

/**
 * A real vkyc server on a random loopback port with its own temp data dir and in-process workers,
 * for browser tests. `clock` lets a test move the server's time (expiry) instead of waiting.
 */
export async function startServer(opts: { clock?: TestClock; env?: Record<string, string>; workers?: boolean } = {}) {
  await ensureCaptureAssets(); // the browser loads the built capture page
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-e2e-'));
  const clock = opts.clock ?? new TestClock();
  // Listen first on port 0 to learn the port, then build the runtime whose PUBLIC_URL names it.
  // The adapter's env (Node's request and response) is passed on: client addresses and body limits read it.
  let fetchImpl: ((r: Request, env?: unknown) => Response | Promise<Response>) | null = null;
  const server = serve({ fetch: (r: Request, env?: unknown) => (fetchImpl ? fetchImpl(r, env) : new Response('starting', { status: 503 })), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', PUBLIC_URL: baseUrl, WEBHOOK_ALLOW_PRIVATE: 'true', ...opts.env });
  const rt = await buildRuntime(config, { clock });
  fetchImpl = rt.app.fetch;
  const { key } = await createKey(rt.deps, 'e2e', 'test');
  // Browser tests drive Chromium from this same process: model inference in an in-process worker
  // would hold the event loop while the page waits, so they may start workers when the page is done.
  let workers = opts.workers === false ? null : rt.startWorkers({ concurrency: 1, pollMs: 50 });
  return {
    baseUrl,
    /** The Node HTTP server (live-call tests attach the call signalling WebSocket to it). */
    httpServer: server as import('node:http').Server,
    apiKey: key,
    clock,
    runtime: rt,
    startWorkers() {
      workers ??= rt.startWorkers({ concurrency: 1, pollMs: 50 });
      return workers;
    },
    async stop() {
      await new Promise<void>((r) => server.close(() => r()));
      await workers?.stop(5000);
      await rt.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
