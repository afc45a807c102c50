import type { Context } from 'hono';
import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { ACCEPTED_IMAGE_FORMATS, storableImage } from '../engines/image-decode.ts';
import { fails } from './openapi.ts';
import { readText } from './body-limit.ts';
import { check, parseJson } from './validate.ts';

/** For the API docs of every route that takes an image. */
export const IMAGE_FORMATS = `Accepted image formats (told by magic bytes, not the name or Content-Type): ${ACCEPTED_IMAGE_FORMATS}. Other recognised formats (SVG, PDF, JPEG 2000, JPEG XL, PSD, ICO…) get 415 unsupported_image_format with details.format; bytes that are no image get 422 not_an_image.`;
export const unsupportedInput = fails('Neither multipart nor JSON, or an image format we do not read (details.format names it)', 'unsupported_media_type', 'unsupported_image_format');

/** config.MAX_IMAGE_PIXELS' default, for callers without the config at hand. */
const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * The image as bytes sharp opens (BMP/netpbm/HEIC become PNG), or `unsupported_image_format` /
 * `not_an_image` (details.image names the field) — told by magic bytes, not by name or type.
 */
async function accepted(field: string, bytes: Uint8Array, maxPixels: number): Promise<Uint8Array> {
  try {
    return (await storableImage(bytes, maxPixels)).bytes;
  } catch (err) {
    if (err instanceof AppError) throw new AppError(err.code, `${field}: ${err.message}`, { ...(err.details as object), image: field });
    throw err;
  }
}

/**
 * Image inputs of the standalone endpoints: multipart/form-data files, or JSON with base64 strings
 * (data URLs accepted). The whole request is bounded before parsing.
 */
export async function readImages<K extends string>(c: Context, fields: readonly K[], maxBytesEach: number, maxPixels = DEFAULT_MAX_PIXELS): Promise<Record<K, Uint8Array>> {
  const declared = Number(c.req.header('content-length') ?? 0);
  const limit = fields.length * Math.ceil(maxBytesEach * 1.4) + 64 * 1024; // base64 overhead + form framing
  if (declared > limit) throw new AppError('payload_too_large', `request exceeds ${limit} bytes`);
  const type = c.req.header('content-type') ?? '';
  const out = {} as Record<K, Uint8Array>;
  if (type.startsWith('multipart/form-data')) {
    const form = await c.req.parseBody();
    for (const f of fields) {
      const v = form[f];
      if (!(v instanceof File)) throw new AppError('validation_failed', `multipart field "${f}" must be a file`, { issues: [{ path: f, message: 'required file' }] });
      if (v.size > maxBytesEach) throw new AppError('payload_too_large', `${f} exceeds ${maxBytesEach} bytes`);
      out[f] = await accepted(f, new Uint8Array(await v.arrayBuffer()), maxPixels);
    }
    return out;
  }
  if (type.startsWith('application/json')) {
    const raw = parseJson(await readText(c, limit));
    const schema = z.strictObject(Object.fromEntries(fields.map((f) => [f, z.string().min(1)])) as Record<K, z.ZodString>);
    const body = check(schema, raw) as Record<K, string>;
    for (const f of fields) {
      const b64 = body[f].replace(/^data:[\w/+.-]+;base64,/, '');
      if (!/^[A-Za-z0-9+/=\s_-]+$/.test(b64)) throw new AppError('validation_failed', `${f} is not base64`, { issues: [{ path: f, message: 'not base64' }] });
      const buf = Buffer.from(b64, 'base64');
      if (buf.length > maxBytesEach) throw new AppError('payload_too_large', `${f} exceeds ${maxBytesEach} bytes`);
      out[f] = await accepted(f, new Uint8Array(buf), maxPixels);
    }
    return out;
  }
  throw new AppError('unsupported_media_type', 'send multipart/form-data or application/json with base64 images');
}
