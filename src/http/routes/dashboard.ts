import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono } from 'hono';

// The reviewers' dashboard: static files over the dashboard API (/dashboard/api, signed in with an
// account; http/dashboard/). The page never holds an API key.
const FILES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'styles.css': 'text/css; charset=utf-8' };
const CSP = "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; script-src 'self'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
// form-action 'none': the forms are sent by script as JSON; if the script did not run, a browser
// must not submit a password in a URL or anywhere else.

export function dashboardRoutes(webDir: string) {
  const app = new Hono();
  const dir = join(webDir, 'dashboard');
  app.get('/dashboard', async (c) => c.html(await readFile(join(dir, 'index.html'), 'utf8'), 200, { 'content-security-policy': CSP, 'cache-control': 'no-cache' }));
  app.get('/assets/dashboard/:file', async (c) => {
    const type = FILES[c.req.param('file')];
    if (!type) return c.notFound();
    return c.body(await readFile(join(dir, c.req.param('file'))), 200, { 'content-type': type, 'cache-control': 'no-cache' });
  });
  app.get('/', (c) => c.redirect('/docs'));
  return app;
}
