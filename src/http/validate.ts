import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { zodDetails } from './errors.ts';

/** Parses and validates a JSON body; unknown fields are refused by the strict schemas. */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, maxBytes = 64 * 1024): Promise<z.infer<S>> {
  const text = await c.req.text();
  if (text.length > maxBytes) throw new AppError('payload_too_large', `JSON body exceeds ${maxBytes} bytes`);
  let raw: unknown;
  try {
    raw = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'body is not valid JSON');
  }
  return check(schema, raw);
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return check(schema, c.req.query());
}

export function check<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new AppError('validation_failed', 'request is not valid', zodDetails(r.error));
  return r.data;
}

/** The request body as a byte stream (uploads are never buffered whole by the HTTP layer). */
export function bodyStream(c: Context): AsyncIterable<Uint8Array> {
  const b = c.req.raw.body;
  if (!b) return (async function* () {})();
  return b as unknown as AsyncIterable<Uint8Array>;
}
