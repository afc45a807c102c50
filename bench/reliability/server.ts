// The server under test: a real `vkyc serve` child process on a free loopback port with its own
// temp DATA_DIR (SQLite) or its own PostgreSQL schema, restartable on the same data (kill -9 runs).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { PG_URL } from '../../test/helpers/runtime.ts';

/** Every temp dir, schema and child this process made, so `cleanupAll` can remove them on any exit. */
const cleanups: Array<() => Promise<void>> = [];
export async function cleanupAll() {
  for (const c of cleanups.splice(0).reverse()) await c().catch((e) => process.stderr.write(`cleanup: ${String(e)}\n`));
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    }).on('error', reject);
  });
}

export async function tempDir(prefix: string) {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** Resident set size of a process in bytes (Linux /proc), or NaN once it is gone. */
export async function rssOf(pid: number | undefined): Promise<number> {
  if (!pid) return Number.NaN;
  const s = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(s)?.[1];
  return kb ? Number(kb) * 1024 : Number.NaN;
}

export interface ServerOptions {
  name: string;
  pg?: boolean;
  /** Extra environment (e.g. WEBHOOK_ALLOW_PRIVATE). */
  env?: Record<string, string>;
  tenants: readonly string[];
}

export interface TestServer {
  base: string;
  port: number;
  dataDir: string;
  /** API key per tenant name. */
  keys: Record<string, string>;
  /** The signing secret given to the server (lets the suite mint expired but validly signed tokens). */
  secret: string;
  /** Where the data lives, for read-only counts of jobs the API does not show. */
  db: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string; schema: string };
  pid(): number | undefined;
  rss(): Promise<number>;
  /** Last lines the server wrote to stderr (diagnostics when something breaks). */
  tail(): string;
  /** Starts (or restarts after a kill) on the same data; `env` changes settings from now on. */
  start(env?: Record<string, string>): Promise<void>;
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 90_000; // tsx compile + migrations on a loaded 2-core machine took ~10 s

export async function makeServer(o: ServerOptions): Promise<TestServer> {
  const dataDir = await tempDir(`vkyc-rel-${o.name}-`);
  const port = await freePort();
  const secret = `rel-secret-${process.pid}-${o.name}-`.padEnd(48, 'x');
  const schema = `rel_${process.pid}_${o.name.replace(/\W/g, '_')}`;
  if (o.pg) {
    await pgQuery(`create schema if not exists ${schema}`);
    cleanups.push(() => pgQuery(`drop schema if exists ${schema} cascade`));
  }
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>), DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    VKYC_SECRET: secret, WORKERS: '1', FACE_WORKERS: '1',
    ...(o.pg ? { DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` } : {}),
    ...o.env,
  };
  const keys: Record<string, string> = {};
  for (const t of o.tenants) {
    const r = spawnSync(process.execPath, ['bin/vkyc.mjs', 'keys', 'create', '--project', t, '--test'], { env, encoding: 'utf8', timeout: 60_000 });
    const key = r.stdout.trim();
    if (!key.startsWith('vk_test_')) throw new Error(`could not create a key for ${t}: ${r.stderr}`);
    keys[t] = key;
  }
  let child: ChildProcess | null = null;
  let stderr = '';
  const base = `http://127.0.0.1:${port}`;
  const exited = (c: ChildProcess) => c.exitCode !== null || c.signalCode !== null;
  const waitExit = (c: ChildProcess) => (exited(c) ? Promise.resolve() : new Promise<void>((r) => c.once('exit', () => r())));
  const srv: TestServer = {
    base, port, dataDir, keys, secret,
    db: o.pg ? { kind: 'postgres', url: PG_URL, schema } : { kind: 'sqlite', path: join(dataDir, 'vkyc.sqlite') },
    pid: () => (child && !exited(child) ? child.pid : undefined),
    rss: () => rssOf(srv.pid()),
    tail: () => stderr.slice(-4000),
    async start(more) {
      if (child && !exited(child)) return;
      Object.assign(env, more);
      const c = spawn(process.execPath, ['bin/vkyc.mjs', 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      child = c;
      // Always drain stderr: a full pipe would block the server's writes and look like a hang.
      c.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-64_000)));
      const until = Date.now() + START_TIMEOUT_MS;
      while (Date.now() < until) {
        if (exited(c)) throw new Error(`server ${o.name} exited at start:\n${stderr.slice(-2000)}`);
        const ok = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`server ${o.name} did not answer /healthz within ${START_TIMEOUT_MS} ms:\n${stderr.slice(-2000)}`);
    },
    async kill9() {
      const c = child;
      if (!c || exited(c)) return;
      c.kill('SIGKILL');
      await waitExit(c);
    },
    async stop() {
      const c = child;
      if (!c || exited(c)) return;
      c.kill('SIGTERM');
      const t = setTimeout(() => c.kill('SIGKILL'), 20_000); // graceful shutdown waits ≤ 15 s for jobs
      await waitExit(c);
      clearTimeout(t);
    },
  };
  cleanups.push(() => srv.kill9());
  return srv;
}

async function pgQuery(q: string) {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}
