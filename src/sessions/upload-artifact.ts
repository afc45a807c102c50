import { createReadStream, createWriteStream } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { AppError } from '../domain/errors.ts';
import { sniffVideo } from '../domain/sniff.ts';
import { storableImage } from '../engines/image-decode.ts';
import { type Actor, captureActor } from '../domain/actor.ts';
import { VIDEO_DURATION_SLACK } from '../domain/session.ts';
import { MediaError, probe } from '../engines/media/ffmpeg.ts';
import { assertDecodable, decodedLength } from '../engines/media/inspect.ts';
import { decodeImage } from '../engines/face/image.ts';
import { assertDocumentQuality, assertSelfieQuality, documentMetrics, selfieMetrics } from './image-quality.ts';
import type { Deps } from '../deps.ts';
import { FILE_MODE, scratchFile, scratchRoot } from '../storage/scratch.ts';
import { sessionBlobPrefix } from './blob-keys.ts';
import type { SessionRecord } from './rows.ts';
import type { ArtifactKind } from './schemas.ts';
import { isErased, recordUpload } from './store.ts';

export type Body = AsyncIterable<Uint8Array>;

/** Reads a small body fully, refusing more than `limit` bytes as soon as they arrive. */
export async function readLimited(body: Body, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of body) {
    n += c.length;
    if (n > limit) throw new AppError('payload_too_large', `upload exceeds ${limit} bytes`, { limit });
    chunks.push(Buffer.from(c));
  }
  return Buffer.concat(chunks);
}

/** `actor`: the capture token's (the route resolved `s` from it), or an API key for the compat APIs. */
export async function uploadImage(deps: Deps, s: SessionRecord, kind: Exclude<ArtifactKind, 'video'>, body: Body, actor: Actor = captureActor(s.project_id, s.id)) {
  const upload = await readLimited(body, deps.config.MAX_IMAGE_BYTES);
  // Sniffed, never trusted from the Content-Type; BMP/netpbm/HEIC are stored as lossless PNG so
  // every later reader of the blob (sharp) opens it (engines/image-decode.ts).
  const stored = await storableImage(upload, deps.config.MAX_IMAGE_PIXELS, 'unsupported_media_type').catch((e: unknown) => {
    // A BMP/netpbm/HEIC that our decoders cannot read is corrupt, as sharp's failures below are.
    throw e instanceof AppError && e.code === 'not_an_image' ? new AppError('media_unreadable', 'the image could not be decoded (truncated or corrupt)') : e;
  });
  const buf = Buffer.from(stored.bytes.buffer, stored.bytes.byteOffset, stored.bytes.length);
  const type = stored.contentType;
  let meta: sharp.Metadata;
  try {
    meta = await sharp(buf, { limitInputPixels: false }).metadata();
    // Decode for real: a truncated file has a valid header but fails here.
    await sharp(buf, { limitInputPixels: deps.config.MAX_IMAGE_PIXELS, failOn: 'truncated' }).resize(8, 8).raw().toBuffer();
  } catch (e) {
    const w = (e as { message?: string }).message ?? '';
    if (/pixel limit/i.test(w)) throw new AppError('image_too_large', `image has more than ${deps.config.MAX_IMAGE_PIXELS} pixels`);
    throw new AppError('media_unreadable', 'the image could not be decoded (truncated or corrupt)');
  }
  const { width = 0, height = 0 } = meta;
  if (width * height > deps.config.MAX_IMAGE_PIXELS) throw new AppError('image_too_large', `image has more than ${deps.config.MAX_IMAGE_PIXELS} pixels`);
  if (deps.config.UPLOAD_QUALITY_GATES) await qualityGate(deps, kind, buf);
  const key = `${sessionBlobPrefix(s.project_id, s.id)}${kind}`;
  await deps.blobs.put(key, buf);
  const artifact = { kind, content_type: type, bytes: buf.length, width, height, orientation: meta.orientation ?? null, source_format: stored.format };
  await saveArtifact(deps, s, actor, key, { kind, content_type: type, bytes: buf.length, meta: JSON.stringify(artifact) });
  return { artifact };
}

/** Refuses an unusable selfie or document photo now, while the user can still retake it (issue 13). */
async function qualityGate(deps: Deps, kind: Exclude<ArtifactKind, 'video'>, buf: Buffer): Promise<void> {
  const image = await decodeImage(buf, deps.config.MAX_IMAGE_PIXELS);
  if (kind === 'selfie') assertSelfieQuality(await selfieMetrics(await deps.engines.face(), image));
  else assertDocumentQuality(await documentMetrics(image));
}

/** Streams a video body to a temp file (never whole in memory), then validates and stores it. */
export async function uploadVideo(deps: Deps, s: SessionRecord, body: Body, actor: Actor = captureActor(s.project_id, s.id)) {
  const tmp = await tempPath(deps, s.id);
  try {
    await streamToFile(body, tmp, deps.config.MAX_VIDEO_BYTES);
    return await finalizeVideo(deps, s, tmp, actor);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * What the streams say, not the header: a few frames of each stream must decode (a patched codec
 * tag probes fine and then fails every decode), and the real length is found by decoding no
 * further than the profile's maximum + slack (a header can claim 10 s for 20 min).
 */
async function inspectVideo(deps: Deps, s: SessionRecord, file: string) {
  const limit = s.profile.video_max_duration + VIDEO_DURATION_SLACK;
  try {
    const p = await probe(deps.media, file, { measure: false });
    if (!p.video) throw new AppError('media_unreadable', 'the file has no video track');
    await assertDecodable(deps.media, file, p.audio !== null);
    const seconds = await decodedLength(deps.media, file, p.audio !== null, limit + 1);
    if (seconds > limit || (p.duration_seconds ?? 0) > limit) {
      throw new AppError('video_too_long', `the video is longer than the maximum of ${s.profile.video_max_duration} s`, { max_seconds: s.profile.video_max_duration });
    }
    return { video: p.video, hasAudio: p.audio !== null, seconds };
  } catch (e) {
    if (e instanceof AppError) throw e;
    if (e instanceof MediaError && e.code === 'tool_missing') throw new AppError('engine_unavailable', e.message);
    // ffmpeg's words stay in the log: they name our scratch path.
    deps.log.info('video refused: not decodable', { session: s.id, err: e instanceof Error ? e.message : String(e) });
    throw new AppError('media_unreadable', 'the video could not be decoded (corrupt, truncated or an unsupported codec)');
  }
}

export async function finalizeVideo(deps: Deps, s: SessionRecord, file: string, actor: Actor = captureActor(s.project_id, s.id)) {
  const type = sniffVideo(await readHead(file));
  if (!type) throw new AppError('unsupported_media_type', 'expected a WebM or MP4 video');
  const { video, hasAudio, seconds } = await inspectVideo(deps, s, file);
  const bytes = (await stat(file)).size;
  const key = `${sessionBlobPrefix(s.project_id, s.id)}video`;
  await deps.blobs.put(key, createReadStream(file), { maxBytes: deps.config.MAX_VIDEO_BYTES });
  // The decoded length, not the header's claim, is what the session reports.
  const artifact = { kind: 'video' as const, content_type: type, bytes, duration_seconds: Math.round(seconds * 1000) / 1000, width: video.width, height: video.height, has_audio: hasAudio };
  // The store sets recorded_at with the artifact row (the aggregate's `upload` of a video).
  await saveArtifact(deps, s, actor, key, { kind: 'video', content_type: type, bytes, meta: JSON.stringify(artifact) });
  return { artifact };
}

/** The first bytes of a file, for content sniffing. */
export async function readHead(file: string, n = 16): Promise<Uint8Array> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(n);
    const { bytesRead } = await fh.read(head, 0, n, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** `cipher`: a transform applied after counting (resumable parts encrypted at rest). */
export async function streamToFile(body: Body, file: string, limit: number, flags: 'w' | 'a' = 'w', already = 0, cipher?: Transform): Promise<number> {
  let n = already;
  const meter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      n += chunk.length;
      if (n > limit) return cb(new AppError('payload_too_large', `upload exceeds ${limit} bytes`, { limit }));
      cb(null, chunk);
    },
  });
  const out = createWriteStream(file, { flags, mode: FILE_MODE });
  await (cipher ? pipeline(body, meter, cipher, out) : pipeline(body, meter, out));
  return n;
}

/** A scratch path for an upload of session `owner` (removed on erase and at start-up). */
export function tempPath(deps: Pick<Deps, 'config'>, owner: string): Promise<string> {
  return scratchFile(scratchRoot(deps.config.DATA_DIR), owner);
}

/**
 * Commits the artifact row through the store. A session erased while the bytes were being stored
 * refuses it; the bytes then go too, since erase may have emptied the session's blobs before they
 * arrived (other refusals keep the blob: the key is the kind's, an earlier upload's row uses it).
 */
async function saveArtifact(deps: Deps, s: SessionRecord, actor: Actor, key: string, a: { kind: ArtifactKind; content_type: string; bytes: number; meta: string }) {
  try {
    await recordUpload(deps, { projectId: s.project_id, sessionId: s.id }, { ...a, blob_key: key }, actor);
  } catch (e) {
    if (isErased(e)) await deps.blobs.delete(key).catch(() => undefined);
    throw e;
  }
}
