import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import type { TestRuntime } from './runtime.ts';

const BIN = resolve(import.meta.dirname, '../../bin/vkyc.mjs');
const run = promisify(execFile);

/**
 * The real CLI in its own process against the test runtime's data directory (same SQLite file and
 * secret). A non-zero exit is a result to assert on, not an exception.
 */
export async function vkyc(rt: Pick<TestRuntime, 'dataDir'>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { env: { ...process.env, DATA_DIR: rt.dataDir, LOG_LEVEL: 'warn', PUBLIC_URL: 'http://vkyc.test' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}
