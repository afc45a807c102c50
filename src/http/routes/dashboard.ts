import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { AppError } from '../../domain/errors.ts';

// The reviewers' dashboard: a Preact app (web/dashboard) served from its bundle in
// web/build/dashboard (`npm run build:web`; the server never imports build code), over the
// dashboard API (/dashboard/api, signed in with an account; http/dashboard/). The page never holds
// an API key. Routing is in the URL fragment (#/sessions/ses_…), so /dashboard is the one page.
const FILES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'charts.js': 'text/javascript; charset=utf-8', 'styles.css': 'text/css; charset=utf-8' };
// Everything is our own origin: no inline script or style (uPlot and Preact set styles through the
// CSSOM, which style-src does not govern). img/media blob: for the evidence viewer; data: for a
// branding logo stored as a data URL. connect-src 'self' covers the live-updates stream.
// form-action 'none': the forms are sent by script as JSON; if the script did not run, a browser
// must not submit a password in a URL or anywhere else.
export const DASHBOARD_CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; script-src 'self'; style-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function dashboardRoutes(webDir: string) {
  const app = new Hono();
  const dir = join(webDir, 'build', 'dashboard');
  const ensureBuilt: MiddlewareHandler = async (_c, next) => {
    const built = await stat(join(dir, 'index.html')).then(() => true, () => false);
    if (!built) throw new AppError('capture_page_not_built', 'the dashboard is not built: run `npm run build:web`');
    await next();
  };
  app.get('/dashboard', ensureBuilt, async (c) => c.html(await readFile(join(dir, 'index.html'), 'utf8'), 200, { 'content-security-policy': DASHBOARD_CSP, 'cache-control': 'no-cache', 'x-robots-tag': 'noindex, nofollow' }));
  app.get('/assets/dashboard/:file', ensureBuilt, async (c) => {
    const type = FILES[c.req.param('file')];
    if (!type) return c.notFound();
    return c.body(await readFile(join(dir, c.req.param('file'))), 200, { 'content-type': type, 'cache-control': 'no-cache' });
  });
  app.get('/', (c) => c.redirect('/docs'));
  return app;
}
