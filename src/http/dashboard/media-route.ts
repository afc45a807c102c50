import { Hono } from 'hono';
import { Readable } from 'node:stream';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import { loadSession } from '../../sessions/rows.ts';
import { BlobIntegrityError } from '../../storage/blob-port.ts';
import { parseRange, sliceStream } from './byte-range.ts';
import type { DashVars } from './auth.ts';

// GET /dashboard/api/sessions/{id}/media/{kind}: a session's image or video for the evidence viewer,
// authorised by the sign-in cookie (same origin, no signed link that could leak), with single byte
// ranges so the video player can seek (206 Partial Content).

export function dashboardMediaRoute(deps: Deps) {
  const app = new Hono<{ Variables: DashVars }>();
  app.get('/sessions/:id/media/:kind', async (c) => {
    const projectId = c.get('actor').projectId;
    const s = await loadSession(deps.db, projectId, c.req.param('id'));
    const a = await deps.db.selectFrom('artifacts').selectAll().where('session_id', '=', s.id).where('project_id', '=', projectId).where('kind', '=', c.req.param('kind')).executeTakeFirst();
    if (!a) throw new AppError('not_found', 'media not found');
    const range = parseRange(c.req.header('range'), a.bytes);
    c.header('accept-ranges', 'bytes');
    c.header('cache-control', 'private, no-store');
    c.header('x-content-type-options', 'nosniff');
    if (range.kind === 'unsatisfiable') {
      c.header('content-range', `bytes */${a.bytes}`);
      throw new AppError('range_not_satisfiable', `the range is outside the ${a.bytes} bytes of this media`);
    }
    // Every byte is authenticated before the status line (as the /v1 media route): a tampered blob is an error, never a 200/206.
    const stream = await deps.blobs.get(a.blob_key, { verifyAll: true }).catch((e: unknown) => {
      if (e instanceof BlobIntegrityError) throw new AppError('media_integrity_failed', 'the stored media failed its integrity check');
      throw e;
    });
    c.header('content-type', a.content_type);
    if (range.kind === 'whole') {
      c.header('content-length', String(a.bytes));
      return c.body(Readable.toWeb(stream as Readable) as ReadableStream);
    }
    c.header('content-range', `bytes ${range.start}-${range.end}/${a.bytes}`);
    c.header('content-length', String(range.end - range.start + 1));
    const part = Readable.from(sliceStream(stream as AsyncIterable<Uint8Array>, range.start, range.end));
    // The rest of the blob is not read: end the source when the slice is done or the client leaves.
    part.on('close', () => (stream as Readable).destroy());
    return c.body(Readable.toWeb(part) as ReadableStream, 206);
  });
  return app;
}
