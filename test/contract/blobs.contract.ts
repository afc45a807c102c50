import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type BlobStore, BlobNotFoundError, BlobTooLargeError } from '../../src/storage/blob-port.ts';

const read = async (s: Readable) => {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
};

/** One behaviour suite for every BlobStore adapter. */
export function blobContract(name: string, make: () => Promise<{ store: BlobStore; cleanup(): Promise<void> }>) {
  describe(`BlobStore contract: ${name}`, () => {
    let store: BlobStore;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, cleanup } = await make()));
    after(async () => cleanup());

    test('put (streamed) and get round-trip with size and hash', async () => {
      const data = Buffer.alloc(3 * 1024 * 1024 + 7, 0x5a);
      async function* chunks() {
        for (let i = 0; i < data.length; i += 65536) yield data.subarray(i, i + 65536);
      }
      const r = await store.put('p/s/a.bin', chunks());
      assert.equal(r.bytes, data.length);
      assert.match(r.sha256, /^[0-9a-f]{64}$/);
      assert.ok((await read(await store.get('p/s/a.bin'))).equals(data));
      assert.equal(await store.exists('p/s/a.bin'), true);
    });

    test('over maxBytes: rejected and nothing left under the key', async () => {
      await assert.rejects(store.put('p/s/big.bin', Readable.from([Buffer.alloc(1000), Buffer.alloc(1000)]), { maxBytes: 1500 }), BlobTooLargeError);
      assert.equal(await store.exists('p/s/big.bin'), false);
    });

    test('a failed overwrite keeps the previous blob whole', async () => {
      await store.put('p/s/keep.bin', Buffer.from('old'));
      async function* failing() {
        yield Buffer.from('new partial');
        throw new Error('connection reset');
      }
      await assert.rejects(store.put('p/s/keep.bin', failing()));
      assert.equal((await read(await store.get('p/s/keep.bin'))).toString(), 'old');
    });

    test('delete, deletePrefix, missing keys, unsafe keys', async () => {
      await store.put('p/s2/x', Buffer.from('1'));
      await store.put('p/s2/y/z', Buffer.from('2'));
      assert.equal(await store.deletePrefix('p/s2/'), 2);
      assert.equal(await store.exists('p/s2/x'), false);
      await store.delete('p/s2/none');
      await assert.rejects(store.get('p/missing'), BlobNotFoundError);
      await assert.rejects(store.put('../escape', Buffer.from('x')));
    });
  });
}
