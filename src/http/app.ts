import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Hono } from 'hono';
import { sql } from 'kysely';
import { httpMetrics, metricsHandler, type Exposition } from '../metrics/http.ts';
import type { Deps } from '../deps.ts';
import { apiKeyAuth, failedAuthLimit, type Vars } from './auth.ts';
import { rateLimit, tokenOrIp } from './rate-limit.ts';
import { bodyLimit, bodyRuleFor, bodyRules, formatBytes } from './body-limit.ts';
import { clientAddress } from './client-ip.ts';
import { parseTrustedProxies } from '../config/trusted-proxies.ts';
import { securityHeaders } from './security-headers.ts';
import { refuseNulInPath } from './validate.ts';
import { errorBody, handleError } from './errors.ts';
import { docsCsp, docsPage, ok, openapiDocument, type RouteDoc } from './openapi.ts';
import { captureDocs, captureRoutes } from './routes/capture.ts';
import { mediaDocs, mediaRoutes } from './routes/media.ts';
import { Health } from './contract/project.ts';
import { sessionDocs, sessionRoutes } from './routes/sessions.ts';
import { webhookDocs, webhookRoutes } from './routes/webhooks.ts';
import { projectSettingsDocs, projectSettingsRoutes } from './routes/project-settings.ts';

export interface AppExtras {
  /** Extra API-key routes mounted under /v1 (capabilities added by later modules). */
  apiRoutes?: Array<{ path: string; app: Hono<{ Variables: Vars }>; docs: RouteDoc[] }>;
  /** Routes with their own auth (capture, compat, static pages), mounted at the root. */
  publicRoutes?: Array<{ app: Hono; docs?: RouteDoc[] }>;
  /** null when ready, otherwise why not (database, Redis, models: metrics/readiness.ts). Default: the database answers. */
  notReady?: () => Promise<string | null>;
  /** GET /metrics, served only with a token (metrics/http.ts says why). */
  metrics?: { exposition: Exposition; token?: string };
}

const opsDocs: RouteDoc[] = [
  { method: 'get', path: '/healthz', tag: 'operations', auth: 'none', summary: 'Liveness probe: the process answers', responses: { 200: ok(Health, 'Up') } },
  { method: 'get', path: '/readyz', tag: 'operations', auth: 'none', summary: 'Readiness probe: the database answers, Redis answers when configured, and a worker process has loaded its models',
    responses: { 200: ok(Health, 'Ready'), 503: ok(Health, 'Not ready: reason says why') } },
];

export function createApp(deps: Deps, extras: AppExtras = {}) {
  const app = new Hono<{ Variables: Vars }>();
  const log = deps.log;
  app.use('*', httpMetrics(deps.metrics));

  app.use('*', async (c, next) => {
    const id = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId', id);
    const t0 = performance.now();
    await next();
    // Never log query strings: media URLs carry signatures.
    // The capture page's path carries its token: never write it to the log.
    const path = c.req.path.replace(/\/cap_[^/]+/, '/cap_[redacted]');
    log.info('request', { request_id: id, method: c.req.method, path, status: c.res.status, ms: Math.round(performance.now() - t0) });
  });
  // The HTTP edge, outermost first: security headers on every answer (errors included), the client
  // address before anything keys on it, NUL paths and failed-credential limits before any lookup,
  // body limits before any route reads a byte.
  app.use('*', securityHeaders({ extra: (c) => ({ 'x-request-id': c.get('requestId' as never) }) }));
  app.use('*', clientAddress(parseTrustedProxies(deps.config.TRUST_PROXY)));
  app.use('*', refuseNulInPath);
  app.use('*', failedAuthLimit({ windows: deps.limits }));
  app.use('*', bodyLimit({ rules: bodyRules(deps.config) }));
  app.onError(handleError(log));
  app.notFound((c) => c.json(errorBody('not_found', `no route ${c.req.method} ${c.req.path}`), 404));

  app.get('/healthz', (c) => c.json({ ok: true }));
  app.get('/readyz', async (c) => {
    const notReady = extras.notReady ?? (() => sql`select 1`.execute(deps.db).then(() => null, () => 'database unreachable'));
    const reason = await notReady();
    return reason ? c.json({ ok: false, reason }, 503) : c.json({ ok: true });
  });
  if (extras.metrics?.token) app.get('/metrics', metricsHandler(extras.metrics.exposition, extras.metrics.token));

  const docs: RouteDoc[] = [...sessionDocs, ...webhookDocs, ...captureDocs, ...mediaDocs, ...opsDocs];
  // A capture flow makes a few dozen requests (1 MiB chunks of a ≤ 200 MB video included); 600 a
  // minute leaves a phone room and stops a script. Liveness verify is heavy (models): 30 a minute.
  app.use('/v1/capture/*', rateLimit({ name: 'capture', limit: deps.config.CAPTURE_RATE_LIMIT, key: tokenOrIp, windows: deps.limits }));
  app.use('/v1/liveness/verify', rateLimit({ name: 'liveness', limit: 30, key: (_r, ip) => ip, windows: deps.limits }));
  app.use('/webapi/*', rateLimit({ name: 'webapi', limit: 30, key: (_r, ip) => ip, windows: deps.limits }));
  app.route('/', mediaRoutes(deps));
  app.route('/v1/capture', captureRoutes(deps));
  for (const r of extras.publicRoutes ?? []) {
    app.route('/', r.app);
    docs.push(...(r.docs ?? []));
  }

  const v1 = new Hono<{ Variables: Vars }>();
  v1.use('*', apiKeyAuth(deps));
  v1.route('/sessions', sessionRoutes(deps));
  v1.route('/webhooks', webhookRoutes(deps));
  v1.route('/project', projectSettingsRoutes(deps));
  docs.push(...projectSettingsDocs);
  for (const r of extras.apiRoutes ?? []) {
    v1.route(r.path, r.app);
    docs.push(...r.docs);
  }
  app.route('/v1', v1);

  const rules = bodyRules(deps.config);
  const spec = openapiDocument(docs, deps.config.PUBLIC_URL, (method, path) => {
    const r = bodyRuleFor(rules, method, path);
    return { bytes: r.bytes, text: `${formatBytes(r.bytes)} (${r.why})` };
  });
  app.get('/openapi.json', (c) => c.json(spec));
  app.get('/docs', (c) => c.html(docsPage(), 200, { 'content-security-policy': docsCsp(deps.config.PUBLIC_URL) }));
  const swaggerDir = createRequire(import.meta.url).resolve('swagger-ui-dist/package.json').replace(/package\.json$/, '');
  app.get('/docs/assets/init.js', (c) => c.body("window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true, persistAuthorization: false });", 200, { 'content-type': 'text/javascript' }));
  app.get('/docs/assets/:file{swagger-ui(-bundle\\.js|\\.css)}', async (c) => {
    const file = c.req.param('file');
    const body = await readFile(join(swaggerDir, file));
    return c.body(body, 200, { 'content-type': file.endsWith('.css') ? 'text/css' : 'text/javascript', 'cache-control': 'public, max-age=86400' });
  });
  return app;
}
