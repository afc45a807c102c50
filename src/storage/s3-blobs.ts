import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  S3Client,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { assertBlobKey, BlobIntegrityError, BlobNotFoundError, type BlobStore, metered, type PutResult } from './blob-port.ts';
import { decryptRecords, encryptRecords } from './blob-crypto.ts';

// Blobs in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, R2, …) for deployments with
// more than one node. Puts stream through lib-storage's Upload: one PUT for small blobs, a
// multipart upload for large media (parts of PART_SIZE, QUEUE_SIZE in flight), aborted on any
// error, so an object appears whole or not at all and a failed overwrite keeps the old one (S3
// makes a completed PUT or multipart upload visible atomically).
//
// Encryption at rest, either or both:
// - client side (BLOB_ENCRYPTION_KEY): the same "VKE2" records as the disk store, so the object
//   store never holds a readable face, and every record is verified before a byte is emitted;
// - server side (S3_SSE = AES256 | aws:kms [+ S3_SSE_KMS_KEY_ID]): the store encrypts; vkyc trusts it.

/** lib-storage's minimum part is 5 MiB; 8 MiB keeps a 200 MB video at 25 parts. */
const PART_SIZE = 8 * 1024 * 1024;
/** Parts in flight per put: bounds memory per upload at QUEUE_SIZE × PART_SIZE. */
const QUEUE_SIZE = 2;
/** DeleteObjects takes at most 1000 keys a request. */
const DELETE_BATCH = 1000;
/** deletePrefix gives up (and the erase job retries) when objects survive this many list+delete rounds. */
const DELETE_ROUNDS = 50;

export interface S3BlobOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix inside the bucket ('' or 'vkyc/…', no leading slash). */
  prefix?: string;
  encryptionKey?: Buffer;
  sse?: ServerSideEncryption;
  kmsKeyId?: string;
  onIntegrityFailure?: (key: string, reason: string) => void;
  /** Keys per list page and per DeleteObjects request (S3's maximum, 1000, by default). */
  pageSize?: number;
}

/** `s3://bucket/prefix` → bucket and prefix (normalised to '' or 'a/b/'). */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/.exec(url);
  if (!m) throw new Error(`BLOB_URL must look like s3://bucket or s3://bucket/prefix (got ${url})`);
  const prefix = (m[2] ?? '').replace(/^\/+|\/+$/g, '');
  if (prefix && (prefix.includes('..') || !/^[A-Za-z0-9_\-./]+$/.test(prefix))) throw new Error(`BLOB_URL prefix has unsafe characters: ${prefix}`);
  return { bucket: m[1]!, prefix: prefix ? `${prefix}/` : '' };
}

const statusOf = (e: unknown) => (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode ?? 0;

const isMissing = (e: unknown) =>
  e instanceof NoSuchKey || e instanceof NotFound || (e as { name?: string })?.name === 'NoSuchKey' || (e as { name?: string })?.name === 'NotFound' || statusOf(e) === 404;

export function createS3BlobStore(o: S3BlobOptions): BlobStore {
  const { client, bucket } = o;
  const prefix = o.prefix ?? '';
  const objectKey = (k: string) => prefix + assertBlobKey(k);
  const sse = o.sse ? { ServerSideEncryption: o.sse, ...(o.kmsKeyId ? { SSEKMSKeyId: o.kmsKeyId } : {}) } : {};

  const getObject = async (k: string, ifMatch?: string) => {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey(k), ...(ifMatch ? { IfMatch: ifMatch } : {}) }));
      return { body: r.Body as Readable, size: r.ContentLength ?? 0, etag: r.ETag };
    } catch (e) {
      if (isMissing(e)) throw new BlobNotFoundError(k);
      throw e;
    }
  };

  /** Verified plaintext of an encrypted object; integrity failures are reported, never bytes. */
  const decrypted = (k: string, body: Readable, size: number) => {
    const key = o.encryptionKey!;
    async function* verified() {
      try {
        yield* decryptRecords(key, size, k)(body);
      } catch (e) {
        if (e instanceof BlobIntegrityError) o.onIntegrityFailure?.(k, e.message);
        throw e;
      } finally {
        body.destroy();
      }
    }
    return verified();
  };

  const deleteMany = async (keys: string[], p: string) => {
    const r = await client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }));
    if (r.Errors?.length) throw new Error(`S3 delete failed for ${r.Errors.length} of ${keys.length} objects under ${p}`);
  };

  const presign = async (k: string, { expiresInSeconds, contentType }: { expiresInSeconds: number; contentType: string }) =>
    getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: objectKey(k), ResponseContentType: contentType, ResponseCacheControl: 'private, no-store' }), { expiresIn: expiresInSeconds });

  return {
    // Only plaintext objects can be served by the store itself.
    ...(o.encryptionKey ? {} : { presign }),

    async put(k, source, { maxBytes } = {}): Promise<PutResult> {
      const Key = objectKey(k);
      const m = metered(source, maxBytes);
      const body = Readable.from(o.encryptionKey ? encryptRecords(o.encryptionKey)(m.chunks) : m.chunks);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key, Body: body, ContentType: 'application/octet-stream', ...sse },
        partSize: PART_SIZE,
        queueSize: QUEUE_SIZE,
        leavePartsOnError: false,
      });
      try {
        await upload.done();
      } catch (e) {
        body.destroy();
        // The meter's own error (too large) says more than lib-storage's wrapper of it.
        throw (e as { cause?: unknown })?.cause instanceof Error && (e as { cause: Error }).cause.name === 'BlobTooLargeError' ? (e as { cause: Error }).cause : e;
      }
      return m.result();
    },

    async get(k, { verifyAll = false } = {}) {
      const first = await getObject(k);
      if (!o.encryptionKey) return first.body;
      if (!verifyAll) {
        const it = decrypted(k, first.body, first.size);
        // Verify the first record before returning, as the disk store does: a caller that
        // answers 200 then fails mid-stream is worse than an error up front.
        const head = await it.next();
        return Readable.from((async function* () {
          if (!head.done) yield head.value;
          yield* it;
        })());
      }
      // verifyAll: one full pass to nowhere, then a second GET pinned to the same version (If-Match),
      // so what is streamed is what was verified.
      for await (const _ of decrypted(k, first.body, first.size)) void _;
      const again = await getObject(k, first.etag);
      return Readable.from(decrypted(k, again.body, again.size));
    },

    async exists(k) {
      try {
        await client.send(new HeadObjectCommand({ Bucket: bucket, Key: objectKey(k) }));
        return true;
      } catch (e) {
        if (isMissing(e)) return false;
        throw e;
      }
    },

    async delete(k) {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: objectKey(k) }));
    },

    async deletePrefix(p) {
      const Prefix = prefix + assertBlobKey(p);
      // List the first page and delete it, until nothing is left: no continuation token to keep
      // valid while the listing shrinks.
      const removed = new Set<string>();
      for (let round = 0; round < DELETE_ROUNDS; round++) {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix, MaxKeys: o.pageSize ?? DELETE_BATCH }));
        const keys = (page.Contents ?? []).map((c) => c.Key!).filter(Boolean);
        if (!keys.length) return removed.size;
        for (const k of keys) removed.add(k);
        await deleteMany(keys, p);
      }
      throw new Error(`objects under ${p} are still listed after ${DELETE_ROUNDS} delete rounds`);
    },
  };
}

export interface S3Settings {
  url: string;
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
}

/**
 * An S3 client from settings. Without explicit keys the SDK's default chain applies (env,
 * instance role…). A custom endpoint (MinIO, RGW…) uses path-style addressing unless told otherwise.
 */
export function s3ClientFrom(s: S3Settings): S3Client {
  return new S3Client({
    region: s.region ?? 'us-east-1',
    ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    forcePathStyle: s.forcePathStyle ?? Boolean(s.endpoint),
    ...(s.accessKeyId && s.secretAccessKey ? { credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } } : {}),
  });
}
