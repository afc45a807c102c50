import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { type BadMedia, makeBadMedia } from '../../../bench/reliability/bad-media.ts';
import { rawRequest } from '../../../bench/reliability/http.ts';
import { flip } from '../../../bench/reliability/tampering.ts';

// The reliability suite's own tools: its corrupt media is corrupt in the way each case claims, and
// its raw client really sends lying and streamed bodies, stops when the server answers early, and
// reports a server that never answers as a timeout.

const run = promisify(execFile);

describe('reliability suite media', () => {
  let dir: string;
  let m: BadMedia;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vkyc-rel-test-'));
    m = await makeBadMedia(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const probe = async (name: string, b: Buffer, entries: string) => {
    const f = join(dir, name);
    await writeFile(f, b);
    return (await run('ffprobe', ['-v', 'error', '-show_entries', entries, '-of', 'csv=p=0', f])).stdout.trim();
  };

  test('the patched MP4 probes as a 320×240 video stream but no frame decodes', async () => {
    assert.equal(await probe('p.mp4', m.patchedMp4, 'stream=width,height'), '320,240');
    await assert.rejects(run('ffmpeg', ['-v', 'error', '-i', join(dir, 'p.mp4'), '-frames:v', '1', '-f', 'null', '-']));
  });

  test('the lying WebM says 5 s in its header and holds 60 s of frames', async () => {
    assert.equal(Number(await probe('l.webm', m.lyingWebm, 'format=duration')), 5);
    const packets = await run('ffprobe', ['-v', 'error', '-count_packets', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', join(dir, 'l.webm')]);
    assert.equal(Number(packets.stdout.trim()), m.lyingWebmRealSeconds * 5); // 5 fps
  });

  test('the PNG bomb claims 60000×60000 and the PNG over garbage does not decode', async () => {
    const meta = await sharp(m.hugePng, { limitInputPixels: false }).metadata();
    assert.deepEqual([meta.width, meta.height], [60_000, 60_000]);
    await assert.rejects(sharp(m.pngOverGarbage).raw().toBuffer());
    await assert.rejects(sharp(m.truncatedJpeg, { failOn: 'truncated' }).raw().toBuffer());
  });

  test('flip changes exactly one character', () => {
    const t = 'abcdefgh';
    const f = flip(t);
    assert.equal(f.length, t.length);
    assert.equal([...t].filter((c, i) => c !== f[i]).length, 1);
  });
});

describe('reliability suite raw client', () => {
  let base: string;
  let seen: Array<{ bytes: number; te?: string; cl?: string }> = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    const entry: { bytes: number; te?: string; cl?: string } = { bytes: 0, te: req.headers['transfer-encoding'], cl: req.headers['content-length'] };
    seen.push(entry);
    if (req.url === '/never') return; // never answers
    req.on('data', (c: Buffer) => {
      bytes += c.length;
      entry.bytes = bytes;
      // A limit that works: answer 413 after 1 MB and stop reading.
      if (req.url === '/limit' && bytes > 1024 * 1024 && !res.headersSent) {
        res.writeHead(413, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify({ error: { code: 'payload_too_large' } }));
        req.pause();
      }
    });
    req.on('end', () => {
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ bytes }));
    });
  });
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));

  test('a streamed body goes out chunked and the client stops soon after an early answer', async () => {
    seen = [];
    const r = await rawRequest(base, { method: 'POST', path: '/limit', streamBytes: 200 * 1024 * 1024 });
    assert.equal(r.status, 413);
    assert.equal(r.code, 'payload_too_large');
    assert.equal(seen[0]?.te, 'chunked');
    assert.equal(seen[0]?.cl, undefined);
    assert.ok(r.sentAtAnswer < 50 * 1024 * 1024, `sent ${r.sentAtAnswer} bytes before the answer`);
  });

  test('a whole streamed body is reported as sent in full', async () => {
    const r = await rawRequest(base, { method: 'POST', path: '/all', streamBytes: 3 * 1024 * 1024 });
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).bytes, 3 * 1024 * 1024);
    assert.equal(r.sentAtAnswer, 3 * 1024 * 1024);
  });

  test('a lying Content-Length is sent as declared, and a server that never answers is a timeout', async () => {
    seen = [];
    const r = await rawRequest(base, { method: 'POST', path: '/never', body: 'x'.repeat(100), declaredLength: 10_000, timeoutMs: 300 });
    assert.equal(r.status, 0);
    assert.equal(r.code, 'timeout');
    assert.equal(seen[0]?.cl, '10000');
  });
});
