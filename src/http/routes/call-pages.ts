import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Hono, type MiddlewareHandler } from 'hono';
import { buildCallAssets } from '../../../web/calls/build.ts';

// The two live-call pages (web/calls), bundled on first use into DATA_DIR/web/calls:
//   GET /capture/call/:token   the user's call (the token stays in the page; it goes in `join`)
//   GET /dashboard/call        the agent's call (?session=ses_…; the dashboard cookie signs the socket)
// The CSP allows our own origin only; 'self' in connect-src covers ws(s):// to the same host.

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self' blob: mediastream:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { 'user.js': 'text/javascript; charset=utf-8', 'agent.js': 'text/javascript; charset=utf-8', 'calls.css': 'text/css; charset=utf-8' };

export function callPageRoutes(dataDir: string) {
  const outDir = join(dataDir, 'web', 'calls');
  let built: Promise<unknown> | null = null;
  const ensureBuilt: MiddlewareHandler = async (_c, next) => {
    built ??= buildCallAssets(outDir).catch((e) => { built = null; throw e; });
    await built;
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
