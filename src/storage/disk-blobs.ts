import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BlobNotFoundError, type BlobStore, BlobTooLargeError, type PutResult } from './blob-port.ts';

// Blobs on local disk. Writes go to a temp file in the same directory and are renamed into place
// only when complete, so a crash mid-upload never leaves a half blob under a real key.
// With an encryption key, each blob is AES-256-GCM: "VKE1" | iv(12) | ciphertext | tag(16).

const MAGIC = Buffer.from('VKE1');
const HEADER = MAGIC.length + 12;
const TAG = 16;

export function createDiskBlobStore(root: string, opts: { encryptionKey?: Buffer } = {}): BlobStore {
  const base = resolve(root);
  const pathOf = (key: string) => {
    if (!/^[A-Za-z0-9_\-./]+$/.test(key) || key.includes('..')) throw new Error(`invalid blob key: ${key}`);
    const p = resolve(base, key);
    if (!p.startsWith(base + sep)) throw new Error(`invalid blob key: ${key}`);
    return p;
  };
  const key = opts.encryptionKey;

  return {
    async put(k, source, { maxBytes } = {}): Promise<PutResult> {
      const dest = pathOf(k);
      await mkdir(dirname(dest), { recursive: true });
      const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
      const hash = createHash('sha256');
      let bytes = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          if (maxBytes !== undefined && bytes > maxBytes) return cb(new BlobTooLargeError(maxBytes));
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      const input = source instanceof Uint8Array ? Readable.from([Buffer.from(source)]) : Readable.from(source);
      try {
        if (key) {
          const iv = randomBytes(12);
          const cipher = createCipheriv('aes-256-gcm', key, iv);
          const framed = async function* (src: AsyncIterable<Buffer>) {
            yield Buffer.concat([MAGIC, iv]);
            for await (const c of src) yield c;
            yield cipher.getAuthTag(); // available once the cipher has flushed its final block
          };
          await pipeline(input, meter, cipher, framed, createWriteStream(tmp));
        } else {
          await pipeline(input, meter, createWriteStream(tmp));
        }
        await rename(tmp, dest);
      } catch (e) {
        await rm(tmp, { force: true });
        throw e;
      }
      return { bytes, sha256: hash.digest('hex') };
    },

    async get(k) {
      const p = pathOf(k);
      const st = await stat(p).catch(() => null);
      if (!st) throw new BlobNotFoundError(k);
      if (!key) return createReadStream(p);
      if (st.size < HEADER + TAG) throw new Error(`blob ${k} is truncated`);
      const fh = await open(p, 'r');
      const head = Buffer.alloc(HEADER);
      const tag = Buffer.alloc(TAG);
      await fh.read(head, 0, HEADER, 0);
      await fh.read(tag, 0, TAG, st.size - TAG);
      await fh.close();
      if (!head.subarray(0, 4).equals(MAGIC)) throw new Error(`blob ${k} is not encrypted with this store's format`);
      const decipher = createDecipheriv('aes-256-gcm', key, head.subarray(4));
      decipher.setAuthTag(tag);
      return createReadStream(p, { start: HEADER, end: st.size - TAG - 1 }).pipe(decipher);
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

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  let n = 0;
  for (const e of entries) n += e.isDirectory() ? await countFiles(join(dir, e.name)) : 1;
  return n;
}
