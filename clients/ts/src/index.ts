import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema.d.ts';

// A thin layer over openapi-fetch: every path, body and answer is typed by the generated schema,
// errors become one exception with the API's stable code. Works wherever fetch does (Node ≥ 18,
// Deno, Bun, browsers — but keep API keys on servers).

export type { components, paths } from './schema.d.ts';
export { verifyWebhook, WebhookVerificationError, type VkycEvent } from './webhooks.ts';

type Schemas = components['schemas'];
export type Session = Schemas['Session'];
export type SessionCreated = Schemas['SessionCreated'];
export type SessionList = Schemas['SessionList'];
export type VideoResult = Schemas['VideoResult'];
export type WebhookCreated = Schemas['WebhookCreated'];
export type ErrorCode = Schemas['Error']['error']['code'];
export type CreateSessionBody = paths['/v1/sessions']['post']['requestBody']['content']['application/json'];
export type ListSessionsQuery = NonNullable<paths['/v1/sessions']['get']['parameters']['query']>;
export type ReviewBody = paths['/v1/sessions/{id}/review']['post']['requestBody']['content']['application/json'];
export type CreateWebhookBody = paths['/v1/webhooks']['post']['requestBody']['content']['application/json'];
export type ListEntryBody = paths['/v1/lists/{list}']['post']['requestBody']['content']['application/json'];
export type SettingsPatch = paths['/v1/project/settings']['patch']['requestBody']['content']['application/json'];

/** An error answer of the API: `code` is stable (see the Error schema), `message` is for people. */
export class VkycError extends Error {
  constructor(readonly status: number, readonly code: ErrorCode | 'unexpected_response', message: string, readonly details?: unknown) {
    super(message);
    this.name = 'VkycError';
  }
}

export interface VkycClientOptions {
  /** The server, e.g. https://kyc.example.com */
  baseUrl: string;
  /** vk_live_… or vk_test_… (never ship it to a browser) */
  apiKey: string;
  fetch?: (input: Request) => Promise<Response>;
}

type Result<T> = Promise<{ data?: T; error?: unknown; response: Response }>;

async function unwrap<T>(call: Result<T>): Promise<T> {
  const { data, error, response } = await call;
  if (response.ok && data !== undefined) return data;
  const e = (error as { error?: { code?: ErrorCode; message?: string; details?: unknown } } | undefined)?.error;
  if (e?.code) throw new VkycError(response.status, e.code, e.message ?? e.code, e.details);
  throw new VkycError(response.status, 'unexpected_response', `HTTP ${response.status} without an error body`);
}

/** Bytes → base64 with web APIs only (chunks keep String.fromCharCode's argument count small). */
function base64(bytes: Uint8Array | string): string {
  if (typeof bytes === 'string') return bytes;
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export function createVkycClient(o: VkycClientOptions) {
  const http: Client<paths> = createClient<paths>({ baseUrl: o.baseUrl.replace(/\/$/, ''), headers: { authorization: `Bearer ${o.apiKey}` }, ...(o.fetch ? { fetch: o.fetch } : {}) });
  const id = (v: string) => ({ params: { path: { id: v } } });
  return {
    /** The typed openapi-fetch client, for calls this layer does not wrap. */
    http,
    sessions: {
      /** A retry with the same idempotencyKey answers the first session again instead of creating another. */
      create: (body: CreateSessionBody, opts: { idempotencyKey?: string } = {}) =>
        unwrap(http.POST('/v1/sessions', { body, ...(opts.idempotencyKey ? { params: { header: { 'idempotency-key': opts.idempotencyKey } } } : {}) })),
      list: (query: ListSessionsQuery = {}) => unwrap(http.GET('/v1/sessions', { params: { query } })),
      get: (sessionId: string) => unwrap(http.GET('/v1/sessions/{id}', id(sessionId))),
      video: (sessionId: string) => unwrap(http.GET('/v1/sessions/{id}/video', id(sessionId))),
      cancel: (sessionId: string) => unwrap(http.POST('/v1/sessions/{id}/cancel', id(sessionId))),
      review: (sessionId: string, body: ReviewBody) => unwrap(http.POST('/v1/sessions/{id}/review', { ...id(sessionId), body })),
      audit: (sessionId: string) => unwrap(http.GET('/v1/sessions/{id}/audit', id(sessionId))),
      erase: (sessionId: string) => unwrap(http.DELETE('/v1/sessions/{id}', id(sessionId))),
    },
    webhooks: {
      /** The answer's `secret` (whsec_…) is shown once: keep it to verify deliveries. */
      create: (body: CreateWebhookBody) => unwrap(http.POST('/v1/webhooks', { body })),
      list: () => unwrap(http.GET('/v1/webhooks')),
      delete: (webhookId: string) => unwrap(http.DELETE('/v1/webhooks/{id}', id(webhookId))),
      deliveries: (webhookId: string) => unwrap(http.GET('/v1/webhooks/{id}/deliveries', id(webhookId))),
      resend: (deliveryId: string) => unwrap(http.POST('/v1/webhooks/deliveries/{id}/resend', id(deliveryId))),
    },
    faces: {
      compare: (a: Uint8Array | string, b: Uint8Array | string) => unwrap(http.POST('/v1/faces/compare', { body: { a: base64(a), b: base64(b) } })),
      detect: (image: Uint8Array | string) => unwrap(http.POST('/v1/faces/detect', { body: { image: base64(image) } })),
    },
    documents: {
      /** Bytes, or base64 / a data URL. */
      recognize: (image: Uint8Array | string) => unwrap(http.POST('/v1/documents/recognize', { body: { image: base64(image) } })),
    },
    liveness: {
      start: (body: paths['/v1/liveness/start']['post']['requestBody']['content']['application/json']) => unwrap(http.POST('/v1/liveness/start', { body })),
    },
    lists: {
      all: () => unwrap(http.GET('/v1/lists')),
      add: (list: 'block' | 'allow', body: ListEntryBody) => unwrap(http.POST('/v1/lists/{list}', { params: { path: { list } }, body })),
      remove: (list: 'block' | 'allow', kind: ListEntryBody['kind'], value: string) => unwrap(http.DELETE('/v1/lists/{list}/{kind}/{value}', { params: { path: { list, kind, value } } })),
    },
    project: {
      settings: () => unwrap(http.GET('/v1/project/settings')),
      updateSettings: (patch: SettingsPatch) => unwrap(http.PATCH('/v1/project/settings', { body: patch })),
    },
  };
}

export type VkycClient = ReturnType<typeof createVkycClient>;
