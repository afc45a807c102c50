import { build } from 'esbuild';
import { copyFile } from 'node:fs/promises';
import { buildAtomically } from '../build-atomic.ts';
import { PAGE_SCRIPT } from '../bundle.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Bundles the two call pages (user, agent) into `outDir`, like the capture page: plain TS → one
// ES module each, es2020, no source maps in the served directory. Run by `npm run build:web`
// (web/capture/build.ts) into web/build/calls; the server only serves that directory.

const here = path.dirname(fileURLToPath(import.meta.url));
export const CALL_FILES = ['user.js', 'agent.js', 'calls.css', 'user.html', 'agent.html'] as const;

export async function buildCallAssets(outDir: string): Promise<void> {
  await buildAtomically(outDir, CALL_FILES, bundle);
}

async function bundle(outDir: string): Promise<void> {
  await build({
    entryPoints: { user: path.join(here, 'user.ts'), agent: path.join(here, 'agent.ts') },
    outdir: outDir,
    ...PAGE_SCRIPT,
  });
  for (const f of ['calls.css', 'user.html', 'agent.html']) await copyFile(path.join(here, f), path.join(outDir, f));
}
