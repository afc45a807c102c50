import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { extractFrames } from '../../../src/engines/media/ffmpeg.ts';
import { decodeFrames, parsePpm, streamFrames } from '../../../src/engines/media/frames.ts';

const run = promisify(execFile);
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };

/** Runs `fn` in a fresh temporary directory, removed afterwards whatever happens. */
async function inScratch(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-frames-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const ppm = (w: number, h: number, fill: number) => Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, fill)]);

test('parsePpm reads a P6 frame as a view of the file and refuses anything else', () => {
  const img = parsePpm(Buffer.concat([ppm(4, 2, 7), Buffer.from('trailing')]));
  assert.deepEqual([img.width, img.height, img.data.length, img.data[0], img.data[23]], [4, 2, 24, 7, 7]);
  assert.throws(() => parsePpm(ppm(4, 2, 1).subarray(0, 20)), /incomplete/);
  assert.throws(() => parsePpm(Buffer.from('GIF89a'.repeat(10))), /not a PPM/);
  assert.throws(() => parsePpm(Buffer.from('P6\n4 2\n65535\n')), /unexpected frame format/);
});

test('decodeFrames keeps the selected frames in memory, scaled like the JPEG path', () => inScratch(async (dir) => {
  // 3 s of 800×600 at 30 fps: frames come out scaled to 640×480.
  const src = join(dir, 'in.mp4');
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=800x600:rate=30', '-t', '3', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', src]);
  const thumbs = join(dir, 'thumbs.gray');
  const frames = await decodeFrames(tools, src, { dir: join(dir, 'ppm'), fps: 10, keep: (i) => i % 3 === 0, thumbs: { file: thumbs, width: 64, height: 48, fps: 30 } });
  assert.equal(frames.length, 30);
  assert.deepEqual(frames.flatMap((f, i) => (f.image ? [i] : [])), [0, 3, 6, 9, 12, 15, 18, 21, 24, 27]);
  assert.ok(frames.every((f, i) => Math.abs(f.t - i / 10) < 1e-9));
  const img = frames[0]!.image!;
  // Same geometry as the JPEG frames of extractFrames (the path bench/loop-scan.ts still uses).
  const jpegDir = join(dir, 'jpeg');
  await run('mkdir', [jpegDir]);
  const jpegs = await extractFrames(tools, src, jpegDir, { fps: 10 });
  const meta = await (await import('sharp')).default(await readFile(jpegs[0]!.path)).metadata();
  assert.deepEqual([img.width, img.height], [meta.width, meta.height]);
  assert.deepEqual([img.width, img.height], [640, 480]);
  assert.equal(img.data.length, 640 * 480 * 3);
  assert.equal((await readFile(thumbs)).length, 90 * 64 * 48, 'a thumbnail of every frame at 30 fps');
}));

test('streamFrames hands out the kept frames in order while ffmpeg runs, and counts every sampled frame', () => inScratch(async (dir) => {
  const src = join(dir, 'in.webm');
  await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30', '-t', '4', '-c:v', 'libvpx', '-deadline', 'realtime', src]);
  const out = join(dir, 'ppm');
  const stream = streamFrames(tools, src, { dir: out, fps: 10, keep: (i, t) => i % 4 === 0 || (t >= 2 && t < 2.3) });
  const got: Array<[number, number]> = [];
  for await (const f of stream.frames) {
    assert.deepEqual([f.image.width, f.image.height, f.image.data.length], [320, 240, 320 * 240 * 3]);
    got.push([f.index, f.t]);
  }
  assert.deepEqual(got.map(([i]) => i), [0, 4, 8, 12, 16, 20, 21, 22, 24, 28, 32, 36]);
  assert.ok(got.every(([i, t]) => Math.abs(t - i / 10) < 1e-9));
  assert.equal(await stream.done, 40);
  assert.deepEqual(await readdir(out), [], 'every frame file is removed once looked at');
}));

test('streamFrames fails the consumer and `done` when ffmpeg cannot read the file', () => inScratch(async (dir) => {
  const src = join(dir, 'in.webm');
  await run('sh', ['-c', `head -c 5000 /dev/urandom > ${src}`]);
  const stream = streamFrames(tools, src, { dir: join(dir, 'ppm'), fps: 10 });
  await assert.rejects(async () => { for await (const _ of stream.frames) { /* none */ } }, /./);
  await assert.rejects(stream.done);
}));
