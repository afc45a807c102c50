import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { AppError } from '../../domain/errors.ts';

// The two live-call pages (web/calls), served from their bundle in web/build/calls (`npm run
// build:web`, which `npm start`, the test runner and `vkyc serve` run; the server never imports the
// build code):
//   GET /capture/call/:token   the user's call (the token stays in the page; it goes in `join`)
//   GET /dashboard/call        the agent's call (?session=ses_…; the dashboard cookie signs the socket)
// The CSP allows our own origin only; 'self' in connect-src covers ws(s):// to the same host.

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { 'user.js': 'text/javascript; charset=utf-8', 'agent.js': 'text/javascript; charset=utf-8', 'calls.css': 'text/css; charset=utf-8' };

const PROJECT_ROOT = resolve(import.meta.dirname, '../../..');
export const CALL_BUILD_DIR = join(PROJECT_ROOT, 'web', 'build', 'calls');

export function callPageRoutes(outDir: string = CALL_BUILD_DIR) {
  const ensureBuilt: MiddlewareHandler = async (_c, next) => {
    const built = await stat(join(outDir, 'user.html')).then(() => true, () => false);
    if (!built) throw new AppError('capture_page_not_built', 'the live-call pages are not built: run `npm run build:web`');
    await next();
  };
  const page = (file: string) => async () => new Response(await readFile(join(outDir, file)), { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': CSP, 'x-robots-tag': 'noindex, nofollow' } });
  const app = new Hono();
  app.get('/capture/call/:token', ensureBuilt, page('user.html'));
  app.get('/dashboard/call', ensureBuilt, page('agent.html'));
  app.get('/assets/calls/:file', ensureBuilt, async (c) => {
    const type = TYPES[c.req.param('file')];
    if (!type) return c.notFound();
    return new Response(await readFile(join(outDir, c.req.param('file'))), { headers: { 'content-type': type, 'cache-control': 'no-cache' } });
  });
  return app;
}
