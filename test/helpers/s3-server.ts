import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { s3ClientFrom } from '../../src/storage/s3-blobs.ts';

// A real S3-compatible server for tests: s3rver (an S3 implementation over the local file system:
// SigV4 checks, multipart uploads, multi-object delete) in its own process on a free loopback port,
// as a deployment would run MinIO or Ceph RGW beside vkyc.

export interface S3Server { endpoint: string; accessKeyId: string; secretAccessKey: string; stop(): Promise<void> }

const bin = join(dirname(createRequire(import.meta.url).resolve('s3rver/package.json')), 'bin', 's3rver.js');

export async function startS3Server(): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-s3-'));
  // s3rver seals list continuation tokens with a cipher OpenSSL 3 keeps in its legacy provider.
  const child = spawn(process.execPath, ['--openssl-legacy-provider', bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '--no-vhost-buckets'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start: ${out}`)), 15_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      const m = /listening on ([\d.]+):(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://${m[1]}:${m[2]}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code}): ${out}`)));
  });
  child.stdout.removeAllListeners('data').resume();
  child.stderr.resume();
  return {
    endpoint,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export async function createBucket(s: S3Server, bucket: string) {
  const client = s3ClientFrom({ url: `s3://${bucket}`, endpoint: s.endpoint, accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey });
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  client.destroy();
}
