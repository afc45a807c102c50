import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/config.ts';
import { createLogger } from '../src/log.ts';
import { buildRuntime } from '../src/main.ts';

/** The document the server serves at /openapi.json, from a throw-away runtime (no port, no models loaded). */
export async function openapiDocument(publicUrl = 'http://localhost:8080'): Promise<Record<string, unknown>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vkyc-openapi-'));
  try {
    const rt = await buildRuntime(loadConfig({ DATA_DIR: dataDir, PUBLIC_URL: publicUrl }), { log: createLogger('silent') });
    try {
      return await (await rt.app.request('/openapi.json')).json();
    } finally {
      await rt.close();
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
