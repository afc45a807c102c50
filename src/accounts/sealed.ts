import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Account secrets that must be read back (TOTP keys) are sealed at rest: AES-256-GCM under a key
// derived from VKYC_SECRET with HKDF and this purpose string alone (never the key that signs
// capture tokens or seals webhook secrets), the user id as associated data so a sealed value
// copied onto another user's row does not open. Same construction as webhooks/secret-box.ts.

const PREFIX = 'enc1.';
const PURPOSE = 'vkyc:totp-secret-encryption';

function key(secret: string): Buffer {
  if (!secret || secret.length < 32) throw new Error('signing secret missing or too short'); // never store in clear
  return Buffer.from(hkdfSync('sha256', secret, 'vkyc', PURPOSE, 32));
}

export function sealTotp(vkycSecret: string, userId: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key(vkycSecret), iv).setAAD(Buffer.from(userId));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url');
}

/** Throws when tampered with, moved to another user, or sealed under another VKYC_SECRET. */
export function openTotp(vkycSecret: string, userId: string, stored: string): string {
  if (!stored.startsWith(PREFIX)) throw new Error('TOTP secret is not sealed');
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16) throw new Error('sealed TOTP secret too short');
  const d = createDecipheriv('aes-256-gcm', key(vkycSecret), raw.subarray(0, 12)).setAAD(Buffer.from(userId));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
}
