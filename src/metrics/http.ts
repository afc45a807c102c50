import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import type { Metrics } from './port.ts';

// How metrics leave the process. Two doors, both off by default:
// - `/metrics` on the API port when METRICS_TOKEN is set, behind `Authorization: Bearer <token>`:
//   the API port faces the internet, and queue depths and decision counts are business numbers.
// - METRICS_PORT: a separate listener (METRICS_HOST, default 127.0.0.1) without auth, for a scrape
//   network the operator controls. Worker processes have no API port: this is how they are scraped,
//   and it also answers their /healthz and /readyz.

export interface Exposition {
  render(): Promise<{ body: string; contentType: string }>;
}

/** The matched route pattern, never the path (no ids in labels); unmatched requests share one label. */
export function routeLabel(c: Context): string {
  const route = c.req.routePath;
  return !route || route.endsWith('*') ? 'unmatched' : route;
}

/** Records each answer's latency by route pattern. */
export function httpMetrics(metrics: Metrics | undefined): MiddlewareHandler {
  return async (c, next) => {
    const t0 = performance.now();
    await next();
    metrics?.httpRequest(c.req.method, routeLabel(c), c.res.status, (performance.now() - t0) / 1000);
  };
}

/** Constant-time comparison of a presented bearer token with METRICS_TOKEN (hashes: equal lengths). */
export function tokenMatches(presented: string | undefined, token: string): boolean {
  if (!presented) return false;
  const h = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(h(presented), h(token));
}

/** GET /metrics on the API app; 401 without the token. */
export function metricsHandler(exposition: Exposition, token: string) {
  return async (c: Context) => {
    if (!tokenMatches(c.req.header('authorization')?.match(/^Bearer\s+(\S+)$/i)?.[1], token)) {
      return c.json({ error: { code: 'unauthorized', message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' } }, 401, { 'www-authenticate': 'Bearer' });
    }
    const { body, contentType } = await exposition.render();
    return c.body(body, 200, { 'content-type': contentType, 'cache-control': 'no-store' });
  };
}

/** The METRICS_PORT listener: /metrics, /healthz, /readyz (reason in the body when not ready). */
export function startMetricsServer(o: { port: number; host: string; exposition: Exposition; notReady: () => Promise<string | null> }): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, type: string, body: string) => res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
    const answer = async () => {
      if (req.method !== 'GET') return send(405, 'application/json', JSON.stringify({ error: { code: 'method_not_allowed', message: 'GET only' } }));
      if (path === '/metrics') {
        const { body, contentType } = await o.exposition.render();
        return send(200, contentType, body);
      }
      if (path === '/healthz') return send(200, 'application/json', JSON.stringify({ ok: true }));
      if (path === '/readyz') {
        const reason = await o.notReady();
        return send(reason ? 503 : 200, 'application/json', JSON.stringify(reason ? { ok: false, reason } : { ok: true }));
      }
      return send(404, 'application/json', JSON.stringify({ error: { code: 'not_found', message: `no route ${path}` } }));
    };
    answer().catch((e) => send(500, 'application/json', JSON.stringify({ error: { code: 'internal_error', message: e instanceof Error ? e.message : 'metrics failed' } })));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve(server));
  });
}
