import { z } from 'zod';
import { type ErrorCode } from '../domain/errors.ts';
import { ErrorBody, errorExample, responseSchemas } from './contract/registry.ts';
import { EVENT_SCHEMAS } from './contract/webhooks.ts';

// OpenAPI 3.1 built from the same zod schemas the routes validate with (requests) and the named
// response schemas of contract/ (answers), so the document cannot drift from what the server
// accepts, and the contract test holds the answers to it.

export interface ResponseDoc {
  description: string;
  /** JSON body: a named schema from contract/ (registered with `named`). Errors default to Error. */
  schema?: z.ZodType;
  /** Non-JSON body (media bytes): its content types. */
  binary?: string[];
  /** Error codes answered with this status; one example each is generated. */
  codes?: ErrorCode[];
  /** Response headers: name → description. */
  headers?: Record<string, string>;
  /** No body (HEAD). */
  empty?: boolean;
}

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head';
  /** OpenAPI path, e.g. /v1/sessions/{id} */
  path: string;
  summary: string;
  /** Longer text (Markdown): options, behaviours, limits. */
  description?: string;
  tag: string;
  auth: 'apiKey' | 'capture' | 'none' | 'signedUrl' | 'apiKeyOrCapture';
  body?: z.ZodType;
  /** The JSON body may be left out (e.g. capture complete from old pages). */
  bodyOptional?: boolean;
  /** false: body problems are answered in the route's own format (ZOLOZ: 200 INVALID_ARGUMENT), not 400/422. */
  bodyErrors?: false;
  /** Example request body. */
  example?: unknown;
  /** Raw bytes (uploads) instead of JSON. */
  binary?: string[];
  /** Also accepted as multipart/form-data with these file fields (images). */
  multipart?: string[];
  query?: z.ZodObject;
  /** Descriptions of request-body fields by dot path (profile.phrase), or of query parameters by name; a body path the schema lacks is an error. */
  fields?: Record<string, string>;
  /** Request headers: name → description. */
  headers?: Record<string, string>;
  responses: Record<number, ResponseDoc | string>;
}

/** A success answer with its named schema. */
export const ok = (schema: z.ZodType, description: string, more: Omit<ResponseDoc, 'schema' | 'description'> = {}): ResponseDoc => ({ description, schema, ...more });
/** An error answer with the codes it carries. */
export const fails = (description: string, ...codes: ErrorCode[]): ResponseDoc => ({ description, codes });

const toSchema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' });
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

/** A named schema's $ref; an unnamed one inline (named() in src/http/contract is the rule: it makes a client type). */
function refOf(schema: z.ZodType): object {
  const id = responseSchemas.get(schema)?.id;
  if (id) return ref(id);
  const { $schema: _s, ...inline } = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' });
  return inline;
}

/** The named response schemas as components (one conversion: shared parts become $refs). */
function componentSchemas(): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(responseSchemas, { io: 'output', unrepresentable: 'any', metadata: responseSchemas, uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => {
    const { $schema: _s, $id: _i, ...rest } = s as Record<string, unknown>;
    return [id, rest];
  }));
}

/** Answers every route of a kind can give, whatever the route (authentication, rate limits, bodies). */
function sharedResponses(r: RouteDoc, limited: boolean): Record<number, ResponseDoc> {
  const out: Record<number, ResponseDoc> = {};
  if (r.auth === 'apiKey' || r.auth === 'apiKeyOrCapture') {
    out[401] = fails('No API key, or not a valid one', 'unauthorized', 'api_key_invalid');
    out[429] = fails('Too many failed credentials from this address (Retry-After)', 'rate_limited');
  }
  if (r.auth === 'capture' || r.auth === 'apiKeyOrCapture') {
    out[401] = fails('Capture token missing, invalid or expired', ...(r.auth === 'apiKeyOrCapture' ? ['unauthorized', 'api_key_invalid'] as ErrorCode[] : []), 'capture_token_invalid', 'capture_token_expired');
    out[429] = fails('Too many requests (CAPTURE_RATE_LIMIT a minute per token) or failed credentials (Retry-After)', 'rate_limited');
  }
  if (r.body && r.bodyErrors !== false) {
    out[400] = fails('The body is not JSON', 'invalid_json');
    out[422] = fails('The body does not match the schema (details.issues name each field)', 'validation_failed');
  }
  if (limited && (r.body || r.binary || r.multipart)) out[413] = fails('The body is over the route\'s limit, checked while it streams', 'payload_too_large');
  return out;
}

function responseObject(code: number, d: ResponseDoc | string) {
  const doc: ResponseDoc = typeof d === 'string' ? { description: d } : d;
  const headers = doc.headers ? { headers: Object.fromEntries(Object.entries(doc.headers).map(([h, description]) => [h, { description, schema: { type: 'string' } }])) } : {};
  if (doc.empty) return { description: doc.description, ...headers };
  if (doc.binary) return { description: doc.description, ...headers, content: Object.fromEntries(doc.binary.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])) };
  const schema = doc.schema ?? (code >= 400 ? ErrorBody : undefined);
  // A success documented by its description only: served without a body schema, so the contract
  // test fails on the route's real answer until its schema is written (the server keeps working).
  if (!schema) return { description: doc.description, ...headers };
  const codes = doc.codes ?? [];
  const examples = codes.length ? { examples: Object.fromEntries(codes.map((c) => [c, { value: errorExample(c) }])) } : {};
  const description = codes.length ? `${doc.description} (${codes.join(', ')})` : doc.description;
  const sample = codes.length ? undefined : responseSchemas.get(schema)?.examples?.[0];
  return { description, ...headers, content: { 'application/json': { schema: refOf(schema), ...examples, ...(sample === undefined ? {} : { example: sample }) } } };
}

/** The request-body limit of a route, shown in its description (src/http/body-limit.ts). */
type BodyLimitDoc = (method: string, path: string) => { bytes: number; text: string };

const SECURITY: Record<RouteDoc['auth'], unknown[]> = {
  apiKey: [{ bearer: [] }, { apiKey: [] }],
  capture: [{ captureToken: [] }],
  apiKeyOrCapture: [{ bearer: [] }, { apiKey: [] }, { captureToken: [] }],
  none: [],
  signedUrl: [],
};

function operation(r: RouteDoc, bodyLimit?: BodyLimitDoc) {
  // Path parameters become a sample segment so the limit table's patterns match.
  const limit = r.body || r.binary || r.multipart ? bodyLimit?.(r.method.toUpperCase(), r.path.replace(/\{\w+\}/g, 'x')) : undefined;
  const limitText = limit ? `Request body limit: ${limit.text}, checked while the body streams (413 payload_too_large).` : undefined;
  const op: Record<string, unknown> = {
    operationId: operationId(r),
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    tags: [r.tag],
    security: SECURITY[r.auth],
    parameters: [
      ...[...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } })),
      ...(r.query ? Object.entries(r.query.shape).map(([name, s]) => queryParameter(name, s as z.ZodType, r.fields?.[name])) : []),
      ...Object.entries(r.headers ?? {}).map(([name, description]) => ({ name, in: 'header', required: false, description, schema: { type: 'string' } })),
    ],
    responses: Object.fromEntries(Object.entries({ ...sharedResponses(r, !!limit), ...r.responses }).map(([code, d]) => [code, responseObject(Number(code), d)])),
  };
  const content: Record<string, unknown> = {};
  if (r.body) content['application/json'] = { schema: describeFields(toSchema(r.body) as JsonSchema, r.fields ?? {}, operationId(r)), ...(r.example === undefined ? {} : { example: r.example }) };
  else if (r.fields && !r.query) throw new Error(`${operationId(r)}: fields documented without a body or query`);
  if (r.multipart) content['multipart/form-data'] = { schema: { type: 'object', required: r.multipart, properties: Object.fromEntries(r.multipart.map((f) => [f, { type: 'string', contentMediaType: 'application/octet-stream' }])) } };
  for (const t of r.binary ?? []) content[t] = { schema: { type: 'string', contentMediaType: t } };
  if (Object.keys(content).length) op.requestBody = { required: !r.bodyOptional, ...(limitText ? { description: limitText } : {}), content };
  return op;
}

function queryParameter(name: string, s: z.ZodType, text?: string) {
  const description = text ?? s.description;
  return { name, in: 'query', required: !s.safeParse(undefined).success, ...(description ? { description } : {}), schema: toSchema(s) };
}

type JsonSchema = { properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[]; description?: string };

/** Puts each field description on its property (through nullable/optional wrappers). */
function describeFields<T extends JsonSchema>(schema: T, fields: Record<string, string>, op: string): T {
  for (const [path, text] of Object.entries(fields)) {
    let node: JsonSchema | undefined = schema;
    for (const key of path.split('.')) {
      const props: Record<string, JsonSchema> | undefined = node?.properties ?? node?.anyOf?.find((a) => a.properties)?.properties;
      node = props?.[key];
    }
    if (!node) throw new Error(`${op}: documented field ${path} is not in the request schema`);
    node.description = text;
  }
  return schema;
}

/** A stable id per operation (client method names): method + path words, e.g. getV1SessionsId. */
function operationId(r: RouteDoc): string {
  const words = r.path.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return r.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const WEBHOOK_HEADERS = {
  'webhook-id': 'The event id; the same on every retry of the event (deduplicate on it)',
  'webhook-timestamp': 'Unix seconds of this attempt; refuse it when more than 5 minutes from your clock',
  'webhook-signature': 'Space-separated "v1,<base64 HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{body}`>" with the base64 key after whsec_ (Standard Webhooks)',
};

function webhookDocs() {
  return Object.fromEntries(Object.entries(EVENT_SCHEMAS).map(([type, schema]) => [type, {
    post: {
      operationId: `webhook${type.split('.').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')}`,
      summary: responseSchemas.get(schema)?.description ?? type,
      description: 'POSTed to each endpoint registered for this event (POST /v1/webhooks). Retried with backoff for about 28 h until your endpoint answers 2xx within 10 s: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. Verify the signature over the raw body before parsing it.',
      parameters: Object.entries(WEBHOOK_HEADERS).map(([name, description]) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } })),
      requestBody: { required: true, content: { 'application/json': { schema: refOf(schema) } } },
      responses: { '2XX': { description: 'Received; any other answer (or none within 10 s) is retried' } },
    },
  }]));
}

export function openapiDocument(routes: RouteDoc[], serverUrl: string, bodyLimit?: BodyLimitDoc) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method] = operation(r, bodyLimit);
  const schemas = componentSchemas();
  return {
    openapi: '3.1.0',
    info: {
      title: 'vkyc API',
      version: '0.1.0',
      description: 'Self-hosted identity verification (video KYC). Errors always have the shape { error: { code, message, details? } } (components.schemas.Error lists every code with its status). Webhook events are under `webhooks`; they are signed as Standard Webhooks.',
    },
    servers: [{ url: serverUrl }],
    tags: TAGS,
    paths,
    webhooks: webhookDocs(),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'API key vk_live_… / vk_test_… (vkyc keys create)' },
        apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        captureToken: { type: 'http', scheme: 'bearer', description: 'Capture token cap_…: the last path segment of the session\'s capture_url' },
      },
      schemas,
    },
  };
}

const TAGS = [
  { name: 'sessions', description: 'Create a verification, send the user to its capture_url, read the decision (or receive it by webhook)' },
  { name: 'webhooks', description: 'Endpoints that receive signed events; deliveries and their attempt log' },
  { name: 'capture', description: 'What the hosted capture page calls, with the session\'s capture token. Integrators building their own page use the same calls' },
  { name: 'faces', description: 'Stateless face comparison and detection' },
  { name: 'documents', description: 'Stateless MRZ reading' },
  { name: 'liveness', description: 'Challenge-response liveness from a few frames' },
  { name: 'lists', description: 'Block and allow lists applied by the duplicates and risk stages' },
  { name: 'project', description: 'Settings of the API key\'s project' },
  { name: 'media', description: 'Signed media links' },
  { name: 'evidence', description: 'Signed evidence packs of decided sessions and the keys that verify them (docs/evidence.md)' },
  { name: 'operations', description: 'Health probes' },
];

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
