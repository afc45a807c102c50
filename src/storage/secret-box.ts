import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

// Webhook signing secrets at rest. They must be recoverable (we sign with them), so they are
// encrypted, not hashed: AES-256-GCM under a key derived from VKYC_SECRET with HKDF and its own
// purpose string, so this key is never the one that signs capture tokens or media URLs. The webhook
// id is bound as associated data: a sealed secret copied onto another webhook row does not open.
// Changing VKYC_SECRET makes stored webhook secrets unreadable: re-create the webhooks then.

const PREFIX = 'enc1.';

function keyFor(secret: string): Buffer {
  if (!secret || secret.length < 32) throw new Error('signing secret missing or too short'); // never store in clear
  return Buffer.from(hkdfSync('sha256', secret, 'vkyc', 'vkyc:webhook-secret-encryption', 32));
}

export const isSealed = (stored: string) => stored.startsWith(PREFIX);

export function sealWebhookSecret(vkycSecret: string, webhookId: string, plain: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', keyFor(vkycSecret), iv).setAAD(Buffer.from(webhookId));
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return PREFIX + Buffer.concat([iv, body, c.getAuthTag()]).toString('base64url');
}

/** Throws when the value was tampered with, belongs to another webhook or was sealed under another VKYC_SECRET. */
export function openWebhookSecret(vkycSecret: string, webhookId: string, stored: string): string {
  if (!isSealed(stored)) throw new Error('webhook secret is not encrypted (did the sealed-webhook-secrets migration run?)');
  const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
  if (raw.length < 12 + 16) throw new Error('sealed webhook secret too short');
  const d = createDecipheriv('aes-256-gcm', keyFor(vkycSecret), raw.subarray(0, 12)).setAAD(Buffer.from(webhookId));
  d.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]).toString('utf8');
}
