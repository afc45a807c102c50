import { createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertBlobKey, BlobIntegrityError, BlobNotFoundError, type BlobStore, metered, type PutResult } from './blob-port.ts';
import { encryptRecords, HEADER, MAGIC_V1, MAGIC_V2, openRecord, recordCount, TAG } from './blob-crypto.ts';

// Blobs on local disk. Writes go to a temp file in the same directory and are renamed into place
// only when complete, so a crash mid-upload never leaves a half blob under a real key.
// With an encryption key, blobs are written in the chunked authenticated format of blob-crypto.ts
// ("VKE2"); blobs of the earlier single-tag format ("VKE1") are still read. Files are 0600 in 0700
// directories: they hold faces, documents and voices.

interface DiskBlobOptions {
  encryptionKey?: Buffer;
  /** Told when a blob fails its integrity check (tampering or disk corruption); never given bytes. */
  onIntegrityFailure?: (key: string, reason: string) => void;
}

export function createDiskBlobStore(root: string, opts: DiskBlobOptions = {}): BlobStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    const p = resolve(base, assertBlobKey(key));
    if (!p.startsWith(base + sep)) throw new Error(`invalid blob key: ${key}`);
    return p;
  };
  const key = opts.encryptionKey;

  return {
    async put(k, source, { maxBytes } = {}): Promise<PutResult> {
      const dest = pathOf(k);
      await mkdir(dirname(dest), { recursive: true, mode: 0o700 });
      const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
      const m = metered(source, maxBytes);
      try {
        const out = createWriteStream(tmp, { mode: 0o600 });
        if (key) await pipeline(Readable.from(m.chunks), encryptRecords(key), out);
        else await pipeline(Readable.from(m.chunks), out);
        await rename(tmp, dest);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return m.result();
    },

    async get(k, { verifyAll = false } = {}) {
      const p = pathOf(k);
      const st = await stat(p).catch(() => null);
      if (!st) throw new BlobNotFoundError(k);
      if (!key) return createReadStream(p);
      try {
        return await openEncrypted(p, st.size, key, k, verifyAll);
      } catch (e) {
        if (e instanceof BlobIntegrityError) opts.onIntegrityFailure?.(k, e.message);
        throw e;
      }
    },

    async exists(k) {
      return (await stat(pathOf(k)).catch(() => null)) !== null;
    },

    async delete(k) {
      await unlink(pathOf(k)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    },

    async deletePrefix(prefix) {
      const dir = pathOf(prefix.replace(/\/$/, ''));
      const count = await countFiles(dir);
      await rm(dir, { recursive: true, force: true });
      return count;
    },
  };
}

/**
 * Opens an encrypted blob. "VKE2": the first record (with `verifyAll`: every record) is verified
 * before this returns, and every record again before it is emitted.
 */
async function openEncrypted(p: string, size: number, key: Buffer, k: string, verifyAll: boolean): Promise<Readable> {
  const fh = await open(p, 'r');
  try {
    const header = Buffer.alloc(HEADER);
    await fh.read(header, 0, HEADER, 0);
    const magic = header.subarray(0, 4);
    if (magic.equals(MAGIC_V1)) {
      await fh.close();
      return openV1(p, size, key, header, k);
    }
    if (!magic.equals(MAGIC_V2)) throw new BlobIntegrityError(k, 'not in an encrypted format of this store');
    const count = recordCount(size);
    if (count === null) throw new BlobIntegrityError(k, 'length fits no record layout (truncated)');
    // AES-GCM runs at well over 1 GB/s with AES-NI: a 200 MB video costs a fraction of a second.
    if (verifyAll) for (let i = 1; i < count; i++) await openRecord(fh, key, header, i, count, size, k);
    const first = await openRecord(fh, key, header, 0, count, size, k);
    return Readable.from(records(fh, key, header, count, size, k, first));
  } catch (e) {
    await fh.close().catch(() => undefined);
    throw e;
  }
}

async function* records(fh: FileHandle, key: Buffer, header: Buffer, count: number, size: number, k: string, first: Buffer) {
  try {
    if (first.length) yield first;
    for (let i = 1; i < count; i++) {
      const rec = await openRecord(fh, key, header, i, count, size, k);
      if (rec.length) yield rec;
    }
  } finally {
    await fh.close();
  }
}

/**
 * The earlier format has one tag for the whole blob: it is checked in a first pass (decrypting to
 * nowhere) so no unauthenticated byte reaches a reader; then the blob is streamed. Costs a second
 * read, only for blobs written before VKE2.
 */
async function openV1(p: string, size: number, key: Buffer, header: Buffer, k: string): Promise<Readable> {
  if (size < HEADER + TAG) throw new BlobIntegrityError(k, 'truncated');
  const tagBuf = Buffer.alloc(TAG);
  const fh = await open(p, 'r');
  await fh.read(tagBuf, 0, TAG, size - TAG).finally(() => fh.close());
  const decipher = () => {
    const d = createDecipheriv('aes-256-gcm', key, header.subarray(4));
    d.setAuthTag(tagBuf);
    return d;
  };
  const check = decipher();
  try {
    for await (const c of createReadStream(p, { start: HEADER, end: size - TAG - 1 })) check.update(c as Buffer);
    check.final();
  } catch {
    throw new BlobIntegrityError(k, 'does not authenticate');
  }
  return createReadStream(p, { start: HEADER, end: size - TAG - 1 }).pipe(decipher());
}

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const e of entries) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  return n;
}
