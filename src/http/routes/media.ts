import { Hono } from 'hono';
import { Readable } from 'node:stream';
import { AppError } from '../../domain/errors.ts';
import { verifyMediaPath } from '../../domain/signing.ts';
import type { Deps } from '../../deps.ts';
import { fails, type RouteDoc } from '../openapi.ts';
import { BlobIntegrityError } from '../../storage/blob-port.ts';

export const mediaDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/sessions/{id}/media/{kind}', tag: 'media', auth: 'signedUrl', summary: 'An artifact\'s bytes through its signed link (artifacts[].url of GET /v1/sessions/{id})',
    description: 'No API key: the HMAC in ?exp&sig covers the path and the expiry (MEDIA_URL_TTL_SECONDS, 1 h default). Every byte is authenticated before the answer starts.',
    responses: {
      200: { description: 'The artifact', binary: ['image/jpeg', 'image/png', 'image/webp', 'video/webm', 'video/mp4'] },
      403: fails('Link signature invalid or expired: fetch the session again', 'media_url_invalid', 'media_url_expired'),
      404: fails('No such artifact (erased?)', 'not_found'),
      500: fails('The stored bytes failed their integrity check', 'media_integrity_failed'),
    } },
];

/**
 * Signed media URLs: `/v1/sessions/{id}/media/{kind}?exp=…&sig=…`. The HMAC covers the path and the
 * expiry, so neither can be changed; no API key is needed while the link is valid (1 h default).
 */
/** Lifetime of a presigned object-store URL behind a vkyc media link (MEDIA_DELIVERY=presigned). */
const PRESIGNED_TTL_SECONDS = 60;

export function mediaRoutes(deps: Deps) {
  const app = new Hono();
  app.get('/v1/sessions/:id/media/:kind', async (c) => {
    const exp = Number(c.req.query('exp'));
    const sig = c.req.query('sig') ?? '';
    if (!Number.isInteger(exp) || !verifyMediaPath(deps.secret, c.req.path, exp, sig)) throw new AppError('media_url_invalid', 'media link signature is not valid');
    if (exp * 1000 < deps.clock.now().getTime()) throw new AppError('media_url_expired', 'media link has expired; fetch the session again for a fresh one');
    const a = await deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', c.req.param('id')).where('kind', '=', c.req.param('kind')).executeTakeFirst();
    if (!a) throw new AppError('not_found', 'media not found');
    if (deps.config.MEDIA_DELIVERY === 'presigned' && deps.blobs.presign) {
      // The vkyc link stays the one handed out (and checked above); the store's own URL lives for a
      // minute at most, never past the vkyc link's expiry, and is not cached.
      const left = Math.floor(exp - deps.clock.now().getTime() / 1000);
      const url = await deps.blobs.presign(a.blob_key, { expiresInSeconds: Math.max(1, Math.min(PRESIGNED_TTL_SECONDS, left)), contentType: a.content_type });
      c.header('cache-control', 'private, no-store');
      c.header('referrer-policy', 'no-referrer');
      return c.redirect(url, 302);
    }
    // Every byte is authenticated before the status line goes out: tampered or corrupt at rest
    // (logged by the store) is an error, never a 200 with bytes that did not verify.
    const stream = await deps.blobs.get(a.blob_key, { verifyAll: true }).catch((e: unknown) => {
      if (e instanceof BlobIntegrityError) throw new AppError('media_integrity_failed', 'the stored media failed its integrity check');
      throw e;
    });
    c.header('content-type', a.content_type);
    c.header('cache-control', 'private, no-store');
    c.header('x-content-type-options', 'nosniff');
    c.header('content-length', String(a.bytes)); // plaintext size, also when stored encrypted
    return c.body(Readable.toWeb(stream as Readable) as ReadableStream);
  });
  return app;
}
