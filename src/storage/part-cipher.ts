import { createCipheriv, createHmac, hkdfSync } from 'node:crypto';
import { Transform } from 'node:stream';

// Resumable upload parts at rest. A part grows chunk by chunk over several requests and is cut back
// to the last acknowledged offset after an interrupted chunk, so it needs a cipher that can start
// at any byte offset: AES-256-CTR, with a key derived from BLOB_ENCRYPTION_KEY for this purpose only
// and a per-upload initial counter derived from the (unique, random) upload id. CTR gives
// confidentiality, not integrity: a finished part is decoded, validated and then stored as a blob
// with authenticated encryption, and a part lives only until its upload completes.

export function partKey(blobKey: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', blobKey, Buffer.alloc(0), 'vkyc upload parts v1', 32));
}

function counterAt(key: Buffer, uploadId: string, offset: number): Buffer {
  const iv = createHmac('sha256', key).update(`iv:${uploadId}`).digest().subarray(0, 16);
  const block = (BigInt(`0x${iv.toString('hex')}`) + BigInt(Math.floor(offset / 16))) % (1n << 128n);
  return Buffer.from(block.toString(16).padStart(32, '0'), 'hex');
}

/**
 * A stream that encrypts (or, identically, decrypts) the bytes of upload `uploadId` starting at
 * byte `offset` of the part.
 */
export function partCipher(key: Buffer, uploadId: string, offset: number): Transform {
  const c = createCipheriv('aes-256-ctr', key, counterAt(key, uploadId, offset));
  // Align inside the first 16-byte block: the keystream bytes before `offset` are thrown away.
  const skip = offset % 16;
  if (skip) c.update(Buffer.alloc(skip));
  return new Transform({
    transform(chunk: Buffer, _e, cb) { cb(null, c.update(chunk)); },
    flush(cb) { cb(null, c.final()); },
  });
}
