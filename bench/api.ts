// npm run bench:api — requests/s and p50/p99 latency of POST /v1/sessions and
// GET /v1/sessions/{id}/video under concurrent load. The server runs as a real `vkyc serve` child
// process (its own core) on a fresh data dir; this process only generates load over loopback.
// BENCH_DB=postgres uses the PostgreSQL of the test machine instead of the SQLite default.
import { spawn, spawnSync } from 'node:child_process';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PG_URL } from '../test/helpers/runtime.ts';

const DURATION_MS = Number(process.env.BENCH_MS ?? 8000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const usePg = process.env.BENCH_DB === 'postgres';

const port = await new Promise<number>((r) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => r(p));
  });
});
const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-bench-'));
// PostgreSQL: a schema of its own per run (search_path from the URL), dropped at the end.
const schema = `bench_${process.pid}`;
const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn', WORKERS: '0', ...(usePg ? { DATABASE_URL: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}` } : {}) };
if (usePg) {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`create schema if not exists ${schema}`);
  await c.end();
}
const keyOut = spawnSync(process.execPath, ['bin/vkyc.mjs', 'keys', 'create', '--project', 'bench', '--test'], { env, encoding: 'utf8' });
const key = keyOut.stdout.trim();
if (!key.startsWith('vk_test_')) throw new Error(`could not create a key: ${keyOut.stderr}`);
const child = spawn(process.execPath, ['bin/vkyc.mjs', 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
await new Promise<void>((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`server did not start:\n${stderr}`)), 60_000);
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.includes('API docs:')) {
      clearTimeout(t);
      resolve();
    }
  });
});
const base = `http://127.0.0.1:${port}`;
const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
const body = JSON.stringify({ profile: { steps: ['document', 'selfie', 'video'] }, external_id: 'bench' });

async function load(name: string, one: () => Promise<Response>) {
  const lat: number[] = [];
  let errors = 0;
  const end = Date.now() + DURATION_MS;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) {
      const t = performance.now();
      const r = await one();
      await r.arrayBuffer();
      if (!r.ok) errors++;
      lat.push(performance.now() - t);
    }
  }));
  lat.sort((a, b) => a - b);
  const q = (p: number) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))]!.toFixed(1);
  console.log(`${name.padEnd(32)} ${(lat.length / (DURATION_MS / 1000)).toFixed(0).padStart(6)} req/s   p50 ${q(0.5)} ms   p99 ${q(0.99)} ms   errors ${errors}   (n=${lat.length}, concurrency ${CONCURRENCY})`);
}

try {
  console.log(`bench:api — vkyc serve (${usePg ? 'postgres' : 'sqlite'}) in a child process, ${DURATION_MS / 1000} s per endpoint`);
  const ids: string[] = [];
  await load('POST /v1/sessions', async () => {
    const r = await fetch(`${base}/v1/sessions`, { method: 'POST', headers, body });
    if (r.ok) ids.push((await r.clone().json()).id);
    return r;
  });
  let i = 0;
  await load('GET /v1/sessions/{id}/video', () => fetch(`${base}/v1/sessions/${ids[i++ % ids.length]}/video`, { headers }));
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  await rm(dataDir, { recursive: true, force: true });
  if (usePg) {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`drop schema if exists ${schema} cascade`);
    await c.end();
  }
}
