import { z } from 'zod';
import { errorStatus } from '../domain/errors.ts';

// OpenAPI 3.1 built from the same zod schemas the routes validate with, so the document cannot
// drift from what the server accepts.

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
  /** OpenAPI path, e.g. /v1/sessions/{id} */
  path: string;
  summary: string;
  tag: string;
  auth: 'apiKey' | 'capture' | 'none' | 'signedUrl';
  body?: z.ZodType;
  /** The JSON body may be left out (e.g. capture complete from old pages). */
  bodyOptional?: boolean;
  /** Raw bytes (uploads) instead of JSON. */
  binary?: string[];
  query?: z.ZodObject;
  responses: Record<number, string>;
}

const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });

/** The request-body limit of a route, shown in its description (src/http/body-limit.ts). */
type BodyLimitDoc = (method: string, path: string) => { bytes: number; text: string };

export function openapiDocument(routes: RouteDoc[], serverUrl: string, bodyLimit?: BodyLimitDoc) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const op: Record<string, unknown> = {
      summary: r.summary,
      tags: [r.tag],
      security: r.auth === 'apiKey' ? [{ bearer: [] }, { apiKey: [] }] : r.auth === 'capture' ? [{ captureToken: [] }] : [],
      parameters: [
        ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
        ...(r.query ? Object.entries(r.query.shape).map(([name, s]) => ({ name, in: 'query', required: !(s as z.ZodType).safeParse(undefined).success, schema: toSchema(s as z.ZodType) })) : []),
      ],
      responses: Object.fromEntries(Object.entries(r.responses).map(([code, description]) => [
        code,
        Number(code) >= 400 ? { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } : { description },
      ])),
    };
    // Path parameters become a sample segment so the limit table's patterns match.
    const limit = bodyLimit?.(r.method.toUpperCase(), r.path.replace(/\{\w+\}/g, 'x'));
    const limitText = limit ? `Request body limit: ${limit.text}, checked while the body streams (413 payload_too_large).` : undefined;
    if (r.body) op.requestBody = { required: !r.bodyOptional, ...(limitText ? { description: limitText } : {}), content: { 'application/json': { schema: toSchema(r.body) } } };
    if (r.binary) op.requestBody = { required: true, ...(limitText ? { description: limitText } : {}), content: Object.fromEntries(r.binary.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])) };
    if (limitText && (r.body || r.binary)) op.responses = { ...(op.responses as object), 413: { description: 'payload_too_large: the body is over the limit', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } };
    (paths[r.path] ??= {})[r.method] = op;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'vkyc API',
      version: '0.1.0',
      description: 'Self-hosted identity verification (video KYC). Errors always have the shape { error: { code, message, details? } }; the codes and their HTTP statuses are listed in components.schemas.ErrorCode.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key vk_live_… / vk_test_…' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        captureToken: { type: 'http', scheme: 'bearer', description: 'capture token cap_… from the session capture_url' },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { $ref: '#/components/schemas/ErrorCode' }, message: { type: 'string' }, details: {} } } },
        },
        ErrorCode: { type: 'string', enum: Object.keys(errorStatus), description: Object.entries(errorStatus).map(([k, v]) => `${k} → ${v}`).join(', ') },
      },
    },
  };
}

export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>vkyc API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script></body></html>`;
}

/**
 * The docs page's own CSP: Swagger UI's bundle and styles from this origin (it sets inline style
 * attributes, and its icons are data: SVGs), requests to this server only, never framed.
 */
export function docsCsp(publicUrl: string): string {
  const api = new URL(publicUrl).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ${api}`,
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
