import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { AppError } from '../../domain/errors.ts';
import { verifyMediaPath } from '../../domain/signing.ts';
import type { Deps } from '../../deps.ts';
import { loadSession } from '../../sessions/rows.ts';
import { apiKeyAuth, apiKeyOf, principalOf, type Vars } from '../auth.ts';
import { fails, type RouteDoc } from '../openapi.ts';
import { sessionDocs, sessionRoutes } from '../routes/sessions.ts';
import { createSessionBody } from '../../sessions/schemas.ts';

// Verilock-compatible paths. Verilock's API lives under `/api/v1/…` (its sample creates sessions at
// `https://verilock.io/api/v1/sessions` and links videos at `…/api/v1/sessions/{id}/video/download`);
// vkyc's native API is `/v1/…`. The bodies are the same, so the aliases mount the native session
// routes unchanged: a Verilock client changes only the base URL and the key.

/** Every native session route is mounted under /api/v1 too (same bodies and answers). */
export const verilockDocs: RouteDoc[] = [
  ...sessionDocs.map((d): RouteDoc => ({ ...d, path: d.path.replace(/^\/v1\//, '/api/v1/'), tag: 'compat: Verilock', summary: `Alias of ${d.method.toUpperCase()} ${d.path}: ${d.summary}` })),
  { method: 'get', path: '/api/v1/sessions/{id}/video/download', tag: 'compat: Verilock', auth: 'signedUrl', summary: 'The recorded video',
    description: 'Either the signed link from video_url (?exp&sig, valid 1 h by default, no key) or an API key (Authorization: Bearer / x-api-key).',
    responses: {
      200: { description: 'Video bytes (attachment)', binary: ['video/webm', 'video/mp4', 'video/quicktime'] },
      401: fails('Neither a signed link nor a valid API key', 'unauthorized', 'api_key_invalid'),
      403: fails('Link signature invalid or expired', 'media_url_invalid', 'media_url_expired'),
      404: fails('No such session, or no video', 'session_not_found', 'not_found'),
      429: fails('Too many failed credentials from this address', 'rate_limited'),
    } },
];

const EXTENSIONS: Record<string, string> = { 'video/webm': 'webm', 'video/mp4': 'mp4', 'video/quicktime': 'mov' };

/** Which project may read the video: the signed link proves it for its session, a key for its project. */
async function downloadScope(deps: Deps, c: { req: { path: string; query(n: string): string | undefined; header(n: string): string | undefined } }): Promise<{ projectId: string | null }> {
  const sig = c.req.query('sig');
  const expRaw = c.req.query('exp');
  if (sig !== undefined || expRaw !== undefined) {
    const exp = Number(expRaw);
    if (!Number.isInteger(exp) || !verifyMediaPath(deps.secret, c.req.path, exp, sig ?? '')) throw new AppError('media_url_invalid', 'media link signature is not valid');
    if (exp * 1000 < deps.clock.now().getTime()) throw new AppError('media_url_expired', 'media link has expired; fetch the video result again for a fresh one');
    return { projectId: null };
  }
  const p = await principalOf(deps, apiKeyOf(c.req), 'missing API key (Authorization: Bearer vk_… or x-api-key) or a signed link (?exp=…&sig=…)');
  return { projectId: p.projectId };
}

export function verilockRoutes(deps: Deps) {
  const app = new Hono();
  // Registered before the key middleware below: a signed link needs no key.
  app.get('/api/v1/sessions/:id/video/download', async (c) => {
    const scope = await downloadScope(deps, c);
    const id = c.req.param('id');
    if (scope.projectId) await loadSession(deps.db, scope.projectId, id); // 404 for another project's session
    const a = await deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', id).where('kind', '=', 'video').executeTakeFirst();
    if (!a) throw new AppError('not_found', 'this session has no recorded video');
    const stream = await deps.blobs.get(a.blob_key);
    c.header('content-type', a.content_type);
    c.header('content-disposition', `attachment; filename="${id}.${EXTENSIONS[a.content_type.split(';')[0] ?? ''] ?? 'bin'}"`);
    c.header('cache-control', 'private, no-store');
    c.header('content-length', String(a.bytes)); // plaintext size, also when stored encrypted
    return c.body(Readable.toWeb(stream as Readable) as ReadableStream);
  });
  const api = new Hono<{ Variables: Vars }>();
  api.use('*', apiKeyAuth(deps));
  api.route('/', sessionRoutes(deps));
  app.route('/api/v1/sessions', api);
  return app;
}
