import { z } from 'zod';
import { type ErrorCode, errorStatus } from '../../domain/errors.ts';

// The named response schemas of the API. They describe what the server answers today (the route
// handlers build plain objects); the contract test (test/http/openapi-contract.test.ts) validates
// every real answer against them, so a shape that changes without its schema fails there.

export interface SchemaMeta { id: string; description?: string; examples?: unknown[] }

/** Response schemas by component name (#/components/schemas/<id>): filled when the modules load, read by openapi.ts. */
export const responseSchemas = z.registry<SchemaMeta>();

/** Registers `schema` as component `id`; examples are validated by the contract test. */
export function named<T extends z.ZodType>(id: string, schema: T, meta: { description?: string; example?: unknown } = {}): T {
  responseSchemas.add(schema, { id, ...(meta.description ? { description: meta.description } : {}), ...(meta.example === undefined ? {} : { examples: [meta.example] }) });
  return schema;
}

/** ISO 8601 UTC timestamps as the server writes them (Date#toISOString). */
export const timestamp = z.string().meta({ format: 'date-time', example: '2026-01-05T10:15:30.000Z' });
export const nullableTimestamp = timestamp.nullable();
/** Free-form JSON objects (metadata the tenant sent, stored stage results). */
export const jsonObject = z.record(z.string(), z.unknown());

export const ErrorBody = named('Error', z.object({
  error: z.object({
    code: z.enum(Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]]).describe(`Stable machine-readable code; its HTTP status: ${Object.entries(errorStatus).map(([k, v]) => `${k} → ${v}`).join(', ')}`),
    message: z.string().describe('Human-readable sentence; may change between versions, never parse it'),
    details: z.unknown().optional().describe('validation_failed: { issues: [{ path, code, message }] }; other codes: context such as the missing steps or the current offset'),
  }),
}), { description: 'Every error answer: { error: { code, message, details? } }', example: { error: { code: 'session_not_found', message: 'no session ses_0d7c…' } } });

/** Sample messages for the examples of each documented error code. */
const SAMPLE_MESSAGES: Partial<Record<ErrorCode, string>> = {
  validation_failed: 'request is not valid',
  invalid_json: 'the body is not valid JSON',
  unauthorized: 'missing API key (Authorization: Bearer vk_… or x-api-key)',
  api_key_invalid: 'API key is not valid',
  capture_token_invalid: 'missing capture token (Authorization: Bearer cap_…)',
  capture_token_expired: 'this capture link has expired',
  session_not_found: 'no session ses_0d7c2d6e-…',
  webhook_not_found: 'no webhook wh_…',
  payload_too_large: 'request body exceeds 1 MiB',
  rate_limited: 'too many requests; retry after 12 s',
  media_url_invalid: 'media link signature is not valid',
  media_url_expired: 'media link has expired; fetch the session again for a fresh one',
  steps_incomplete: 'missing: selfie, video',
  webhook_url_refused: 'the URL resolves to a private address',
};

export function errorExample(code: ErrorCode) {
  return { error: { code, message: SAMPLE_MESSAGES[code] ?? code.replace(/_/g, ' ') } };
}
