import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { extractFrames } from '../../../src/engines/media/ffmpeg.ts';
import { decodeFrames, PpmSplitter } from '../../../src/engines/media/frames.ts';

const run = promisify(execFile);
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };

const ppm = (w: number, h: number, fill: number) => Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`), Buffer.alloc(w * h * 3, fill)]);

test('the PPM splitter cuts frames at any chunk boundary and copies only the kept ones', () => {
  const stream = Buffer.concat([ppm(4, 2, 1), ppm(4, 2, 2), ppm(3, 3, 3)]);
  for (const size of [1, 5, 17, stream.length]) {
    const got: Array<[number, number | null]> = [];
    const s = new PpmSplitter((i) => i !== 1, (i, img) => got.push([i, img ? img.data[0]! * 100 + img.width * 10 + img.height : null]));
    for (let p = 0; p < stream.length; p += size) s.push(stream.subarray(p, p + size));
    assert.deepEqual(got, [[0, 142], [1, null], [2, 333]], `chunks of ${size}`);
    assert.ok(s.complete);
  }
  const cut = new PpmSplitter(() => true, () => undefined);
  cut.push(ppm(4, 2, 1).subarray(0, 20));
  assert.equal(cut.complete, false, 'a stream that stops inside a frame is incomplete');
  assert.throws(() => new PpmSplitter(() => true, () => undefined).push(Buffer.from('GIF89a'.repeat(10))), /not a PPM/);
});

test('decodeFrames keeps the selected frames in memory, scaled like the JPEG path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vkyc-frames-'));
  try {
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
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
