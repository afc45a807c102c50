import type { components } from './schema.d.ts';

// Receiving vkyc webhooks: Standard Webhooks signatures (the same scheme Svix and the
// standardwebhooks libraries verify). HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}`
// with the base64 key after `whsec_`; the header may carry several `v1,<base64>` signatures
// (secret rotation). Web Crypto only, so it runs in Node, Deno, Bun and edge runtimes;
// `crypto.subtle.verify` compares in constant time.

export type VkycEvent = components['schemas']['VideoCompletedEvent'] | components['schemas']['VideoReviewedEvent'];

export class WebhookVerificationError extends Error {
  constructor(readonly reason: 'missing_headers' | 'bad_secret' | 'stale_timestamp' | 'bad_signature' | 'bad_payload', message: string) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Five minutes either way: the Standard Webhooks default; older deliveries may be replays. */
const DEFAULT_TOLERANCE_SECONDS = 300;

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function header(h: HeaderSource, name: string): string | undefined {
  if (typeof (h as Headers).get === 'function') return (h as Headers).get(name) ?? undefined;
  const v = (h as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? v[0] : v;
}

function fromBase64(s: string): Uint8Array | null {
  try {
    const bin = atob(s);
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Verifies a delivery and returns its event. `body` must be the raw request body, exactly as
 * received (parse only after verifying). Throws WebhookVerificationError when anything is off.
 */
export async function verifyWebhook(secret: string, headers: HeaderSource, body: string, opts: { toleranceSeconds?: number; now?: Date } = {}): Promise<VkycEvent> {
  const id = header(headers, 'webhook-id');
  const ts = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !ts || !signatures) throw new WebhookVerificationError('missing_headers', 'webhook-id, webhook-timestamp and webhook-signature are required');
  const keyBytes = secret.startsWith('whsec_') ? fromBase64(secret.slice('whsec_'.length)) : null;
  if (!keyBytes?.length) throw new WebhookVerificationError('bad_secret', 'the secret must be the whsec_… value vkyc returned');
  const seconds = Number(ts);
  const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  if (!Number.isInteger(seconds) || Math.abs(now - seconds) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    throw new WebhookVerificationError('stale_timestamp', 'the webhook timestamp is too far from the current time');
  }
  const key = await crypto.subtle.importKey('raw', keyBytes as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const message = new TextEncoder().encode(`${id}.${ts}.${body}`);
  for (const part of signatures.split(' ')) {
    const [version, sig] = part.split(',');
    const given = version === 'v1' && sig ? fromBase64(sig) : null;
    if (given && (await crypto.subtle.verify('HMAC', key, given as Uint8Array<ArrayBuffer>, message))) {
      try {
        return JSON.parse(body) as VkycEvent;
      } catch {
        throw new WebhookVerificationError('bad_payload', 'the signed body is not JSON');
      }
    }
  }
  throw new WebhookVerificationError('bad_signature', 'no signature matches this secret');
}
