/** Image geometry shared by OCR callers: decoding to RGB, page rotation, upright line crops. */
import sharp from 'sharp';
import type { RgbImage, TextRegion } from './port.ts';

const WHITE = { r: 255, g: 255, b: 255 };

async function toRgb(pipeline: sharp.Sharp): Promise<RgbImage> {
  const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

function fromRgb(image: RgbImage): sharp.Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } });
}

/** Decodes any image sharp reads, applying EXIF orientation (phone photos) and flattening alpha. */
export async function decodeRgb(bytes: Uint8Array, maxSide?: number): Promise<RgbImage> {
  let pipeline = sharp(bytes, { failOn: 'error', limitInputPixels: 50_000_000 }).rotate().flatten({ background: WHITE });
  if (maxSide !== undefined) pipeline = pipeline.resize(maxSide, maxSide, { fit: 'inside', withoutEnlargement: true });
  return toRgb(pipeline.toColourspace('srgb'));
}

export async function resizeRgb(image: RgbImage, scale: number): Promise<RgbImage> {
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  return toRgb(fromRgb(image).resize(width, height, { fit: 'fill', kernel: 'cubic' }));
}

/**
 * Cuts the oriented rectangle `region` out of `image` and turns it upright (text left to right);
 * `flip` adds a half turn for pages photographed upside down. `pad` widens the crop by a fraction
 * of its height (x: at both ends, y: above and below). The detector's unclipped box already holds
 * the glyphs; extra height made PP-OCRv4 drop characters on MRZ lines (Australian specimen: pad.y
 * 0.05 read the names line, 0.15 lost 4 letters, 0.3 lost 7). `stretch` widens the glyphs: OCR-B
 * is narrower than the fonts PP-OCRv4 was trained on, and 1.25–1.5 recovered letters it dropped.
 */
export async function cropRegion(
  image: RgbImage,
  region: TextRegion,
  flip = false,
  pad: { x: number; y: number } = { x: 0.3, y: 0 },
  stretch = 1,
): Promise<RgbImage> {
  const w = region.width + 2 * pad.x * region.height;
  const h = region.height * (1 + 2 * pad.y);
  const radius = Math.ceil(Math.hypot(w, h) / 2) + 2;
  const left = Math.max(0, Math.floor(region.cx - radius));
  const top = Math.max(0, Math.floor(region.cy - radius));
  const right = Math.min(image.width, Math.ceil(region.cx + radius));
  const bottom = Math.min(image.height, Math.ceil(region.cy + radius));
  if (right - left < 2 || bottom - top < 2) return { data: new Uint8Array(3 * 4), width: 2, height: 2 };
  const patch = await toRgb(fromRgb(image).extract({ left, top, width: right - left, height: bottom - top }));
  const turn = -region.angleDeg + (flip ? 180 : 0);
  const rotated = await toRgb(fromRgb(patch).rotate(turn, { background: WHITE }));
  // Where the region's centre lands after rotating the patch about its own centre.
  const rad = (turn * Math.PI) / 180;
  const ox = region.cx - (left + patch.width / 2);
  const oy = region.cy - (top + patch.height / 2);
  const nx = rotated.width / 2 + ox * Math.cos(rad) - oy * Math.sin(rad);
  const ny = rotated.height / 2 + ox * Math.sin(rad) + oy * Math.cos(rad);
  const x0 = Math.max(0, Math.round(nx - w / 2));
  const y0 = Math.max(0, Math.round(ny - h / 2));
  const cw = Math.min(rotated.width - x0, Math.round(w));
  const ch = Math.min(rotated.height - y0, Math.round(h));
  if (cw < 2 || ch < 2) return { data: new Uint8Array(3 * 4), width: 2, height: 2 };
  const line = fromRgb(rotated).extract({ left: x0, top: y0, width: cw, height: ch });
  return toRgb(stretch === 1 ? line : line.resize(Math.round(cw * stretch), ch, { fit: 'fill', kernel: 'cubic' }));
}


/**
 * Ink contrast for a line crop: each pixel becomes its darkest channel, then levels are stretched
 * so the darkest 2 % are black and the brightest 10 % white. MRZ ink is black in every channel,
 * while coloured guilloches and rainbow print are bright in at least one: after this they fade to a
 * light grey the recogniser ignores. On the Czech specimen PP-OCRv4 read its `<` fillers over
 * guilloches as `K` in the raw crop and read them correctly after this (8 of 8 orientations).
 */
export function inkContrast(image: RgbImage): RgbImage {
  const n = image.width * image.height;
  const ink = new Uint8Array(n);
  const histogram = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const d = image.data;
    const v = Math.min(d[3 * i]!, d[3 * i + 1]!, d[3 * i + 2]!);
    ink[i] = v;
    histogram[v]!++;
  }
  const level = (share: number): number => {
    let seen = 0;
    for (let v = 0; v < 256; v++) {
      seen += histogram[v]!;
      if (seen >= share * n) return v;
    }
    return 255;
  };
  const lo = level(0.02);
  const hi = Math.max(lo + 1, level(0.9));
  const out = new Uint8Array(3 * n);
  for (let i = 0; i < n; i++) {
    const v = Math.max(0, Math.min(255, Math.round(((ink[i]! - lo) * 255) / (hi - lo))));
    out[3 * i] = v;
    out[3 * i + 1] = v;
    out[3 * i + 2] = v;
  }
  return { data: out, width: image.width, height: image.height };
}
