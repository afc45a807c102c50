import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import type { BlobStore } from './blob-port.ts';
import { createDiskBlobStore } from './disk-blobs.ts';
import { createS3BlobStore, parseS3Url, s3ClientFrom } from './s3-blobs.ts';

/** The blob adapter the configuration names: local files by default, an object store with BLOB_URL=s3://… */
export function blobStoreFor(config: Config, onIntegrityFailure: (key: string, reason: string) => void): BlobStore {
  const encryptionKey = config.BLOB_ENCRYPTION_KEY ? Buffer.from(config.BLOB_ENCRYPTION_KEY, 'hex') : undefined;
  if (!config.BLOB_URL) return createDiskBlobStore(join(config.DATA_DIR, 'blobs'), { encryptionKey, onIntegrityFailure });
  const { bucket, prefix } = parseS3Url(config.BLOB_URL);
  const client = s3ClientFrom({
    url: config.BLOB_URL,
    endpoint: config.S3_ENDPOINT,
    region: config.S3_REGION,
    accessKeyId: config.S3_ACCESS_KEY_ID,
    secretAccessKey: config.S3_SECRET_ACCESS_KEY,
    forcePathStyle: config.S3_FORCE_PATH_STYLE,
  });
  return createS3BlobStore({ client, bucket, prefix, encryptionKey, sse: config.S3_SSE, kmsKeyId: config.S3_SSE_KMS_KEY_ID, onIntegrityFailure });
}
