// Netpbm decoder: PBM/PGM/PPM, ASCII (P1–P3) and binary (P4–P6), maxval up to 65535 (16-bit
// samples are big-endian). sharp's prebuilt libvips has no PPM loader, and research face sets
// (ORL, Yale) and scanner tools still write these.

import { ImageDecodeError, type RawImage } from './image-raw.ts';

export function decodePnm(b: Uint8Array, maxPixels: number): RawImage {
  const kind = b[1]! - 0x30; // 1–6
  const r = new HeaderReader(b, 2);
  const width = r.int(), height = r.int();
  const maxval = kind === 1 || kind === 4 ? 1 : r.int();
  if (width <= 0 || height <= 0) throw new ImageDecodeError('netpbm image has no pixels');
  if (width * height > maxPixels) throw new ImageDecodeError(`netpbm image has ${width}x${height} pixels, limit ${maxPixels}`, 'too_large');
  if (maxval <= 0 || maxval > 65535) throw new ImageDecodeError(`netpbm maxval ${maxval} out of range`);
  const channels = kind === 3 || kind === 6 ? 3 : 1;
  const n = width * height * channels;
  const out = new Uint8Array(n);
  const scale = (s: number) => Math.round((Math.min(s, maxval) * 255) / maxval);
  if (kind <= 3) {
    // ASCII: whitespace-separated samples; P1 may also run its 0/1 digits together.
    for (let i = 0; i < n; i++) out[i] = kind === 1 ? (r.bit() ? 0 : 255) : scale(r.int());
    return { width, height, channels, data: out };
  }
  const start = r.pos + 1; // exactly one whitespace byte ends the header of the binary forms
  if (kind === 4) {
    const stride = Math.ceil(width / 8);
    if (start + stride * height > b.length) throw new ImageDecodeError('truncated PBM data');
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) out[y * width + x] = (b[start + y * stride + (x >> 3)]! >> (7 - (x & 7))) & 1 ? 0 : 255;
    }
    return { width, height, channels, data: out };
  }
  const bytes = maxval > 255 ? 2 : 1;
  if (start + n * bytes > b.length) throw new ImageDecodeError('truncated netpbm data');
  for (let i = 0; i < n; i++) out[i] = scale(bytes === 2 ? (b[start + 2 * i]! << 8) | b[start + 2 * i + 1]! : b[start + i]!);
  return { width, height, channels, data: out };
}

/** Reads header integers and ASCII samples, skipping whitespace and `#` comments. */
class HeaderReader {
  constructor(private readonly b: Uint8Array, public pos: number) {}

  private skip(): void {
    while (this.pos < this.b.length) {
      const c = this.b[this.pos]!;
      if (c === 0x23) while (this.pos < this.b.length && this.b[this.pos] !== 0x0a) this.pos++;
      else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) this.pos++;
      else return;
    }
  }

  int(): number {
    this.skip();
    let v = 0, digits = 0;
    while (this.pos < this.b.length && this.b[this.pos]! >= 0x30 && this.b[this.pos]! <= 0x39) {
      v = v * 10 + this.b[this.pos]! - 0x30;
      this.pos++;
      digits++;
    }
    if (digits === 0) throw new ImageDecodeError('malformed or truncated netpbm data');
    return v;
  }

  bit(): boolean {
    this.skip();
    const c = this.b[this.pos++];
    if (c !== 0x30 && c !== 0x31) throw new ImageDecodeError('malformed or truncated PBM data');
    return c === 0x31;
  }
}
