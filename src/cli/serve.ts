import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { type Config } from '../config/config.ts';
import { buildRuntime } from '../main.ts';
import { demoOnStart } from './demo.ts';
import { firstAdminOnStart } from '../accounts/first-admin.ts';

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

/** `vkyc serve`: API + in-process workers; prints where to go next. */
export async function serve(config: Config, opts: { workers: boolean }) {
  let handler: Handler | null = null;
  // The adapter's env (the Node request and response) must reach the app: client addresses and
  // body limits read it.
  const server = await listen(config, (r, env) => (handler ? handler(r, env) : new Response('starting', { status: 503, headers: { 'retry-after': '1' } })));
  const rt = await buildRuntime(config);
  const { deps } = rt;
  handler = rt.app.fetch;
  rt.attachCalls(server as import('node:http').Server);
  const out = (s: string) => process.stderr.write(s + '\n');
  const workers = opts.workers && config.WORKERS > 0 ? rt.startWorkers({ concurrency: config.WORKERS }) : null;

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
    await workers?.stop(15_000);
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

/** `vkyc worker`: workers only (scale-out: run as many as you like against the same database). */
export async function worker(config: Config) {
  const rt = await buildRuntime(config);
  const w = rt.startWorkers({ concurrency: Math.max(1, config.WORKERS) });
  const stop = async () => {
    await w.stop(15_000);
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
