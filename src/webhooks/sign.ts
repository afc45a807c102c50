import { createHmac, timingSafeEqual } from 'node:crypto';

// Standard Webhooks signatures: HMAC-SHA256 over `${id}.${timestamp}.${body}` with the base64
// secret after the `whsec_` prefix; header value "v1,<base64>" (space-separated when several
// secrets are active, e.g. during rotation).

function secretBytes(secret: string): Buffer {
  if (!secret.startsWith('whsec_')) throw new Error('webhook secret must start with whsec_');
  return Buffer.from(secret.slice('whsec_'.length), 'base64');
}

export function signWebhook(secrets: string[], id: string, timestamp: number, body: string): string {
  if (secrets.length === 0) throw new Error('no webhook secret'); // never send unsigned
  return secrets
    .map((s) => `v1,${createHmac('sha256', secretBytes(s)).update(`${id}.${timestamp}.${body}`).digest('base64')}`)
    .join(' ');
}

/** Receiver side (used by tests and documented for integrators): constant-time, rejects stale timestamps. */
export function verifyWebhook(
  secret: string,
  headers: { 'webhook-id': string; 'webhook-timestamp': string; 'webhook-signature': string },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  const ts = Number(headers['webhook-timestamp']);
  if (!Number.isFinite(ts) || Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook([secret], headers['webhook-id'], ts, body).slice(3), 'base64');
  return headers['webhook-signature'].split(' ').some((part) => {
    const [v, sig] = part.split(',');
    if (v !== 'v1' || !sig) return false;
    const given = Buffer.from(sig, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
