import type { Context, MiddlewareHandler } from 'hono';
import type { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { DEFAULT_BODY_LIMIT, readText } from './body-limit.ts';
import { zodDetails } from './errors.ts';
import { jsonDepthExceeds, MAX_JSON_DEPTH, nulPath } from '../domain/json-guard.ts';

/**
 * Parses and validates a JSON body; unknown fields are refused by the strict schemas. The body is
 * read through its byte limit while it streams (never whole first), its nesting is bounded before
 * parsing, and strings with NUL are refused (check).
 */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S, maxBytes = DEFAULT_BODY_LIMIT): Promise<z.infer<S>> {
  return check(schema, parseJson(await readText(c, maxBytes)));
}

/** JSON text → value, refusing invalid JSON and nesting deeper than MAX_JSON_DEPTH. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  if (jsonDepthExceeds(text)) throw new AppError('validation_failed', `JSON nests deeper than ${MAX_JSON_DEPTH} levels`, { issues: [{ path: '', code: 'too_deep', message: `at most ${MAX_JSON_DEPTH} levels of nesting` }] });
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json', 'body is not valid JSON');
  }
}

export function queryOf<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return check(schema, c.req.query());
}

/** The one validation of untrusted input: NUL characters first (PostgreSQL cannot store them), then the schema. */
export function check<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const nul = nulPath(raw);
  if (nul !== null) throw nulError(nul);
  const r = schema.safeParse(raw);
  if (!r.success) throw new AppError('validation_failed', 'request is not valid', zodDetails(r.error));
  return r.data;
}

const nulError = (path: string) =>
  new AppError('validation_failed', `${path || 'input'} contains a NUL character`, { issues: [{ path, code: 'nul_character', message: 'NUL characters are not allowed' }] });

/**
 * Path ids (`/v1/sessions/{id}`, capture upload ids, webhook ids…) with a NUL character, raw or
 * percent-encoded: refused once here instead of in each route (PostgreSQL answered them with 500).
 */
export const refuseNulInPath: MiddlewareHandler = async (c, next) => {
  if (/\u0000|%00/i.test(c.req.path) || /%00/i.test(new URL(c.req.url).pathname)) throw nulError('path');
  await next();
};

/** The request body as a byte stream (uploads are never buffered whole by the HTTP layer). */
export function bodyStream(c: Context): AsyncIterable<Uint8Array> {
  const b = c.req.raw.body;
  if (!b) return (async function* () {})();
  return b as unknown as AsyncIterable<Uint8Array>;
}
