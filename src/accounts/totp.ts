import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

// TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 6 digits, 30-second steps — the parameters every
// authenticator app supports (several ignore `algorithm`/`digits`/`period` in the URI). A code is
// accepted in its own step or one step either side (RFC 6238 §5.2's allowance for clock drift and
// typing time) and only once: the caller stores the accepted step and passes it back as `lastStep`.

export const TOTP = { digits: 6, periodS: 30, window: 1, secretBytes: 20 } as const;

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(b: Buffer): string {
  let bits = 0, value = 0, out = '';
  for (const byte of b) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string): Buffer {
  const clean = s.toUpperCase().replace(/=+$/, '').replace(/\s/g, '');
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = B32.indexOf(ch);
    if (i < 0) throw new Error('not base32');
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 §5.3: HOTP value of `counter` (dynamic truncation), `digits` long with leading zeros. */
export function hotp(key: Buffer, counter: number, digits: number = TOTP.digits, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const bin = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(bin % 10 ** digits).padStart(digits, '0');
}

export const stepAt = (nowMs: number) => Math.floor(nowMs / 1000 / TOTP.periodS);

export const newTotpSecret = () => base32Encode(randomBytes(TOTP.secretBytes));

/**
 * The step the code belongs to, or null: wrong code, malformed code, or a step at or before
 * `lastStep` (a code already used, or an older one after a newer was accepted).
 */
export function verifyTotp(secretB32: string, code: string, nowMs: number, lastStep: number | null): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32Decode(secretB32);
  const now = stepAt(nowMs);
  let found: number | null = null;
  // Every candidate is computed and compared (no early exit), so the time taken says nothing about which matched.
  for (let step = now - TOTP.window; step <= now + TOTP.window; step++) {
    const ok = timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code));
    if (ok && found === null && (lastStep === null || step > lastStep)) found = step;
  }
  return found;
}

/** The enrolment URI authenticator apps read (Key Uri Format): issuer and account label, parameters spelled out. */
export function otpauthUri(secretB32: string, account: string, issuer = 'vkyc'): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const q = new URLSearchParams({ secret: secretB32, issuer, algorithm: 'SHA1', digits: String(TOTP.digits), period: String(TOTP.periodS) });
  return `otpauth://totp/${label}?${q}`;
}
