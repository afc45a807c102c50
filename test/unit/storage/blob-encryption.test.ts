import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { BlobIntegrityError } from '../../../src/storage/blob-port.ts';
import { HEADER, RECORD, TAG } from '../../../src/storage/blob-crypto.ts';
import { createDiskBlobStore } from '../../../src/storage/disk-blobs.ts';

// Chunked authenticated encryption at rest: a blob altered on disk never yields a byte of the
// altered record, whatever was changed (a byte, the length, the order of records).

let dir: string;
const key = randomBytes(32);
const failures: string[] = [];
const store = () => createDiskBlobStore(dir, { encryptionKey: key, onIntegrityFailure: (k) => failures.push(k) });
before(async () => { dir = await mkdtemp(join(tmpdir(), 'vkyc-blobenc-')); });
after(async () => rm(dir, { recursive: true, force: true }));

/** Reads a stream, returning the bytes received before an error (and the error). */
async function drain(s: Readable): Promise<{ bytes: Buffer; error: unknown }> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of s) chunks.push(Buffer.from(c));
    return { bytes: Buffer.concat(chunks), error: null };
  } catch (e) {
    return { bytes: Buffer.concat(chunks), error: e };
  }
}

// 3 records: two full 64 KiB ones and a 1000-byte final one; every byte distinct per record.
const plain = Buffer.concat([Buffer.alloc(RECORD, 0x11), Buffer.alloc(RECORD, 0x22), Buffer.alloc(1000, 0x33)]);
const recSpan = RECORD + TAG;

test('round trip over several records, and the file is 0600 without the plaintext', async () => {
  await store().put('a/three', plain);
  const { bytes, error } = await drain(await store().get('a/three'));
  assert.equal(error, null);
  assert.ok(bytes.equals(plain));
  const onDisk = await readFile(join(dir, 'a/three'));
  assert.equal(onDisk.length, HEADER + 3 * TAG + plain.length);
  assert.equal(onDisk.indexOf(Buffer.alloc(64, 0x22)), -1);
  assert.equal((await stat(join(dir, 'a/three'))).mode & 0o777, 0o600);
  assert.equal((await stat(join(dir, 'a'))).mode & 0o777, 0o700);
});

test('empty and exact-multiple blobs round trip', async () => {
  await store().put('a/empty', Buffer.alloc(0));
  assert.equal((await drain(await store().get('a/empty'))).bytes.length, 0);
  const two = plain.subarray(0, 2 * RECORD);
  await store().put('a/two', two);
  assert.ok((await drain(await store().get('a/two'))).bytes.equals(two));
});

test('one flipped byte in the first record: get fails before any plaintext', async () => {
  await store().put('t/flip0', plain);
  const f = join(dir, 't/flip0');
  const raw = await readFile(f);
  raw[HEADER + 10] = (raw[HEADER + 10] ?? 0) ^ 1;
  await writeFile(f, raw);
  failures.length = 0;
  await assert.rejects(store().get('t/flip0'), BlobIntegrityError);
  assert.deepEqual(failures, ['t/flip0']);
});

test('one flipped byte in a later record: only the verified records before it are read', async () => {
  await store().put('t/flip1', plain);
  const f = join(dir, 't/flip1');
  const raw = await readFile(f);
  raw[HEADER + recSpan + 5] = (raw[HEADER + recSpan + 5] ?? 0) ^ 0x80;
  await writeFile(f, raw);
  const { bytes, error } = await drain(await store().get('t/flip1'));
  assert.ok(error instanceof BlobIntegrityError);
  assert.ok(bytes.equals(plain.subarray(0, RECORD)), 'nothing of the altered record was emitted');
  await assert.rejects(store().get('t/flip1', { verifyAll: true }), BlobIntegrityError, 'verifyAll refuses before any byte');
});

test('truncation at a record boundary and inside a record: error', async () => {
  await store().put('t/cut', plain);
  const f = join(dir, 't/cut');
  const raw = await readFile(f);
  await writeFile(f, raw.subarray(0, HEADER + 2 * recSpan)); // drops the final record exactly
  const r1 = await drain(await store().get('t/cut'));
  assert.ok(r1.error instanceof BlobIntegrityError, 'the new last record was not sealed as final');
  assert.ok(r1.bytes.equals(plain.subarray(0, RECORD)));
  await writeFile(f, raw.subarray(0, HEADER + 7)); // shorter than one tag
  await assert.rejects(store().get('t/cut'), BlobIntegrityError);
});

test('reordered records: error', async () => {
  await store().put('t/swap', plain);
  const f = join(dir, 't/swap');
  const raw = await readFile(f);
  const r0 = raw.subarray(HEADER, HEADER + recSpan);
  const r1 = raw.subarray(HEADER + recSpan, HEADER + 2 * recSpan);
  await writeFile(f, Buffer.concat([raw.subarray(0, HEADER), r1, r0, raw.subarray(HEADER + 2 * recSpan)]));
  await assert.rejects(store().get('t/swap'), BlobIntegrityError);
});

/** The earlier single-tag format, written as the previous version of disk-blobs.ts did. */
function v1(data: Buffer): Buffer {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([c.update(data), c.final()]);
  return Buffer.concat([Buffer.from('VKE1'), iv, body, c.getAuthTag()]);
}

test('blobs in the old format are still read; a tampered old blob is refused before any byte', async () => {
  const data = Buffer.alloc(200_000, 0x44);
  await writeFile(join(dir, 'old'), v1(data));
  assert.ok((await drain(await store().get('old'))).bytes.equals(data));
  const bad = v1(data);
  bad[HEADER + 100] = (bad[HEADER + 100] ?? 0) ^ 1;
  await writeFile(join(dir, 'old-bad'), bad);
  await assert.rejects(store().get('old-bad'), BlobIntegrityError);
});
