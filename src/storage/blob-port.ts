import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

// The BlobStore port: media and evidence bytes, on local disk (disk-blobs.ts) or in an
// S3-compatible object store (s3-blobs.ts); callers stream.

export class BlobTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`blob exceeds ${limit} bytes`);
  }
}
export class BlobNotFoundError extends Error {}
/** Stored bytes that do not authenticate (tampered or corrupt at rest). */
export class BlobIntegrityError extends Error {
  constructor(readonly key: string, reason: string) {
    super(`blob ${key} failed its integrity check: ${reason}`);
    this.name = 'BlobIntegrityError';
  }
}

/**
 * Keys are paths of safe characters with no `..` (project/session/kind…): every adapter refuses
 * anything else, so no key can name a file outside the store or an object outside its prefix.
 */
export function assertBlobKey(key: string): string {
  if (!/^[A-Za-z0-9_\-./]+$/.test(key) || key.includes('..') || key.startsWith('/')) throw new Error(`invalid blob key: ${key}`);
  return key;
}

export interface PutResult { bytes: number; sha256: string }

/**
 * Counts and hashes the plaintext of a put as it streams, and stops it past `maxBytes` (before the
 * bytes reach the store): one meter for every adapter.
 */
export function metered(source: AsyncIterable<Uint8Array> | Uint8Array, maxBytes?: number) {
  const hash = createHash('sha256');
  let bytes = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    const input = source instanceof Uint8Array ? [source] : source;
    for await (const c of input) {
      const chunk = Buffer.from(c);
      bytes += chunk.length;
      if (maxBytes !== undefined && bytes > maxBytes) throw new BlobTooLargeError(maxBytes);
      hash.update(chunk);
      yield chunk;
    }
  }
  return { chunks: chunks(), result: (): PutResult => ({ bytes, sha256: hash.digest('hex') }) };
}

/** A whole (small) blob in memory: evidence crops, selfies; never videos of unbounded size. */
export async function readBlob(store: BlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await store.get(key)) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks);
}

export interface BlobStore {
  /** Streams `source` to `key`; the blob appears whole or not at all. Aborts past `maxBytes`. */
  put(key: string, source: AsyncIterable<Uint8Array> | Uint8Array, opts?: { maxBytes?: number }): Promise<PutResult>;
  /**
   * Streams a blob. Encrypted stores verify each part before emitting it; `verifyAll` checks the
   * whole blob before returning (a second read), for callers that must not start answering
   * before they know every byte is authentic (the media route).
   */
  get(key: string, opts?: { verifyAll?: boolean }): Promise<Readable>;
  exists(key: string): Promise<boolean>;
  delete(key: string): Promise<void>;
  /** Deletes every blob under `prefix` (erase of a session); returns how many were removed. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A short-lived URL at which the store itself serves the blob's plaintext, for stores that can
   * (an object store without client-side encryption); absent otherwise.
   */
  presign?(key: string, o: { expiresInSeconds: number; contentType: string }): Promise<string>;
}
