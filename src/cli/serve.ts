import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { type Config } from '../config/config.ts';
import { buildRuntime } from '../main.ts';
import { demoOnStart } from './demo.ts';
import { firstAdminOnStart } from '../accounts/first-admin.ts';
import { startMetricsServer } from '../metrics/http.ts';
import type { Runtime } from '../main.ts';
import type { JobClass } from '../queue/catalogue.ts';
import { DEFAULT_DRAIN_MS, type ProcessArgs } from './process-args.ts';

type Handler = (r: Request, env?: unknown) => Response | Promise<Response>;

/**
 * Listens before anything is written (database, secret, demo key): a busy port used to crash with a
 * stack trace after a demo key had been stored and never shown. Requests that arrive while the
 * runtime is being built get 503.
 */
async function listen(config: Config, fetch: Handler): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serveHttp({ fetch, port: config.PORT, hostname: config.HOST });
    server.once('listening', () => resolve(server));
    server.once('error', (e: NodeJS.ErrnoException) => {
      const where = `${config.HOST}:${config.PORT}`;
      reject(new Error(e.code === 'EADDRINUSE' ? `port ${where} is already in use; stop the other server or set PORT to a free port` : `cannot listen on ${where} (${e.code ?? e.message})`));
    });
  });
}

/** METRICS_PORT: /metrics, /healthz, /readyz on their own listener (metrics/http.ts). */
async function metricsListener(config: Config, rt: Runtime) {
  if (config.METRICS_PORT === undefined) return null;
  return startMetricsServer({ port: config.METRICS_PORT, host: config.METRICS_HOST, exposition: rt.metrics, notReady: () => rt.readiness.notReady() });
}

/** A process that runs verification loads its models at start, and /readyz says so until they are in. */
function warmModels(rt: Runtime, classes: readonly JobClass[]) {
  if (!classes.includes('verify')) return;
  const loaded = rt.deps.engines.face();
  loaded.catch((e) => rt.deps.log.error('face models failed to load', { err: e instanceof Error ? e.message : String(e) }));
  rt.readiness.loading('face models', loaded);
}

/** `vkyc serve`: API + in-process workers (or API only with --no-workers); prints where to go next. */
export async function serve(config: Config, opts: { workers: boolean; classes?: readonly JobClass[]; drainMs?: number }) {
  let handler: Handler | null = null;
  // The adapter's env (the Node request and response) must reach the app: client addresses and
  // body limits read it.
  const server = await listen(config, (r, env) => (handler ? handler(r, env) : new Response('starting', { status: 503, headers: { 'retry-after': '1' } })));
  const runsWorkers = opts.workers && config.WORKERS > 0;
  const rt = await buildRuntime(config, { process: runsWorkers ? 'all' : 'api' });
  const { deps } = rt;
  handler = rt.app.fetch;
  const metricsServer = await metricsListener(config, rt);
  rt.attachCalls(server as import('node:http').Server);
  const out = (s: string) => process.stderr.write(s + '\n');
  const workers = runsWorkers ? rt.startWorkers({ concurrency: config.WORKERS, classes: opts.classes }) : null;
  if (workers) warmModels(rt, opts.classes ?? ['verify']);

  // Handlers before the banner: whoever reads the banner may signal at once.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info('shutting down', { signal });
    // Calls end first: their WebSockets would keep server.close() waiting, and their recordings
    // are stored on the way out.
    await rt.calls.endAll();
    // Stop taking requests first; in-flight uploads finish (or their resumable offset is kept).
    await new Promise<void>((r) => server.close(() => r()));
    await workers?.stop(opts.drainMs ?? DEFAULT_DRAIN_MS);
    metricsServer?.close();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  const demo = await demoOnStart(deps);
  // After the demo project exists: the first admin is that project's admin.
  const admin = await firstAdminOnStart(deps);
  out('');
  out(`vkyc is running (${rt.handle.kind}, data in ${config.DATA_DIR})`);
  out(`  API docs:      ${config.PUBLIC_URL}/docs`);
  out(`  OpenAPI:       ${config.PUBLIC_URL}/openapi.json`);
  out(`  Dashboard:     ${config.PUBLIC_URL}/dashboard`);
  if (demo.captureUrl) out(`  Demo capture:  ${demo.captureUrl}`);
  if (demo.key) {
    out(`  Demo API key (shown once, project "${demo.project}"): ${demo.key}`);
    out(`  Try: curl -H "Authorization: Bearer ${demo.key}" ${config.PUBLIC_URL}/v1/sessions`);
  } else {
    out('  New API key:   vkyc keys create --project NAME');
  }
  if (admin) {
    out(`  Dashboard admin (shown once, change it at first sign-in): login ${admin.login}  password ${admin.password}`);
  } else {
    out('  Dashboard users: vkyc users create --project NAME --role admin --login LOGIN');
  }
  out('');

  return { server, rt };
}

/**
 * `vkyc worker`: workers only, for the classes named by --queues (scale-out: run as many as you like
 * against the same database and queue). SIGTERM drains: no new claims, running jobs get
 * `drainMs` to finish, the rest are released (their run not counted) for another worker, exit 0.
 */
export async function worker(config: Config, args: Pick<ProcessArgs, 'classes' | 'drainMs'> = { classes: ['verify', 'webhook', 'maintenance'], drainMs: DEFAULT_DRAIN_MS }) {
  const rt = await buildRuntime(config, { process: 'worker' });
  const metricsServer = await metricsListener(config, rt);
  const w = rt.startWorkers({ concurrency: Math.max(1, config.WORKERS), classes: args.classes });
  warmModels(rt, args.classes);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    rt.deps.log.info('draining', { signal, drain_ms: args.drainMs });
    await w.stop(args.drainMs);
    metricsServer?.close();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  rt.deps.log.info('worker started', { queues: args.classes.join(','), pid: process.pid });
  process.stderr.write(`vkyc worker running (queues: ${args.classes.join(', ')})\n`);
}
