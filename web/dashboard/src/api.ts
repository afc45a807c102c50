// The dashboard's one way to the server: /dashboard/api with the session cookie (HttpOnly, never
// seen here) and, on writes, the CSRF token from /me. An error answer becomes an ApiError with the
// server's stable code, so pages can branch on `code` and show `message` to the person.

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details?: unknown) {
    super(message);
  }
}

let csrf: string | null = null;
let onSignedOut: () => void = () => {};

export const setCsrf = (token: string | null) => { csrf = token; };
/** Called when any request finds the session over (401 signin_required): the app shows sign-in. */
export const whenSignedOut = (fn: () => void) => { onSignedOut = fn; };

export async function api<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf;
  const res = await fetch(`/dashboard/api${path}`, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const json = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string; details?: unknown } };
  if (!res.ok) {
    const e = new ApiError(res.status, json.error?.code ?? `http_${res.status}`, json.error?.message ?? res.statusText, json.error?.details);
    if (e.code === 'signin_required' && path !== '/me' && path !== '/login') onSignedOut();
    throw e;
  }
  return json as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** A query string from the set values only (empty strings and undefined are left out). */
export function qs(params: Record<string, string | number | undefined | null>): string {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
  const s = u.toString();
  return s ? `?${s}` : '';
}

/** A route this server does not have yet (older server, or a feature not deployed): shown as such, not as a failure. */
export const isMissing = (e: unknown) => e instanceof ApiError && e.status === 404 && e.code === 'not_found' && e.message.startsWith('no route');
