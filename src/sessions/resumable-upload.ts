import { createWriteStream } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { newUploadId } from '../domain/ids.ts';
import { SESSION_TTL } from '../domain/session.ts';
import { addSeconds, iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { SessionRecord } from './rows.ts';
import { type Body, finalizeVideo, tempPath } from './upload-artifact.ts';
import { BlobTooLargeError } from '../storage/blob-port.ts';
import { FILE_MODE } from '../storage/scratch.ts';
import { sessionBlobPrefix } from './blob-keys.ts';

// tus-like resumable video upload: the phone may lose its connection mid-upload; it asks the
// server how much arrived (HEAD) and continues from there (PATCH with Upload-Offset). Each chunk is
// a blob of its own in the session's blob prefix, and the uploads row holds the offset and the
// ordered chunk list, advanced by one conditional update: so any API node can take the next chunk
// (the parts live in the shared store, not on one node's disk), a cut chunk leaves nothing (a put
// is whole or absent), and two racing chunks for one offset cannot both count. With
// BLOB_ENCRYPTION_KEY the store encrypts each chunk as it does every blob. When the last byte
// arrives the chunks are joined into scratch and go through the same validation as a one-shot upload.

const partsSchema = z.array(z.object({ offset: z.number().int().min(0), key: z.string() }));
type Parts = z.infer<typeof partsSchema>;

const uploadPrefix = (s: Pick<SessionRecord, 'project_id' | 'id'>, id: string) => `${sessionBlobPrefix(s.project_id, s.id)}uploads/${id}/`;

/** Every chunk blob of an upload: finished, abandoned or erased. */
export const discardUpload = (deps: Pick<Deps, 'blobs'>, s: Pick<SessionRecord, 'project_id' | 'id'>, id: string) => deps.blobs.deletePrefix(uploadPrefix(s, id));

export async function startUpload(deps: Deps, s: SessionRecord, size: number, contentType: string) {
  if (size > deps.config.MAX_VIDEO_BYTES) throw new AppError('payload_too_large', `upload exceeds ${deps.config.MAX_VIDEO_BYTES} bytes`);
  const id = newUploadId();
  await deps.db.insertInto('uploads').values({ id, session_id: s.id, project_id: s.project_id, kind: 'video', size, received: 0, content_type: contentType, created_at: iso(deps.clock.now()), parts: '[]' }).execute();
  return { upload_id: id, offset: 0, size };
}

async function loadUpload(deps: Deps, s: SessionRecord, id: string) {
  const u = await deps.db.selectFrom('uploads').selectAll().where('id', '=', id).where('session_id', '=', s.id).executeTakeFirst();
  if (!u) throw new AppError('not_found', `no upload ${id}`);
  return u;
}

export async function uploadOffset(deps: Deps, s: SessionRecord, id: string) {
  const u = await loadUpload(deps, s, id);
  return { offset: u.received, size: u.size };
}

const mismatch = (received: number, why = `the server has ${received} bytes; continue from there`) => new AppError('upload_offset_mismatch', why, { offset: received });

export async function appendChunk(deps: Deps, s: SessionRecord, id: string, offset: number, body: Body) {
  const u = await loadUpload(deps, s, id);
  if (offset !== u.received) throw mismatch(u.received);
  // Unique per attempt: a chunk that loses a race for its offset deletes only its own blob.
  const key = `${uploadPrefix(s, id)}${String(offset).padStart(12, '0')}-${randomBytes(6).toString('hex')}`;
  let bytes: number;
  try {
    ({ bytes } = await deps.blobs.put(key, body, { maxBytes: u.size - offset }));
  } catch (e) {
    if (e instanceof BlobTooLargeError) throw new AppError('payload_too_large', `upload exceeds its declared size of ${u.size} bytes`, { limit: u.size });
    if (e instanceof AppError) throw e;
    // A cut connection: nothing was stored, the offset is not advanced; the client asks and resumes.
    throw mismatch(u.received, 'the chunk was interrupted; ask for the offset and resume');
  }
  if (bytes === 0) {
    await deps.blobs.delete(key);
    return { offset: u.received, size: u.size, complete: false };
  }
  const parts: Parts = [...partsOf(u.parts), { offset, key }];
  const res = await deps.db.updateTable('uploads').set({ received: offset + bytes, parts: JSON.stringify(parts) })
    .where('id', '=', id).where('received', '=', offset).executeTakeFirst();
  if (Number(res.numUpdatedRows) === 0) {
    await deps.blobs.delete(key);
    throw mismatch((await loadUpload(deps, s, id)).received);
  }
  const received = offset + bytes;
  if (received < u.size) return { offset: received, size: u.size, complete: false };
  const plain = await tempPath(deps, s.id);
  try {
    await pipeline(Readable.from(chunksOf(deps, parts)), createWriteStream(plain, { mode: FILE_MODE }));
    const done = await finalizeVideo(deps, s, plain);
    return { offset: received, size: u.size, complete: true, ...done };
  } finally {
    await rm(plain, { force: true });
    await discardUpload(deps, s, id);
    await deps.db.deleteFrom('uploads').where('id', '=', id).execute();
  }
}

function partsOf(json: string | null): Parts {
  const parsed = partsSchema.safeParse(JSON.parse(json ?? '[]'));
  if (!parsed.success) throw new Error('stored upload parts are not a valid chunk list');
  return parsed.data;
}

async function* chunksOf(deps: Deps, parts: Parts) {
  for (const p of parts) for await (const c of await deps.blobs.get(p.key)) yield c as Buffer;
}

/**
 * Clean-up of uploads nobody can finish: older than the longest session lifetime (the session
 * cannot take uploads any more). Returns how many were removed. Also removes DATA_DIR/uploads,
 * where earlier versions kept parts on local disk: they hold video and cannot be resumed.
 */
export async function removeStaleParts(deps: Deps): Promise<number> {
  await rm(join(deps.config.DATA_DIR, 'uploads'), { recursive: true, force: true });
  const oldest = iso(addSeconds(deps.clock.now(), -SESSION_TTL.max));
  const stale = await deps.db.selectFrom('uploads').select(['id', 'session_id', 'project_id']).where('created_at', '<', oldest).execute();
  for (const u of stale) {
    await discardUpload(deps, { project_id: u.project_id, id: u.session_id }, u.id);
    await deps.db.deleteFrom('uploads').where('id', '=', u.id).execute();
  }
  return stale.length;
}
