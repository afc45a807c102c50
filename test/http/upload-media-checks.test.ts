import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { makeRuntime, type TestRuntime } from '../helpers/runtime.ts';

// The upload looks at the streams, not the container's claims: a patched codec tag probes fine
// but decodes nowhere (refused as media_unreadable), and a WebM whose Duration element lies is
// measured by decoding and refused as video_too_long, quickly, without decoding all of it.

const run = promisify(execFile);
let rt: TestRuntime;
let dir: string;
before(async () => {
  rt = await makeRuntime();
  dir = await mkdtemp(join(tmpdir(), 'vkyc-media-checks-'));
});
after(async () => {
  await rt.cleanup();
  await rm(dir, { recursive: true, force: true });
});

async function capture(profile: Record<string, unknown>) {
  const s = await (await rt.req('POST', '/v1/sessions', { profile })).json();
  const token = new URL(s.capture_url).pathname.split('/').pop()!;
  return (body: Uint8Array) => Promise.resolve(rt.app.request('/v1/capture/video', { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> }));
}

async function make(name: string, args: string[]): Promise<Buffer> {
  const out = join(dir, name);
  await run('ffmpeg', ['-y', '-v', 'error', ...args, out]);
  return readFile(out);
}

test('an MP4 whose video codec tag is patched is refused at upload with media_unreadable', async () => {
  const mp4 = await make('ok.mp4', ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=15:duration=3', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=3',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest']);
  // The sample entry's fourcc in stsd (the first "avc1" after the ftyp brands) names the decoder.
  const at = mp4.indexOf('avc1', 64);
  assert.ok(at > 0);
  const patched = Buffer.from(mp4);
  patched.write('xxxx', at, 'latin1');

  const put = await capture({ steps: ['video'] });
  const good = await put(new Uint8Array(mp4));
  assert.equal(good.status, 200, 'the unpatched file is accepted');
  const res = await (await capture({ steps: ['video'] }))(new Uint8Array(patched));
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.error.code, 'media_unreadable');
  assert.ok(!JSON.stringify(body).includes(rt.dataDir), 'no scratch path in the message');
});

test('a 90 s WebM whose Duration element says 10 s is refused as video_too_long against a 30 s maximum, quickly', async () => {
  const webm = await make('long.webm', ['-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=5:duration=90', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=90:sample_rate=8000',
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '20k', '-c:a', 'libopus', '-b:a', '8k', '-shortest']);
  // EBML Duration: ID 0x4489, size 0x88, an 8-byte float in TimecodeScale units (1 ms).
  const at = webm.indexOf(Buffer.from([0x44, 0x89, 0x88]));
  assert.ok(at > 0);
  assert.ok(Math.abs(webm.readDoubleBE(at + 3) - 90_000) < 100);
  const lying = Buffer.from(webm);
  lying.writeDoubleBE(10_000, at + 3);

  const t0 = performance.now();
  const res = await (await capture({ steps: ['video'], video_max_duration: 30 }))(new Uint8Array(lying));
  const ms = performance.now() - t0;
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.code, 'video_too_long');
  // Decoding stops at 36 s of media (~0.6 s idle); 15 s leaves room for a loaded 2-core machine.
  assert.ok(ms < 15_000, `refused in ${Math.round(ms)} ms`);
});

test('a short honest video is accepted and reports its decoded length', async () => {
  const webm = await make('short.webm', ['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=4',
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-c:a', 'libopus', '-shortest']);
  const res = await (await capture({ steps: ['video'], video_max_duration: 30 }))(new Uint8Array(webm));
  assert.equal(res.status, 200);
  const { artifact } = await res.json();
  assert.ok(Math.abs(artifact.duration_seconds - 4) < 0.3, `duration ${artifact.duration_seconds}`);
});
