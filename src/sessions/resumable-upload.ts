import { mkdir, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../domain/errors.ts';
import { newUploadId } from '../domain/ids.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { SessionRecord } from './rows.ts';
import { type Body, finalizeVideo, streamToFile } from './upload-artifact.ts';

// tus-like resumable video upload: the phone may lose its connection mid-upload; it asks the
// server how much arrived (HEAD) and continues from there (PATCH with Upload-Offset). Parts live on
// local disk under DATA_DIR/uploads until the last byte arrives, then go through the same
// validation as a one-shot upload.

const partPath = (deps: Pick<Deps, 'config'>, id: string) => join(deps.config.DATA_DIR, 'uploads', `${id}.part`);

export async function startUpload(deps: Deps, s: SessionRecord, size: number, contentType: string) {
  if (size > deps.config.MAX_VIDEO_BYTES) throw new AppError('payload_too_large', `upload exceeds ${deps.config.MAX_VIDEO_BYTES} bytes`);
  const id = newUploadId();
  await mkdir(join(deps.config.DATA_DIR, 'uploads'), { recursive: true });
  await deps.db.insertInto('uploads').values({ id, session_id: s.id, project_id: s.project_id, kind: 'video', size, received: 0, content_type: contentType, created_at: iso(deps.clock.now()) }).execute();
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

export async function appendChunk(deps: Deps, s: SessionRecord, id: string, offset: number, body: Body) {
  const u = await loadUpload(deps, s, id);
  if (offset !== u.received) throw new AppError('upload_offset_mismatch', `the server has ${u.received} bytes; continue from there`, { offset: u.received });
  let received: number;
  // An interrupted chunk may have left bytes past the recorded offset: cut them before appending.
  if (offset > 0) await truncate(partPath(deps, id), offset);
  try {
    received = await streamToFile(body, partPath(deps, id), u.size, offset === 0 ? 'w' : 'a', offset);
  } catch (e) {
    // A cut connection: the offset is not advanced, the client asks for it and resumes.
    if (e instanceof AppError) throw e;
    throw new AppError('upload_offset_mismatch', 'the chunk was interrupted; ask for the offset and resume', { offset: u.received });
  }
  await deps.db.updateTable('uploads').set({ received }).where('id', '=', id).execute();
  if (received < u.size) return { offset: received, size: u.size, complete: false };
  try {
    const res = await finalizeVideo(deps, s, partPath(deps, id));
    return { offset: received, size: u.size, complete: true, ...res };
  } finally {
    await rm(partPath(deps, id), { force: true });
    await deps.db.deleteFrom('uploads').where('id', '=', id).execute();
  }
}
