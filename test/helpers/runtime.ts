import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config.ts';
import { buildRuntime, type BuildOptions, type Runtime } from '../../src/main.ts';
import { createKey } from '../../src/projects/keys.ts';
import { dropPostgresSchema } from '../../src/storage/db.ts';
import { ensureCaptureAssets } from '../../web/capture/build.ts';

/** PostgreSQL of the test machine (trust auth). CI must have it: the contract suites fail loudly without it. */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DbKind = 'sqlite' | 'postgres';

/** A mutable clock so tests move time instead of sleeping. */
export class TestClock {
  constructor(public t = new Date()) {}
  now = () => new Date(this.t.getTime());
  advance(seconds: number) {
    this.t = new Date(this.t.getTime() + seconds * 1000);
  }
}

export interface TestRuntime extends Runtime {
  dataDir: string;
  clock: TestClock;
  apiKey: string;
  projectId: string;
  /** Authorised JSON request against the in-process app (no port). */
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  cleanup(): Promise<void>;
}

export async function makeRuntime(opts: { db?: DbKind; env?: Record<string, string>; build?: BuildOptions } = {}): Promise<TestRuntime> {
  // The server serves the built capture page; a test file run on its own on a fresh clone builds it.
  await ensureCaptureAssets();
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-test-'));
  const schema = opts.db === 'postgres' ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    WEBHOOK_ALLOW_PRIVATE: 'true',
    PUBLIC_URL: 'http://vkyc.test',
    ...(opts.db === 'postgres' ? { DATABASE_URL: PG_URL } : {}),
    ...opts.env,
  });
  const clock = new TestClock();
  const rt = await buildRuntime(config, { clock, pgSchema: schema, ...opts.build });
  const { key, project } = await createKey(rt.deps, 'test-project', 'test');
  const req = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(rt.app.request(path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
    }));
  return {
    ...rt,
    dataDir,
    clock,
    apiKey: key,
    projectId: project.id,
    req,
    async cleanup() {
      await rt.close();
      if (schema) await dropPostgresSchema(PG_URL, schema);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Two API nodes of one deployment: one PostgreSQL schema and one VKYC_SECRET (tokens and links one
 * node signs, the other accepts), each its own process state and data dir, plus `env`.
 */
export async function makeTwoNodes(env: Record<string, string>) {
  const pgSchema = `t_${randomBytes(6).toString('hex')}`;
  const shared = { VKYC_SECRET: randomBytes(32).toString('hex'), ...env };
  const a = await makeRuntime({ db: 'postgres', env: shared, build: { pgSchema } });
  const b = await makeRuntime({ db: 'postgres', env: shared, build: { pgSchema } });
  return {
    a, b,
    async cleanup() {
      await a.cleanup();
      await b.cleanup();
      await dropPostgresSchema(PG_URL, pgSchema);
    },
  };
}
