import type { Readable } from 'node:stream';

// The BlobStore port: media and evidence bytes. Disk today, S3-compatible later; callers stream.

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

export interface PutResult { bytes: number; sha256: string }

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
}
