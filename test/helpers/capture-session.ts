import type { TestRuntime } from './runtime.ts';

/**
 * A session created with the API key, plus a client of its capture API that speaks as the capture
 * page does (the capture token as Bearer; JSON bodies for objects, raw bytes for media).
 */
export async function newCaptureSession(rt: TestRuntime, profile: Record<string, unknown> = { steps: ['document', 'selfie', 'video'] }, extra: Record<string, unknown> = {}) {
  const s = await (await rt.req('POST', '/v1/sessions', { profile, redirect_url: 'https://example.com/done?x=1', ...extra })).json();
  const token = new URL(s.capture_url).pathname.split('/').pop()!;
  const cap = (method: string, path: string, body?: Uint8Array | object, headers: Record<string, string> = {}) =>
    Promise.resolve(rt.app.request(`/v1/capture${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : body instanceof Uint8Array ? (body as Uint8Array<ArrayBuffer>) : JSON.stringify(body),
    }));
  return { id: s.id as string, token, cap };
}
