import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// Compact HMAC-signed tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256). Used for
// capture tokens and media URLs; each use has its own purpose string mixed into the key so a token
// minted for one purpose never verifies as another.

const b64u = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function keyFor(secret: string, purpose: string): Buffer {
  if (!secret || secret.length < 32) throw new Error('signing secret missing or too short'); // fail loudly, never "unsigned"
  return createHmac('sha256', secret).update(`vkyc:${purpose}`).digest();
}

export function signToken(secret: string, purpose: string, payload: Record<string, unknown>): string {
  const body = b64u(JSON.stringify(payload));
  const mac = createHmac('sha256', keyFor(secret, purpose)).update(body).digest();
  return `${body}.${b64u(mac)}`;
}

type VerifyResult<T> = { ok: true; payload: T } | { ok: false; reason: 'invalid' | 'expired' };

/** Verifies signature and `exp` (seconds since epoch) in constant time. */
export function verifyToken<T extends { exp: number }>(secret: string, purpose: string, token: string, nowMs: number): VerifyResult<T> {
  const [body, mac, extra] = token.split('.');
  if (!body || !mac || extra !== undefined) return { ok: false, reason: 'invalid' };
  const expected = createHmac('sha256', keyFor(secret, purpose)).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
  let payload: T;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return { ok: false, reason: 'invalid' };
  }
  if (typeof payload.exp !== 'number') return { ok: false, reason: 'invalid' };
  if (payload.exp * 1000 < nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, payload };
}

/** API keys: `vk_live_` / `vk_test_` + 32 random bytes; stored as SHA-256 (high entropy → no KDF needed). */
export function newApiKey(mode: 'live' | 'test'): { key: string; prefix: string; hash: string } {
  const key = `vk_${mode}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: key.slice(0, 16), hash: hashApiKey(key) };
}
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

export const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

/** Signs a media path so it can be fetched without an API key until `exp`. */
export function signMediaPath(secret: string, path: string, exp: number): string {
  const mac = createHmac('sha256', keyFor(secret, 'media')).update(`${path}|${exp}`).digest();
  return b64u(mac);
}
export function verifyMediaPath(secret: string, path: string, exp: number, sig: string): boolean {
  const expected = Buffer.from(signMediaPath(secret, path, exp), 'base64url');
  const given = Buffer.from(sig, 'base64url');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
