import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { BlobIntegrityError, readBlob } from '../../src/storage/blob-port.ts';
import { createS3BlobStore, parseS3Url, s3ClientFrom } from '../../src/storage/s3-blobs.ts';
import { createBucket, type S3Server, startS3Server } from '../helpers/s3-server.ts';
import { blobContract } from './blobs.contract.ts';

// The BlobStore contract against a real S3-compatible server (s3rver in its own process), plain and
// with client-side encryption; then what only an object store can get wrong: multipart uploads,
// prefixes, and objects altered behind vkyc's back.

let server: S3Server;
before(async () => {
  server = await startS3Server();
});
after(async () => server.stop());

const clientOf = () => s3ClientFrom({ url: 's3://vkyc', endpoint: server.endpoint, accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });

async function s3Store(encrypted: boolean, prefix = 'tenant-a/', pageSize?: number) {
  const bucket = `vkyc-${randomBytes(4).toString('hex')}`;
  await createBucket(server, bucket);
  const client = clientOf();
  const store = createS3BlobStore({ client, bucket, prefix, pageSize, ...(encrypted ? { encryptionKey: randomBytes(32) } : {}) });
  return { store, client, bucket, cleanup: async () => client.destroy() };
}

blobContract('s3', () => s3Store(false));
blobContract('s3+aes-256-gcm', () => s3Store(true));

test('BLOB_URL parsing: bucket and normalised prefix; bad URLs are refused', () => {
  assert.deepEqual(parseS3Url('s3://media-bucket'), { bucket: 'media-bucket', prefix: '' });
  assert.deepEqual(parseS3Url('s3://media-bucket/vkyc/prod/'), { bucket: 'media-bucket', prefix: 'vkyc/prod/' });
  assert.throws(() => parseS3Url('http://media-bucket/x'), /s3:\/\/bucket/);
  assert.throws(() => parseS3Url('s3://media-bucket/../x'), /unsafe/);
});

test('a blob larger than a part goes up as a multipart upload and comes back byte for byte (encrypted)', async () => {
  const { store, client, bucket, cleanup } = await s3Store(true);
  const data = randomBytes(19 * 1024 * 1024 + 123);
  async function* chunks() {
    for (let i = 0; i < data.length; i += 1 << 20) yield data.subarray(i, i + (1 << 20));
  }
  const r = await store.put('p/s/video.webm', chunks());
  assert.equal(r.bytes, data.length);
  assert.ok((await readBlob(store, 'p/s/video.webm')).equals(data));
  // The object store holds ciphertext only, under the configured prefix.
  const raw = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'tenant-a/p/s/video.webm' }));
  const stored = Buffer.from(await raw.Body!.transformToByteArray());
  assert.equal(stored.subarray(0, 4).toString(), 'VKE2');
  assert.equal(stored.indexOf(data.subarray(1000, 1064)), -1);
  await cleanup();
});

test('an object altered in the bucket is refused before any byte (verifyAll) and reported', async () => {
  const bucket = `vkyc-${randomBytes(4).toString('hex')}`;
  await createBucket(server, bucket);
  const client = clientOf();
  const failures: string[] = [];
  const store = createS3BlobStore({ client, bucket, encryptionKey: randomBytes(32), onIntegrityFailure: (k) => failures.push(k) });
  const data = randomBytes(300_000);
  await store.put('p/s/selfie.jpg', data);
  const raw = Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'p/s/selfie.jpg' }))).Body!.transformToByteArray());
  raw[raw.length - 100]! ^= 1; // a flipped bit in the last record
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'p/s/selfie.jpg', Body: raw }));
  await assert.rejects(store.get('p/s/selfie.jpg', { verifyAll: true }), BlobIntegrityError);
  // Streaming without verifyAll yields the verified records, then fails at the altered one.
  const got: Buffer[] = [];
  await assert.rejects(async () => {
    for await (const c of await store.get('p/s/selfie.jpg')) got.push(c as Buffer);
  }, BlobIntegrityError);
  assert.ok(Buffer.concat(got).equals(data.subarray(0, Buffer.concat(got).length)));
  assert.ok(Buffer.concat(got).length < data.length);
  // Cut at a record boundary: truncation is caught too.
  await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'p/s/cut.jpg', Body: raw.subarray(0, 16 + 65536 + 16) }));
  await assert.rejects(readBlob(store, 'p/s/cut.jpg'), BlobIntegrityError);
  assert.deepEqual([...new Set(failures)].sort(), ['p/s/cut.jpg', 'p/s/selfie.jpg']);
  client.destroy();
});

test('deletePrefix removes every object of a session across list pages, and only under the store prefix', async () => {
  // Pages of 100, so that 250 objects take three list+delete rounds.
  const { store, client, bucket, cleanup } = await s3Store(false, 'a/', 100);
  const other = createS3BlobStore({ client, bucket, prefix: 'b/' });
  await other.put('p/s1/keep', Buffer.from('other tenant prefix'));
  for (let i = 0; i < 250; i += 50) await Promise.all(Array.from({ length: 50 }, (_, j) => store.put(`p/s1/f${i + j}`, Buffer.from(String(i + j)))));
  await store.put('p/s10/keep', Buffer.from('a different session'));
  assert.equal(await store.deletePrefix('p/s1/'), 250);
  const left = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  assert.deepEqual((left.Contents ?? []).map((c) => c.Key).sort(), ['a/p/s10/keep', 'b/p/s1/keep']);
  await cleanup();
});
