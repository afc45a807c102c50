import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { BlobIntegrityError } from './blob-port.ts';

// Encrypted blob format "VKE2": chunked authenticated encryption, so every byte is verified before
// it is handed to a reader (a single AES-GCM tag at the end of a 200 MB video would mean streaming
// 200 MB of unauthenticated plaintext first).
//
//   header  = "VKE2" | base nonce (12 random bytes)
//   record  = AES-256-GCM(plaintext ≤ 64 KiB) | tag (16)
//   nonce_i = base nonce with its last 4 bytes XOR i (unique per record; random base per blob)
//   AAD_i   = header | uint32 i | final flag (1 on the last record, else 0)
//
// The index in the AAD detects reordered records, the final flag detects a file cut at a record
// boundary, and the header in the AAD binds every record to this blob. An empty blob is one empty
// final record. 64 KiB: the size of a stream chunk, so records cost one GCM call per chunk.
// Old blobs ("VKE1" | iv | ciphertext | one tag) are still read (see disk-blobs.ts).

export const MAGIC_V1 = Buffer.from('VKE1');
export const MAGIC_V2 = Buffer.from('VKE2');
export const RECORD = 64 * 1024;
export const TAG = 16;
export const HEADER = 4 + 12;


function nonceFor(base: Buffer, i: number): Buffer {
  const n = Buffer.from(base);
  n.writeUInt32BE((n.readUInt32BE(8) ^ i) >>> 0, 8);
  return n;
}

function aad(header: Buffer, i: number, final: boolean): Buffer {
  const tail = Buffer.alloc(5);
  tail.writeUInt32BE(i, 0);
  tail[4] = final ? 1 : 0;
  return Buffer.concat([header, tail]);
}

function sealRecord(key: Buffer, header: Buffer, i: number, plain: Buffer, final: boolean): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonceFor(header.subarray(4), i));
  c.setAAD(aad(header, i, final));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

/** Plaintext chunks in, "VKE2" bytes out; a record is sealed once we know whether it is the last. */
export function encryptRecords(key: Buffer) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const header = Buffer.concat([MAGIC_V2, randomBytes(12)]);
    yield header;
    let pending = Buffer.alloc(0);
    let i = 0;
    for await (const chunk of source) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
      // Keep at least one full record back: it may turn out to be the final one.
      while (pending.length > RECORD) {
        yield sealRecord(key, header, i++, pending.subarray(0, RECORD), false);
        pending = pending.subarray(RECORD);
      }
    }
    yield sealRecord(key, header, i, pending, true);
  };
}

/** How many records a "VKE2" file of `size` bytes holds, or null when no valid layout fits. */
export function recordCount(size: number): number | null {
  const body = size - HEADER;
  if (body < TAG) return null;
  const full = Math.floor(body / (RECORD + TAG));
  const rem = body % (RECORD + TAG);
  if (rem === 0) return full;
  return rem >= TAG ? full + 1 : null;
}

/** Opens one sealed record (ciphertext | tag); throws BlobIntegrityError when it does not verify. */
function openSealed(key: Buffer, header: Buffer, i: number, final: boolean, sealed: Buffer, blobKey: string): Buffer {
  const d = createDecipheriv('aes-256-gcm', key, nonceFor(header.subarray(4), i));
  d.setAAD(aad(header, i, final));
  d.setAuthTag(sealed.subarray(sealed.length - TAG));
  const plain = d.update(sealed.subarray(0, sealed.length - TAG));
  try {
    d.final();
  } catch {
    throw new BlobIntegrityError(blobKey, `record ${i} does not authenticate`);
  }
  return plain;
}

/**
 * Reads and verifies record i of an open "VKE2" file. Throws BlobIntegrityError when the tag does
 * not verify: the caller never sees a byte of a record that was altered, moved or cut.
 */
export async function openRecord(fh: FileHandle, key: Buffer, header: Buffer, i: number, count: number, size: number, blobKey: string): Promise<Buffer> {
  const start = HEADER + i * (RECORD + TAG);
  const len = Math.min(RECORD + TAG, size - start);
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, start);
  if (bytesRead !== len) throw new BlobIntegrityError(blobKey, 'file changed while reading');
  return openSealed(key, header, i, i === count - 1, buf, blobKey);
}

/**
 * "VKE2" bytes in (a sequential stream of `size` bytes, e.g. an object store's GET body),
 * verified plaintext out: each record is checked before any of its bytes is emitted, so a
 * reader never sees a byte that was altered, moved or cut.
 */
export function decryptRecords(key: Buffer, size: number, blobKey: string) {
  return async function* (source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    const count = recordCount(size);
    if (count === null) throw new BlobIntegrityError(blobKey, 'length fits no record layout (truncated)');
    let header: Buffer | null = null;
    let pending = Buffer.alloc(0);
    let i = 0;
    let seen = 0;
    const take = function* (): Generator<Buffer> {
      if (!header) {
        if (pending.length < HEADER) return;
        header = pending.subarray(0, HEADER);
        if (!header.subarray(0, 4).equals(MAGIC_V2)) throw new BlobIntegrityError(blobKey, 'not in an encrypted format of this store');
        pending = pending.subarray(HEADER);
      }
      while (i < count) {
        const len = i === count - 1 ? size - HEADER - i * (RECORD + TAG) : RECORD + TAG;
        if (pending.length < len) return;
        const plain = openSealed(key, header, i, i === count - 1, pending.subarray(0, len), blobKey);
        pending = pending.subarray(len);
        i++;
        if (plain.length) yield plain;
      }
    };
    for await (const chunk of source) {
      seen += chunk.length;
      if (seen > size) throw new BlobIntegrityError(blobKey, 'longer than its stated length');
      pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
      yield* take();
    }
    if (i !== count || pending.length) throw new BlobIntegrityError(blobKey, 'truncated');
  };
}
