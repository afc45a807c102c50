import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { s3ClientFrom } from '../../src/storage/s3-blobs.ts';
import { newCaptureSession } from '../helpers/capture-session.ts';
import { testPatternVideo } from '../helpers/media.ts';
import { makeTwoNodes, type TestRuntime } from '../helpers/runtime.ts';
import { createBucket, type S3Server, startS3Server } from '../helpers/s3-server.ts';

// Two API nodes share one PostgreSQL database and one S3-compatible bucket (a real server, s3rver,
// in its own process): a resumable upload started on one node is finished on the other, the media
// link one node signs is answered by the other with a redirect to a presigned object URL, and an
// erase on either node leaves no object of the session in the bucket.

let s3: S3Server;
let a: TestRuntime;
let b: TestRuntime;
let nodes: Awaited<ReturnType<typeof makeTwoNodes>> | undefined;
const bucket = `vkyc-${randomBytes(4).toString('hex')}`;

before(async () => {
  s3 = await startS3Server();
  await createBucket(s3, bucket);
  const env = {
    BLOB_URL: `s3://${bucket}/media`, S3_ENDPOINT: s3.endpoint, S3_ACCESS_KEY_ID: s3.accessKeyId, S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_SSE: 'AES256', MEDIA_DELIVERY: 'presigned',
  };
  nodes = await makeTwoNodes(env);
  ({ a, b } = nodes);
});
after(async () => {
  await nodes?.cleanup();
  await s3?.stop();
});

/** The capture API of `rt` with a capture token another node issued. */
const captureOn = (rt: TestRuntime, token: string) => (method: string, path: string, body?: Uint8Array | object, headers: Record<string, string> = {}) =>
  Promise.resolve(rt.app.request(`/v1/capture${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
  }));

async function objectsUnder(prefix: string) {
  const client = s3ClientFrom({ url: `s3://${bucket}`, endpoint: s3.endpoint, accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey });
  const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  client.destroy();
  return (r.Contents ?? []).map((c) => c.Key!);
}

test('a resumable upload begun on node A is finished on node B; B serves A\'s media link from the bucket; erase leaves nothing', async () => {
  const video = await readFile(await testPatternVideo(3, 'webm'));
  const { id, token, cap: onA } = await newCaptureSession(a, { steps: ['video'] });
  const onB = captureOn(b, token);

  const start = await (await onA('POST', '/video/uploads', { size: video.length, content_type: 'video/webm' })).json();
  const half = Math.floor(video.length / 2);
  assert.equal((await onA('PATCH', `/video/uploads/${start.upload_id}`, new Uint8Array(video.subarray(0, half)), { 'upload-offset': '0' })).status, 200);
  // The chunk is in the bucket, not on A's disk.
  assert.equal((await objectsUnder(`media/projects/${a.projectId}/sessions/${id}/uploads/${start.upload_id}/`)).length, 1);
  const head = await onB('HEAD', `/video/uploads/${start.upload_id}`);
  assert.equal(head.headers.get('upload-offset'), String(half), 'node B knows how much node A received');
  // A chunk sent to B for a stale offset is refused with the offset to resume from.
  const stale = await onB('PATCH', `/video/uploads/${start.upload_id}`, new Uint8Array(video.subarray(0, 10)), { 'upload-offset': '0' });
  assert.equal(stale.status, 409);
  const done = await (await onB('PATCH', `/video/uploads/${start.upload_id}`, new Uint8Array(video.subarray(half)), { 'upload-offset': String(half) })).json();
  assert.equal(done.complete, true);
  assert.ok(Math.abs(done.artifact.duration_seconds - 3) < 0.3);
  assert.deepEqual(await objectsUnder(`media/projects/${a.projectId}/sessions/${id}/`), [`media/projects/${a.projectId}/sessions/${id}/video`], 'chunks removed, the video stored');

  const view = await (await a.req('GET', `/v1/sessions/${id}`)).json();
  const link = new URL(view.artifacts.find((x: { kind: string }) => x.kind === 'video').url);
  const res = await b.app.request(link.pathname + link.search);
  assert.equal(res.status, 302);
  const presigned = new URL(res.headers.get('location')!);
  assert.equal(presigned.origin, new URL(s3.endpoint).origin);
  assert.ok(Number(presigned.searchParams.get('X-Amz-Expires')) <= 60, 'the store URL lives a minute at most');
  const fetched = await fetch(presigned);
  assert.equal(fetched.status, 200);
  assert.ok(Buffer.from(await fetched.arrayBuffer()).equals(video), 'the bucket serves the stored video byte for byte');
  // A tampered vkyc link is still refused before any redirect.
  const tampered = new URL(link);
  tampered.searchParams.set('exp', String(Number(tampered.searchParams.get('exp')) + 1));
  assert.equal((await b.app.request(tampered.pathname + tampered.search)).status, 403);

  assert.equal((await b.req('DELETE', `/v1/sessions/${id}`)).status, 200);
  assert.deepEqual(await objectsUnder(`media/projects/${a.projectId}/sessions/${id}/`), []);
});
