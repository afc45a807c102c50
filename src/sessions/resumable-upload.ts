import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rm, stat, truncate } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { AppError } from '../domain/errors.ts';
import { newUploadId } from '../domain/ids.ts';
import { SESSION_TTL } from '../domain/session.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { SessionRecord } from './rows.ts';
import { type Body, finalizeVideo, streamToFile, tempPath } from './upload-artifact.ts';
import { partCipher, partKey } from '../storage/part-cipher.ts';
import { FILE_MODE } from '../storage/scratch.ts';

// tus-like resumable video upload: the phone may lose its connection mid-upload; it asks the
// server how much arrived (HEAD) and continues from there (PATCH with Upload-Offset). Parts live on
// local disk under DATA_DIR/uploads (0700; files 0600) until the last byte arrives, then go through
// the same validation as a one-shot upload. With BLOB_ENCRYPTION_KEY the part is encrypted as it is
// written (part-cipher.ts) and decrypted into scratch only for the final validation.

export const uploadsDir = (deps: Pick<Deps, 'config'>) => join(deps.config.DATA_DIR, 'uploads');
export const partPath = (deps: Pick<Deps, 'config'>, id: string) => join(uploadsDir(deps), `${id}.part`);
const partKeyOf = (deps: Pick<Deps, 'config'>) => (deps.config.BLOB_ENCRYPTION_KEY ? partKey(Buffer.from(deps.config.BLOB_ENCRYPTION_KEY, 'hex')) : null);

export async function startUpload(deps: Deps, s: SessionRecord, size: number, contentType: string) {
  if (size > deps.config.MAX_VIDEO_BYTES) throw new AppError('payload_too_large', `upload exceeds ${deps.config.MAX_VIDEO_BYTES} bytes`);
  const id = newUploadId();
  await mkdir(uploadsDir(deps), { recursive: true, mode: 0o700 });
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
    const key = partKeyOf(deps);
    received = await streamToFile(body, partPath(deps, id), u.size, offset === 0 ? 'w' : 'a', offset, key ? partCipher(key, id, offset) : undefined);
  } catch (e) {
    // A cut connection: the offset is not advanced, the client asks for it and resumes.
    if (e instanceof AppError) throw e;
    throw new AppError('upload_offset_mismatch', 'the chunk was interrupted; ask for the offset and resume', { offset: u.received });
  }
  await deps.db.updateTable('uploads').set({ received }).where('id', '=', id).execute();
  if (received < u.size) return { offset: received, size: u.size, complete: false };
  const key = partKeyOf(deps);
  const plain = key ? await tempPath(deps, s.id) : partPath(deps, id);
  try {
    if (key) await pipeline(createReadStream(partPath(deps, id)), partCipher(key, id, 0), createWriteStream(plain, { mode: FILE_MODE }));
    const res = await finalizeVideo(deps, s, plain);
    return { offset: received, size: u.size, complete: true, ...res };
  } finally {
    await rm(plain, { force: true });
    await rm(partPath(deps, id), { force: true });
    await deps.db.deleteFrom('uploads').where('id', '=', id).execute();
  }
}

/**
 * Start-up clean-up of parts nobody can finish: no upload row any more (erased, or a crash between
 * completing and deleting), or older than the longest session lifetime (the session cannot take
 * uploads any more). Returns how many parts were removed.
 */
export async function removeStaleParts(deps: Deps): Promise<number> {
  const names = (await readdir(uploadsDir(deps)).catch(() => [] as string[])).filter((n) => n.endsWith('.part'));
  const oldest = deps.clock.now().getTime() - SESSION_TTL.max * 1000;
  let removed = 0;
  for (const n of names) {
    const id = n.slice(0, -'.part'.length);
    const row = await deps.db.selectFrom('uploads').select('id').where('id', '=', id).executeTakeFirst();
    const st = await stat(join(uploadsDir(deps), n)).catch(() => null);
    if (row && st && st.mtimeMs >= oldest) continue;
    await rm(join(uploadsDir(deps), n), { force: true });
    if (row) await deps.db.deleteFrom('uploads').where('id', '=', id).execute();
    removed++;
  }
  return removed;
}
