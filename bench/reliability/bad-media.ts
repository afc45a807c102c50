// Corrupt, truncated and lying media, made on the spot with ffmpeg and sharp (no third-party data).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { personA3 } from '../../test/helpers/face-media.ts';

const run = promisify(execFile);

export interface BadMedia {
  goodJpeg: Buffer;
  goodWebm: Buffer;
  truncatedJpeg: Buffer;
  pngOverGarbage: Buffer;
  hugePng: Buffer;
  /** An MP4 whose video sample entry (`avc1`) is renamed: the container parses, nothing decodes. */
  patchedMp4: Buffer;
  /** A 60 s WebM whose EBML Duration element says 5 s. */
  lyingWebm: Buffer;
  /** LYING_WEBM_REAL_SECONDS: the real length of `lyingWebm`. */
  lyingWebmRealSeconds: number;
  truncatedWebm: Buffer;
}

const LYING_WEBM_REAL_SECONDS = 60;

export async function makeBadMedia(dir: string): Promise<BadMedia> {
  // A real face (a photo face-api ships): selfie uploads pass the upload quality gates only with one.
  const goodJpeg = await sharp(await personA3()).jpeg().toBuffer();
  const webm = join(dir, 'good.webm');
  await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=2', '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '200k', webm]);
  const mp4 = join(dir, 'good.mp4');
  await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=10:duration=2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', mp4]);
  const long = join(dir, 'long.webm');
  await run('ffmpeg', ['-y', '-v', 'error', '-f', 'lavfi', '-i', `testsrc=size=160x120:rate=5:duration=${LYING_WEBM_REAL_SECONDS}`, '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '50k', long]);
  const goodWebm = await readFile(webm);
  const patchedMp4 = replaceAfter(await readFile(mp4), 'stsd', 'avc1', 'avc9');
  const lyingWebm = patchWebmDuration(await readFile(long), 5);
  return {
    goodJpeg,
    goodWebm,
    truncatedJpeg: goodJpeg.subarray(0, Math.floor(goodJpeg.length / 2)),
    pngOverGarbage: Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pseudoRandom(64 * 1024)]),
    hugePng: hugeDimensionPng(60_000, 60_000),
    patchedMp4,
    lyingWebm,
    lyingWebmRealSeconds: LYING_WEBM_REAL_SECONDS,
    truncatedWebm: goodWebm.subarray(0, 2048),
  };
}

/** Replaces the first `from` after `anchor` (the sample description, not the `ftyp` brand list). */
function replaceAfter(b: Buffer, anchor: string, from: string, to: string): Buffer {
  const i = b.indexOf(from, b.indexOf(anchor));
  if (i < 0) throw new Error(`no ${from} after ${anchor}`);
  const out = Buffer.from(b);
  out.write(to, i, 'latin1');
  return out;
}

/** Rewrites the Segment Info Duration (EBML id 0x4489, an 8-byte float in timecode-scale units, ms). */
function patchWebmDuration(b: Buffer, seconds: number): Buffer {
  const i = b.indexOf(Buffer.from([0x44, 0x89]));
  if (i < 0) throw new Error('no Duration element');
  const size = b[i + 2]! & 0x7f; // one-byte EBML size (0x88 → 8, 0x84 → 4)
  const out = Buffer.from(b);
  if (size === 8) out.writeDoubleBE(seconds * 1000, i + 3);
  else if (size === 4) out.writeFloatBE(seconds * 1000, i + 3);
  else throw new Error(`unexpected Duration size ${size}`);
  return out;
}

/** Deterministic filler (a fixed LCG) so runs are comparable. */
function pseudoRandom(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/**
 * A PNG that claims width × height (3.6 G pixels for 60 000²) with a tiny IDAT: a decoder that
 * allocates from the header before checking a pixel limit would ask for gigabytes.
 */
function hugeDimensionPng(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const rows = deflateSync(Buffer.alloc((width + 1) * 4)); // 4 rows of zeros, the rest missing
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', rows), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(b: Buffer): number {
  let c = 0xffffffff;
  for (const x of b) c = CRC_TABLE[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
