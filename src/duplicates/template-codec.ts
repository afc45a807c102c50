import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

// Face templates at rest. A 128-d descriptor is biometric data: with BLOB_ENCRYPTION_KEY it is
// sealed with AES-256-GCM under a key derived for this purpose only, the session id as associated
// data (a row copied onto another session does not open). Without the key it is plain base64, like
// every other datum of an unencrypted deployment.

const SEALED = 'v1:';
export const TEMPLATE_DIMENSIONS = 128;

export interface TemplateCodec {
  encode(sessionId: string, template: Float32Array): string;
  decode(sessionId: string, stored: string): Float32Array;
}

export function templateCodec(blobKey?: Buffer): TemplateCodec {
  const key = blobKey ? Buffer.from(hkdfSync('sha256', blobKey, Buffer.alloc(0), 'vkyc face templates v1', 32)) : null;
  return {
    encode(sessionId, template) {
      const raw = Buffer.from(template.buffer, template.byteOffset, template.byteLength);
      if (!key) return raw.toString('base64');
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(sessionId));
      const body = Buffer.concat([c.update(raw), c.final()]);
      return SEALED + Buffer.concat([iv, c.getAuthTag(), body]).toString('base64');
    },
    decode(sessionId, stored) {
      let raw: Buffer;
      if (stored.startsWith(SEALED)) {
        if (!key) throw new Error('face template is encrypted and BLOB_ENCRYPTION_KEY is not set');
        const b = Buffer.from(stored.slice(SEALED.length), 'base64');
        const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12)).setAAD(Buffer.from(sessionId));
        d.setAuthTag(b.subarray(12, 28));
        raw = Buffer.concat([d.update(b.subarray(28)), d.final()]);
      } else {
        raw = Buffer.from(stored, 'base64');
      }
      if (raw.length !== TEMPLATE_DIMENSIONS * 4) throw new Error(`face template has ${raw.length} bytes, expected ${TEMPLATE_DIMENSIONS * 4}`);
      // Copy into an aligned buffer: a Buffer's offset inside its pool is not always a multiple of 4.
      return new Float32Array(new Uint8Array(raw).buffer);
    },
  };
}

/**
 * Linking attributes (IP, fingerprint, document number/name) are compared by equality only, so
 * they are stored as a keyed hash: equal values link, the values themselves are not kept.
 */
export function linkHash(secret: string, kind: string, value: string | null | undefined): string | null {
  const v = value?.trim().toUpperCase();
  if (!v) return null;
  return createHmac('sha256', secret).update(`link:${kind}:${v}`).digest('base64url').slice(0, 32);
}
