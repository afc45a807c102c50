// Windows BMP decoder (sharp's prebuilt libvips has no BMP loader). Handles what cameras, scanners
// and Windows tools write: 1/4/8-bit palette, 16-bit (5-5-5 or bit fields), 24-bit, 32-bit
// (BGRX, BGRA or bit fields), bottom-up and top-down rows, OS/2 core headers. RLE and embedded
// JPEG/PNG bodies are refused: rare in practice, and every one of them converts losslessly to PNG.

import { ImageDecodeError, type RawImage } from './image-raw.ts';

const BI_RGB = 0, BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6;

export function decodeBmp(b: Uint8Array, maxPixels: number): RawImage {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 26) throw new ImageDecodeError('truncated BMP header');
  const dataOffset = v.getUint32(10, true);
  const dib = v.getUint32(14, true);
  const core = dib === 12; // OS/2 BITMAPCOREHEADER: 16-bit sizes, 3-byte palette entries
  const width = core ? v.getUint16(18, true) : v.getInt32(18, true);
  const rawHeight = core ? v.getInt16(22, true) : v.getInt32(22, true);
  const bpp = v.getUint16(core ? 24 : 28, true);
  const compression = core || b.length < 34 ? BI_RGB : v.getUint32(30, true);
  const height = Math.abs(rawHeight);
  const topDown = rawHeight < 0;
  if (width <= 0 || height <= 0) throw new ImageDecodeError('BMP has no pixels');
  if (width * height > maxPixels) throw new ImageDecodeError(`BMP has ${width}x${height} pixels, limit ${maxPixels}`, 'too_large');
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw new ImageDecodeError(`BMP compression ${compression} (RLE or embedded JPEG/PNG) is not supported`, 'unsupported');
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > b.length) throw new ImageDecodeError('truncated BMP pixel data');
  const palette = bpp <= 8 ? readPalette(v, 14 + dib, core ? 3 : 4, core ? 1 << bpp : v.getUint32(46, true) || 1 << bpp) : [];
  const masks = bpp === 16 || bpp === 32 ? bitMasks(v, dib, compression, bpp) : null;
  const hasAlpha = masks !== null && masks[3] !== 0 && bpp === 32;
  const channels = hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (bpp <= 8) {
        const bit = x * bpp;
        const idx = (b[row + (bit >> 3)]! >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        const c = palette[idx] ?? [0, 0, 0];
        out[o] = c[0]; out[o + 1] = c[1]; out[o + 2] = c[2];
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = b[p + 2]!; out[o + 1] = b[p + 1]!; out[o + 2] = b[p]!;
      } else if (masks) {
        const px = bpp === 16 ? v.getUint16(row + x * 2, true) : v.getUint32(row + x * 4, true);
        for (let c = 0; c < channels; c++) out[o + c] = field(px, masks[c]!);
      } else {
        throw new ImageDecodeError(`BMP with ${bpp} bits per pixel is not supported`, 'unsupported');
      }
    }
  }
  // Many writers leave the alpha byte 0 everywhere: an all-transparent image means "no alpha".
  if (hasAlpha && out.every((x, i) => i % 4 !== 3 || x === 0)) for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return { width, height, channels, data: out };
}

function readPalette(v: DataView, at: number, entry: number, count: number): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let i = 0; i < Math.min(count, 256) && at + i * entry + 2 < v.byteLength; i++) {
    const p = at + i * entry;
    out.push([v.getUint8(p + 2), v.getUint8(p + 1), v.getUint8(p)]); // stored B, G, R
  }
  return out;
}

/** R, G, B, A masks: from the header (bit fields) or the BI_RGB defaults (5-5-5; 8-8-8 with the top byte unused). */
function bitMasks(v: DataView, dib: number, compression: number, bpp: number): [number, number, number, number] {
  if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
    // In a 40-byte header the masks follow it; larger headers (v2–v5) hold them at the same offset.
    const r = v.getUint32(54, true), g = v.getUint32(58, true), bl = v.getUint32(62, true);
    const a = dib >= 56 || compression === BI_ALPHABITFIELDS ? v.getUint32(66, true) : 0;
    return [r, g, bl, a];
  }
  if (bpp === 16) return [0x7c00, 0x03e0, 0x001f, 0];
  // 32-bit BI_RGB: the fourth byte is reserved; v4/v5 headers written by some tools put alpha there.
  const a = dib >= 108 ? v.getUint32(66, true) : 0;
  return [0x00ff0000, 0x0000ff00, 0x000000ff, a];
}

/** The value under `mask`, scaled to 0–255. */
function field(px: number, mask: number): number {
  if (mask === 0) return 255;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((px & mask) >>> shift) * 255) / max);
}
