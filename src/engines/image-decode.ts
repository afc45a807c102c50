// Every uploaded image enters through here: the format is told by magic bytes (domain/sniff.ts),
// never by a file name or Content-Type, and each accepted format is turned into something sharp
// reads. sharp's prebuilt libvips reads JPEG, PNG, WebP, GIF, TIFF and AVIF itself; BMP and netpbm
// have small decoders of ours, HEIC (HEVC, which that libvips build lacks) goes through libheif's
// WASM build (npm heic-decode). Recognised formats we cannot read are refused with
// `unsupported_image_format` naming the format; bytes that are no image at all get the caller's code.

import decodeHeic from 'heic-decode';
import sharp from 'sharp';
import { AppError } from '../domain/errors.ts';
import { DECODABLE_IMAGE_FORMATS, type DecodableImageFormat, imageMime, isDecodable, sniffImageFormat } from '../domain/sniff.ts';
import { decodeBmp } from './image-bmp.ts';
import { decodePnm } from './image-pnm.ts';
import { ImageDecodeError, type RawImage } from './image-raw.ts';

/** Formats sharp (prebuilt libvips) decodes from the bytes as they are. */
const NATIVE: ReadonlySet<DecodableImageFormat> = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'avif']);

/** Human-readable list for error messages and the API docs. */
export const ACCEPTED_IMAGE_FORMATS = 'JPEG (EXIF orientation applied, CMYK converted), PNG (alpha flattened on white, 16-bit), WebP, GIF (first frame), BMP, TIFF, PGM/PPM/PBM, HEIC/HEIF, AVIF';

export interface SharpSource {
  format: DecodableImageFormat;
  input: Uint8Array;
  /** Set when `input` is raw pixels from one of our decoders. */
  raw?: { width: number; height: number; channels: 1 | 3 | 4 };
}

/**
 * The accepted format of `buf`, or an AppError: `unsupported_image_format` (a recognised image
 * format we do not read; details.format names it) or `unknownCode` when no image signature matches.
 */
export function imageFormatOf(buf: Uint8Array, unknownCode: 'not_an_image' | 'unsupported_media_type' = 'not_an_image'): DecodableImageFormat {
  const format = sniffImageFormat(buf);
  if (format === null) throw new AppError(unknownCode, `the file is not an image in an accepted format (${ACCEPTED_IMAGE_FORMATS})`);
  if (!isDecodable(format)) throw unsupported(format);
  return format;
}

function unsupported(format: string, why?: string): AppError {
  return new AppError('unsupported_image_format', `${format} images are not accepted${why ? ` (${why})` : ''}; send ${ACCEPTED_IMAGE_FORMATS}`, { format, accepted: [...DECODABLE_IMAGE_FORMATS] });
}

/** Sniffs and, for the formats sharp lacks, decodes to raw pixels. Pixel limits are the caller's (sharp's limitInputPixels) except for our decoders, which check their header first. */
export async function sharpSource(buf: Uint8Array, maxPixels: number, unknownCode: 'not_an_image' | 'unsupported_media_type' = 'not_an_image'): Promise<SharpSource> {
  const format = imageFormatOf(buf, unknownCode);
  if (NATIVE.has(format)) return { format, input: buf };
  let img: RawImage;
  try {
    img = format === 'bmp' ? decodeBmp(buf, maxPixels) : format === 'pnm' ? decodePnm(buf, maxPixels) : await heic(buf, maxPixels);
  } catch (err) {
    if (!(err instanceof ImageDecodeError)) throw err;
    if (err.kind === 'too_large') throw new AppError('image_too_large', err.message);
    if (err.kind === 'unsupported') throw unsupported(format, err.message);
    throw new AppError('not_an_image', `the ${format} image could not be decoded`, { format, cause: err.message });
  }
  return { format, input: img.data, raw: { width: img.width, height: img.height, channels: img.channels } };
}

/** A sharp pipeline over the source (raw pixels described, first frame only for GIF/TIFF). */
export function openSharp(src: SharpSource, maxPixels: number | false): sharp.Sharp {
  return src.raw ? sharp(src.input, { raw: src.raw, limitInputPixels: maxPixels }) : sharp(src.input, { limitInputPixels: maxPixels });
}

/**
 * The upload as bytes every reader of stored images (sharp) opens: unchanged for the formats
 * libvips reads, a lossless PNG for BMP/netpbm/HEIC. Stores and pipelines then see one of
 * JPEG/PNG/WebP/GIF/TIFF/AVIF only.
 */
export async function storableImage(buf: Uint8Array, maxPixels: number, unknownCode: 'not_an_image' | 'unsupported_media_type' = 'not_an_image'): Promise<{ bytes: Uint8Array; format: DecodableImageFormat; contentType: string }> {
  const src = await sharpSource(buf, maxPixels, unknownCode);
  if (!src.raw) return { bytes: buf, format: src.format, contentType: imageMime(src.format) };
  const png = await openSharp(src, maxPixels).png({ compressionLevel: 6 }).toBuffer();
  return { bytes: new Uint8Array(png.buffer, png.byteOffset, png.length), format: src.format, contentType: 'image/png' };
}

/** The first (primary) image of a HEIF file; its size is checked before its pixels are decoded. */
async function heic(buf: Uint8Array, maxPixels: number): Promise<RawImage> {
  let images: Awaited<ReturnType<typeof decodeHeic.all>>;
  try {
    images = await decodeHeic.all({ buffer: buf });
  } catch (err) {
    throw new ImageDecodeError(err instanceof Error ? err.message : String(err));
  }
  try {
    const first = images[0];
    if (!first) throw new ImageDecodeError('HEIF file holds no image');
    if (first.width * first.height > maxPixels) throw new ImageDecodeError(`HEIC has ${first.width}x${first.height} pixels, limit ${maxPixels}`, 'too_large');
    const out = await first.decode().catch((err: unknown) => {
      throw new ImageDecodeError(err instanceof Error ? err.message : String(err));
    });
    return { width: out.width, height: out.height, channels: 4, data: new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.length) };
  } finally {
    images.dispose();
  }
}
