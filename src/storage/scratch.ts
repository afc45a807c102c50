import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Every scratch file (decoded frames, WAVs, a video being validated, speech decoder inputs) lives
// under one directory, DATA_DIR/tmp, never in the OS temp dir: it is on the same (possibly
// encrypted) volume as the data, owner-only, cleaned at start-up (a `kill -9` leaves plaintext
// media behind that nobody else would remove) and the one place erase has to look.
// Entry names are `<owner>-p<pid>-<random>`: the owner (a session id) lets erase find a session's
// scratch; the pid lets a starting process tell a dead run's leftovers from a live sibling's
// (`vkyc serve` and `vkyc worker` may share DATA_DIR).

/** Owner-only: scratch holds decrypted media (identity documents, faces, voices). */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export const scratchRoot = (dataDir: string) => join(dataDir, 'tmp');

const OWNER = /^[A-Za-z0-9_-]{1,80}$/;

/** Creates the scratch root (0700, also when it existed with a looser mode). */
export async function ensureScratchRoot(root: string): Promise<string> {
  await mkdir(root, { recursive: true, mode: DIR_MODE });
  await chmod(root, DIR_MODE);
  return root;
}

function entryName(owner: string): string {
  if (!OWNER.test(owner)) throw new Error(`invalid scratch owner: ${owner}`);
  return `${owner}-p${process.pid}-${randomBytes(8).toString('hex')}`;
}

/** A fresh scratch directory (0700) owned by `owner` (a session or upload id). */
export async function makeScratchDir(root: string, owner: string): Promise<string> {
  await ensureScratchRoot(root);
  const dir = join(root, entryName(owner));
  await mkdir(dir, { mode: DIR_MODE });
  return dir;
}

/** A fresh path (not created) directly under the scratch root; create it with FILE_MODE. */
export async function scratchFile(root: string, owner: string): Promise<string> {
  await ensureScratchRoot(root);
  return join(root, entryName(owner));
}

/** Removes every scratch entry of `owner` (erase of a session). */
export async function removeScratchOf(root: string, owner: string): Promise<number> {
  const names = await readdir(root).catch(() => [] as string[]);
  const mine = names.filter((n) => n.startsWith(`${owner}-p`));
  await Promise.all(mine.map((n) => rm(join(root, n), { recursive: true, force: true })));
  return mine.length;
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Start-up clean-up: removes entries of processes that no longer run, entries without our naming
 * scheme (older versions wrote `video-<hex>`), and anything older than `maxAgeMs` whoever owns it
 * (a recycled pid must not keep leftovers forever). Returns how many entries were removed.
 */
export async function cleanStaleScratch(root: string, opts: { maxAgeMs: number; now?: number }): Promise<number> {
  const names = await readdir(root).catch(() => [] as string[]);
  const now = opts.now ?? Date.now();
  let removed = 0;
  for (const n of names) {
    const p = join(root, n);
    const pid = /-p(\d+)-[0-9a-f]{16}$/.exec(n)?.[1];
    const st = await stat(p).catch(() => null);
    if (!st) continue;
    const stale = pid === undefined || !alive(Number(pid)) || now - st.mtimeMs > opts.maxAgeMs;
    if (!stale) continue;
    await rm(p, { recursive: true, force: true });
    removed++;
  }
  return removed;
}

/**
 * For engines that also run outside the server (CLI, benches): a scratch directory under `root`
 * when the server configured one, else a private directory in the OS temp dir.
 */
export async function scratchDirIn(root: string | undefined, owner: string): Promise<string> {
  if (root) return makeScratchDir(root, owner);
  return mkdtemp(join(tmpdir(), `vkyc-${owner}-`));
}
