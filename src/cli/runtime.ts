import type { Config } from '../config/config.ts';
import type { BuildOptions, Runtime } from '../main.ts';

// The server's runtime module (src/main.ts) pulls in every route, engine adapter and worker: seconds
// of module loading. CLI commands import it only when they run, so `vkyc faces compare` or
// `vkyc evidence verify` do not pay for it.

export async function buildRuntime(config: Config, o?: BuildOptions): Promise<Runtime> {
  return (await import('../main.ts')).buildRuntime(config, o);
}

export async function serverSecret(config: Config): Promise<string> {
  return (await import('../storage/server-secret.ts')).loadOrCreateSecret(config);
}

/** The database of this server's configuration (drivers loaded on use). `secret`: for migrations that seal values. */
export async function openDb(config: Config, o: { secret?: string } = {}) {
  const [{ openDatabase }, { join }] = await Promise.all([import('../storage/db.ts'), import('node:path')]);
  return openDatabase({ url: config.DATABASE_URL, sqlitePath: join(config.DATA_DIR, 'vkyc.sqlite'), ...o });
}
