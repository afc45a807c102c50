// npm run bench:api — requests/s and p50/p99 latency of POST /v1/sessions and
// GET /v1/sessions/{id}/video under concurrent load, over real HTTP on 127.0.0.1 (SQLite default).
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { makeRuntime } from '../test/helpers/runtime.ts';

const DURATION_MS = Number(process.env.BENCH_MS ?? 8000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);

const rt = await makeRuntime({ db: (process.env.BENCH_DB as 'sqlite' | 'postgres') ?? 'sqlite' });
const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise((r) => server.once('listening', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const headers = { authorization: `Bearer ${rt.apiKey}`, 'content-type': 'application/json' };
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

console.log(`bench:api on ${rt.handle.kind}, ${DURATION_MS / 1000} s per endpoint`);
const ids: string[] = [];
await load('POST /v1/sessions', async () => {
  const r = await fetch(`${base}/v1/sessions`, { method: 'POST', headers, body });
  if (r.ok) ids.push((await r.clone().json()).id);
  return r;
});
let i = 0;
await load('GET /v1/sessions/{id}/video', () => fetch(`${base}/v1/sessions/${ids[i++ % ids.length]}/video`, { headers }));
server.close();
await rt.cleanup();
