import type { Context, MiddlewareHandler } from 'hono';

// Security headers on every response, set in one place after the route has answered.
//
// Why a rebuilt Response: over a real socket @hono/node-server replaces the global Response with a
// lightweight one that keeps the constructor's headers in a cache; headers changed later through
// `res.headers` live only in that cache, and the first read of `res.body` (Hono does it when a
// middleware calls c.header() after next()) builds the real Response from the constructor's
// headers, dropping them. The capture page's CSP was lost this way (`app.request()` showed it,
// `curl -sI` did not). Reading the headers before the body and answering with a fresh Response
// keeps every header, whichever Response class the runtime uses. For the same reason no middleware
// here calls c.header() after next(): it would trigger that rebuild before this one runs.

/** Pages and API answers that set no policy of their own: nothing may load, nothing may frame them. */
const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Whether a CSP lets some origin frame the page (a frame-ancestors other than 'none'). */
function allowsFraming(policy: string | null): boolean {
  const directive = policy?.split(';').map((d) => d.trim()).find((d) => d.toLowerCase().startsWith('frame-ancestors'));
  if (!directive) return false;
  const sources = directive.split(/\s+/).slice(1);
  return sources.length > 0 && !(sources.length === 1 && sources[0] === "'none'");
}

export function securityHeaders({ csp = DEFAULT_CSP, extra = () => ({}) }: { csp?: string; extra?: (c: Context) => Record<string, string> } = {}): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const res = c.res;
    const headers = new Headers(res.headers); // before .body: see above
    const status = res.status;
    const set = (k: string, v: string) => {
      if (!headers.has(k)) headers.set(k, v);
    };
    set('content-security-policy', csp);
    // XFO cannot name origins: sending DENY beside a frame-ancestors that lists some (the capture
    // page of a project with allowed_origins) would make a browser that knows only XFO refuse the
    // merchant's frame, and contradicts the policy. The route's CSP decides alone then.
    if (!allowsFraming(headers.get('content-security-policy'))) set('x-frame-options', 'DENY');
    headers.set('x-content-type-options', 'nosniff');
    set('referrer-policy', 'no-referrer');
    for (const [k, v] of Object.entries(extra(c))) headers.set(k, v);
    const fresh = new Response(res.body, { status, headers });
    c.res = undefined; // replace, not merge: merging would copy the stale headers back over
    c.res = fresh;
  };
}
