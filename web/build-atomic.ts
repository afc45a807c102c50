import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Builds into a temp folder next to outDir, then renames each file into place: a server or a
 * parallel test process reading outDir meanwhile sees the old file or the new one, never half of one.
 */
export async function buildAtomically(outDir: string, files: readonly string[], bundle: (dir: string) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(outDir), { recursive: true });
  const tmp = await mkdtemp(`${outDir}.tmp-`);
  try {
    await bundle(tmp);
    await mkdir(outDir, { recursive: true });
    for (const f of files) await rename(path.join(tmp, f), path.join(outDir, f));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
