// Prints the OpenAPI document the server serves at /openapi.json, without starting a server or
// loading models (npm run openapi > openapi.json; the typed client is generated from it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log.ts';
import { buildRuntime } from '../src/main.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-openapi-'));
try {
  const rt = await buildRuntime(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: process.env.PUBLIC_URL ?? 'http://localhost:8080' }), { log: createLogger('silent') });
  const res = await rt.app.request('/openapi.json');
  process.stdout.write(`${JSON.stringify(await res.json(), null, 2)}\n`);
  await rt.close();
} finally {
  await rm(dataDir, { recursive: true, force: true });
}
