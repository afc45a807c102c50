import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIR_MODE } from './scratch.ts';
import type { Config } from '../config/config.ts';

// The server secret (signs capture tokens, media URLs and sessions; seals stored secrets) lives in
// its own module so CLI commands that only need it (`vkyc keys`, `vkyc users`) do not load the
// server's runtime (src/main.ts: every route and engine, seconds of module loading).

/** VKYC_SECRET, else DATA_DIR/secret.key, created once (0600; `wx` so two first starts agree on one). */
export function loadOrCreateSecret(config: Config): string {
  if (config.VKYC_SECRET) return config.VKYC_SECRET;
  const file = join(config.DATA_DIR, 'secret.key');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.DATA_DIR, { recursive: true, mode: DIR_MODE });
    const s = randomBytes(32).toString('hex');
    writeFileSync(file, s, { mode: 0o600, flag: 'wx' });
    return readFileSync(file, 'utf8').trim();
  }
}
