import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// Password hashing: scrypt (memory-hard, in node:crypto, no new dependency) with a 16-byte random
// salt per hash. Parameters N=2^15, r=8, p=3 are one of the OWASP Password Storage Cheat Sheet's
// scrypt minimums (equivalent in cost to N=2^17, p=1) but need 32 MiB per hash instead of 128 MiB:
// ~250 ms on one idle core of the test machine (measured: N=2^15,p=1 took 214 ms at load 5).
// The parameters are stored with each hash (`scrypt$N$r$p$salt$hash`), so raising them later only
// changes new hashes; `needsRehash` tells sign-in to upgrade an old one while it has the password.

export const SCRYPT = { N: 2 ** 15, r: 8, p: 3, keyLen: 32, saltLen: 16 } as const;
/** 128 × N × r bytes plus headroom; Node's default maxmem (32 MiB) is exactly one hash's need and refuses it. */
const MAXMEM = 64 * 1024 * 1024;

/**
 * At most two hashes at once per process: each holds 32 MiB and a libuv thread for ~¼ s, and a
 * burst of sign-ins must neither exhaust memory nor starve the file I/O that shares that pool.
 */
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: Array<() => void> = [];
async function limited<T>(fn: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await fn();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, p: { N: number; r: number; p: number; keyLen: number }): Promise<Buffer> {
  return limited(() => new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, p.keyLen, { N: p.N, r: p.r, p: p.p, maxmem: MAXMEM }, (e, k) => (e ? reject(e) : resolve(k)))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SCRYPT.saltLen);
  const key = await derive(password, salt, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface Parsed { N: number; r: number; p: number; keyLen: number; salt: Buffer; key: Buffer }

function parse(stored: string): Parsed | null {
  const [alg, n, r, p, salt, key, extra] = stored.split('$');
  if (alg !== 'scrypt' || !n || !r || !p || !salt || !key || extra !== undefined) return null;
  const k = Buffer.from(key, 'base64url');
  // Bounds: a corrupted row must not make us allocate gigabytes.
  const N = Number(n), R = Number(r), P = Number(p);
  if (!Number.isInteger(Math.log2(N)) || N > 2 ** 20 || R < 1 || R > 32 || P < 1 || P > 16 || k.length < 16) return null;
  return { N, r: R, p: P, keyLen: k.length, salt: Buffer.from(salt, 'base64url'), key: k };
}

/**
 * A hash of nothing anyone knows, verified when the login does not exist: an unknown login costs
 * the same scrypt run as a wrong password, so timing does not tell them apart.
 */
let dummy: Promise<string> | null = null;
const dummyHash = () => (dummy ??= hashPassword(randomBytes(32).toString('hex')));

/** Constant-time check of `password` against a stored hash; `stored` null = unknown login (still hashes). */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = parse(stored ?? (await dummyHash()));
  if (!parsed) {
    await derive(password, randomBytes(SCRYPT.saltLen), SCRYPT); // same cost as a real check
    return false;
  }
  const key = await derive(password, parsed.salt, parsed);
  return stored !== null && timingSafeEqual(key, parsed.key);
}

export const needsRehash = (stored: string) => {
  const p = parse(stored);
  return !p || p.N !== SCRYPT.N || p.r !== SCRYPT.r || p.p !== SCRYPT.p || p.keyLen !== SCRYPT.keyLen;
};

/**
 * A password a person chooses: at least 12 characters (NIST SP 800-63B asks for 8 at least and
 * no composition rules; 12 is the common floor for staff accounts), at most 200 (beyond that is a
 * paste accident, and scrypt's cost should not depend on what a stranger sends).
 */
export const newPasswordSchema = z.string().min(12, 'at least 12 characters').max(200, 'at most 200 characters');

/** A one-time password (admin reset, new user, first admin): 20 characters from 31 = 99 bits, grouped by 5. */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789'; // no 0/o, 1/l/i: read aloud or copied by hand
  let s = '';
  for (let i = 0; i < 20; i++) s += alphabet[randomInt(alphabet.length)];
  return s.replace(/(.{5})(?=.)/g, '$1-');
}
