import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Secrets at rest that must be read back (webhook signing secrets, dashboard TOTP keys, evidence signing keys): they are
// encrypted, not hashed: AES-256-GCM under a key derived from VKYC_SECRET with HKDF and a purpose
// string per kind, so no such key is ever the one that signs capture tokens or media URLs, and a
// value sealed for one purpose does not open for another. The owning row's id is bound as
// associated data: a sealed value copied onto another row does not open.
// Changing VKYC_SECRET makes stored values unreadable (re-create webhooks, re-enrol TOTP then).

const PREFIX = 'enc1.';

export type SealPurpose = 'vkyc:webhook-secret-encryption' | 'vkyc:totp-secret-encryption' | 'vkyc:evidence-signing-key';

function keyFor(secret: string, purpose: SealPurpose): Buffer {
  if (!secret || secret.length < 32) throw new Error('signing secret missing or too short'); // never store in clear
  return Buffer.from(hkdfSync('sha256', secret, 'vkyc', purpose, 32));
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

export function seal(vkycSecret: string, purpose: SealPurpose, ownerId: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyFor(vkycSecret, purpose), iv).setAAD(Buffer.from(ownerId));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url');
}

/** Throws when the value was tampered with, belongs to another row or was sealed under another VKYC_SECRET or purpose. */
export function open(vkycSecret: string, purpose: SealPurpose, ownerId: string, stored: string, what: string): string {
  if (!isSealed(stored)) throw new Error(`${what} is not sealed`);
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16) throw new Error(`sealed ${what} too short`);
  const d = createDecipheriv('aes-256-gcm', keyFor(vkycSecret, purpose), raw.subarray(0, 12)).setAAD(Buffer.from(ownerId));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
}

export const sealWebhookSecret = (vkycSecret: string, webhookId: string, plain: string) => seal(vkycSecret, 'vkyc:webhook-secret-encryption', webhookId, plain);

export const openWebhookSecret = (vkycSecret: string, webhookId: string, stored: string) =>
  open(vkycSecret, 'vkyc:webhook-secret-encryption', webhookId, stored, 'webhook secret (did the sealed-webhook-secrets migration run?)');
