import { serve as serveHttp } from '@hono/node-server';
import { type Config } from '../config/config.ts';
import { buildRuntime } from '../main.ts';
import { countProjects, createKey } from '../projects/keys.ts';
import { createSession } from '../sessions/create-session.ts';

const DEMO_PROJECT = 'demo';

/** `vkyc serve`: API + in-process workers; prints where to go next. */
export async function serve(config: Config, opts: { workers: boolean }) {
  const rt = await buildRuntime(config);
  const { deps } = rt;
  const out = (s: string) => process.stderr.write(s + '\n');
  let demoKey: string | null = null;
  if ((await countProjects(deps)) === 0) demoKey = (await createKey(deps, DEMO_PROJECT, 'test')).key;
  const server = serveHttp({ fetch: rt.app.fetch, port: config.PORT, hostname: config.HOST });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const workers = opts.workers && config.WORKERS > 0 ? rt.startWorkers({ concurrency: config.WORKERS }) : null;

  const demo = await deps.db.selectFrom('projects').select('id').where('name', '=', DEMO_PROJECT).executeTakeFirst();
  const demoSession = demo
    ? await createSession(deps, demo.id, { profile: { steps: ['document', 'selfie', 'video'], video_mode: 'self_record', video_max_duration: 30, video_language: 'en', document_back: false, accessible: false }, expires_in: 86400, external_id: 'demo' })
    : null;
  out('');
  out(`vkyc is running (${rt.handle.kind}, data in ${config.DATA_DIR})`);
  out(`  API docs:      ${config.PUBLIC_URL}/docs`);
  out(`  OpenAPI:       ${config.PUBLIC_URL}/openapi.json`);
  out(`  Dashboard:     ${config.PUBLIC_URL}/dashboard`);
  if (demoSession) out(`  Demo capture:  ${demoSession.capture_url}`);
  if (demoKey) {
    out(`  Demo API key (shown once, project "${DEMO_PROJECT}"): ${demoKey}`);
    out(`  Try: curl -H "Authorization: Bearer ${demoKey}" ${config.PUBLIC_URL}/v1/sessions`);
  } else {
    out('  New API key:   vkyc keys create --project NAME');
  }
  out('');

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.log.info('shutting down', { signal });
    // Stop taking requests first; in-flight uploads finish (or their resumable offset is kept).
    await new Promise<void>((r) => server.close(() => r()));
    await workers?.stop(15_000);
    await rt.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
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
