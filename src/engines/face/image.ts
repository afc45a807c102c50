// Image decoding and small pixel helpers shared by the face adapter and the pipeline.
// Formats are told by magic bytes and opened by engines/image-decode.ts; sharp converts, honours
// EXIF orientation (phone photos are often stored sideways) and refuses corrupt data.

import sharp from 'sharp';
import { AppError } from '../../domain/errors.ts';
import { openSharp, sharpSource } from '../image-decode.ts';
import type { Box, RgbImage } from './port.ts';

/** 40 MP: larger than any phone camera we expect, small enough to keep RGB buffers < 120 MB. */
const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * Decodes an image in any accepted format (engines/image-decode.ts) to 8-bit sRGB: EXIF
 * orientation applied, CMYK/grey/16-bit converted, alpha flattened on white (a cut-out portrait's
 * transparent background would otherwise turn black or keep whatever colour hides under it),
 * first frame of a GIF/TIFF.
 */
export async function decodeImage(buf: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): Promise<RgbImage> {
  const src = await sharpSource(buf, maxPixels);
  let meta: sharp.Metadata;
  try {
    meta = await openSharp(src, false).metadata();
  } catch (err) {
    throw new AppError('not_an_image', 'the file is not a decodable image', { format: src.format, cause: String(err) });
  }
  if (!meta.width || !meta.height) throw new AppError('not_an_image', 'the image has no dimensions', { format: src.format });
  if (meta.width * meta.height > maxPixels) {
    throw new AppError('image_too_large', `image has ${meta.width}x${meta.height} pixels, limit ${maxPixels}`);
  }
  try {
    const { data, info } = await openSharp(src, maxPixels)
      .rotate() // no argument = apply EXIF orientation
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`unexpected channel count ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new AppError('not_an_image', 'the image could not be decoded', { format: src.format, cause: String(err) });
  }
}

/** Encodes an RGB image to JPEG (evidence frames, benches). */
export async function encodeJpeg(image: RgbImage, quality = 90): Promise<Buffer> {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).jpeg({ quality }).toBuffer();
}

/** Rotates by a multiple of 90° clockwise. */
export async function rotateImage(image: RgbImage, degrees: 0 | 90 | 180 | 270): Promise<RgbImage> {
  if (degrees === 0) return image;
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .rotate(degrees)
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

/** A box rounded outwards to whole pixels and clamped to the image (at least 1×1). */
export function clampBox(image: { width: number; height: number }, box: Box): { x0: number; y0: number; width: number; height: number } {
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(image.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(image.height, Math.ceil(box.y + box.height));
  return { x0, y0, width: Math.max(1, x1 - x0), height: Math.max(1, y1 - y0) };
}

/** Crops a box (clamped to the image) without resampling. */
export function cropImage(image: RgbImage, box: Box): RgbImage {
  const { x0, y0, width, height } = clampBox(image, box);
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const src = ((Math.min(y0 + y, image.height - 1)) * image.width + x0) * 3;
    out.set(image.data.subarray(src, src + width * 3), y * width * 3);
  }
  return { width, height, data: out };
}

/** A side×side square whose top-left corner is (x0, y0), grey where it leaves the image. */
export function cropSquare(image: RgbImage, x0: number, y0: number, side: number): RgbImage {
  const data = new Uint8Array(side * side * 3).fill(128);
  const left = Math.max(0, x0), right = Math.min(image.width, x0 + side);
  if (right > left) {
    for (let y = Math.max(0, y0); y < Math.min(image.height, y0 + side); y++) {
      const src = (y * image.width + left) * 3;
      data.set(image.data.subarray(src, src + (right - left) * 3), ((y - y0) * side + (left - x0)) * 3);
    }
  }
  return { width: side, height: side, data };
}

/** Surrounds the image with a grey border: detectors miss faces that fill the whole frame. */
export function padImage(image: RgbImage, ratio: number): { image: RgbImage; dx: number; dy: number } {
  const dx = Math.round(image.width * ratio);
  const dy = Math.round(image.height * ratio);
  const width = image.width + 2 * dx;
  const height = image.height + 2 * dy;
  const data = new Uint8Array(width * height * 3).fill(128);
  for (let y = 0; y < image.height; y++) {
    data.set(image.data.subarray(y * image.width * 3, (y + 1) * image.width * 3), ((y + dy) * width + dx) * 3);
  }
  return { image: { width, height, data }, dx, dy };
}

/** Enlarges (never shrinks) so the longer side is at least `minSide` px; returns the scale used. */
export async function enlargeTo(image: RgbImage, minSide: number): Promise<{ image: RgbImage; scale: number }> {
  const longest = Math.max(image.width, image.height);
  if (longest >= minSide) return { image, scale: 1 };
  return resizeBy(image, minSide / longest);
}

async function resizeBy(image: RgbImage, scale: number): Promise<{ image: RgbImage; scale: number }> {
  const { data, info } = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(Math.max(1, Math.round(image.width * scale)), Math.max(1, Math.round(image.height * scale)), { kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { image: { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, scale: info.width / image.width };
}

/** Downscales (never enlarges) so the longer side is at most `maxSide` px; returns the scale used. */
export async function fitWithin(image: RgbImage, maxSide: number): Promise<{ image: RgbImage; scale: number }> {
  const longest = Math.max(image.width, image.height);
  if (longest <= maxSide) return { image, scale: 1 };
  return resizeBy(image, maxSide / longest);
}
