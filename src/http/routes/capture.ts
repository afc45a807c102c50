import { Hono } from 'hono';
import { z } from 'zod';
import { captureActor } from '../../domain/actor.ts';
import { AppError } from '../../domain/errors.ts';
import type { Deps } from '../../deps.ts';
import { assertStep, captureSession } from '../../sessions/capture-guard.ts';
import { captureView, completeCapture, saveClientInfo } from '../../sessions/complete-capture.ts';
import { CAPTURE_REPORT_MAX_BYTES, completeCaptureBody } from '../../sessions/capture-report.ts';
import { appendChunk, startUpload, uploadOffset } from '../../sessions/resumable-upload.ts';
import { clientInfoBody } from '../../sessions/schemas.ts';
import { submitPhraseAttempt } from '../../sessions/phrase-attempt.ts';
import { startLiveness } from '../../sessions/liveness-check.ts';
import { uploadImage, uploadVideo } from '../../sessions/upload-artifact.ts';
import { captureTokenOf } from '../auth.ts';
import { clientIp, peerOf } from '../client-ip.ts';
import { fails, ok, type RouteDoc } from '../openapi.ts';
import { CaptureSubmitted, CaptureView, ChunkAppended, ClientInfoSaved, ImageStored, PhraseAttempt, UploadOffset, UploadStarted, VideoStored } from '../contract/capture.ts';
import { bodyStream, jsonBody } from '../validate.ts';

const startUploadBody = z.strictObject({ content_type: z.enum(['video/webm', 'video/mp4', 'video/quicktime']), size: z.number().int().positive() });
// Told by magic bytes, whatever the Content-Type (engines/image-decode.ts ACCEPTED_IMAGE_FORMATS).
const IMAGES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/bmp', 'image/tiff', 'image/x-portable-anymap', 'image/heic', 'image/avif'];

const open = fails('The session no longer takes captures', 'session_expired', 'session_canceled', 'session_already_completed');
const image = (side: string): RouteDoc['responses'] => ({
  200: ok(ImageStored, `${side} stored (replaces an earlier upload)`),
  409: fails('The session no longer takes captures, or its profile has no such step', 'session_expired', 'session_canceled', 'session_already_completed', 'step_not_in_profile'),
  415: fails('Not an image (unsupported_media_type), or an image format we do not read, e.g. SVG, PDF, JPEG 2000, JPEG XL (unsupported_image_format, details.format names it); sniffed from the bytes', 'unsupported_media_type', 'unsupported_image_format'),
  422: fails('Undecodable, too many pixels, or (UPLOAD_QUALITY_GATES) unusable: retake it', 'media_unreadable', 'image_too_large', 'no_face', 'multiple_faces', 'face_too_small', 'selfie_eyes_closed', 'image_blurry', 'image_glare'),
});
const videoStep = fails('The session no longer takes captures, or has no self-recorded video', 'session_expired', 'session_canceled', 'session_already_completed', 'step_not_in_profile');
const uploadHeaders = { 'upload-offset': 'Bytes received so far', 'upload-length': 'Total size declared at start' };

export const captureDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/capture/session', tag: 'capture', auth: 'capture', summary: 'What the capture page must do for this session (steps, phrase, challenges)', responses: { 200: ok(CaptureView, 'Capture plan') } },
  { method: 'put', path: '/v1/capture/document/front', tag: 'capture', auth: 'capture', summary: 'Upload the document front (JPEG, PNG, WebP, GIF, BMP, TIFF, PGM/PPM, HEIC, AVIF; sniffed)', binary: IMAGES, responses: image('Document front') },
  { method: 'put', path: '/v1/capture/document/back', tag: 'capture', auth: 'capture', summary: 'Upload the document back (profile.document_back)', binary: IMAGES, responses: image('Document back') },
  { method: 'put', path: '/v1/capture/selfie', tag: 'capture', auth: 'capture', summary: 'Upload the selfie', binary: IMAGES, responses: image('Selfie') },
  { method: 'put', path: '/v1/capture/video', tag: 'capture', auth: 'capture', summary: 'Upload the recorded video in one request (webm/mp4, streamed to disk)', binary: ['video/webm', 'video/mp4'],
    responses: { 200: ok(VideoStored, 'Stored'), 409: videoStep, 415: fails('Not WebM or MP4', 'unsupported_media_type'), 422: fails('Undecodable or longer than video_max_duration', 'media_unreadable', 'video_too_long') } },
  { method: 'post', path: '/v1/capture/video/uploads', tag: 'capture', auth: 'capture', summary: 'Start a resumable video upload (then PATCH chunks; HEAD tells where to resume)', body: startUploadBody,
    example: { content_type: 'video/webm', size: 2483120 }, responses: { 201: ok(UploadStarted, 'Upload started'), 409: videoStep } },
  { method: 'get', path: '/v1/capture/video/uploads/{id}', tag: 'capture', auth: 'capture', summary: 'Bytes received so far', responses: { 200: ok(UploadOffset, 'Offset', { headers: uploadHeaders }), 404: fails('No such upload for this session', 'not_found') } },
  { method: 'head', path: '/v1/capture/video/uploads/{id}', tag: 'capture', auth: 'capture', summary: 'Bytes received so far, in the Upload-Offset header', responses: { 200: { description: 'Offset in the headers', headers: uploadHeaders, empty: true }, 404: { description: 'No such upload (no body: HEAD)', empty: true } } },
  { method: 'patch', path: '/v1/capture/video/uploads/{id}', tag: 'capture', auth: 'capture', summary: 'Append a chunk at Upload-Offset; the last chunk validates and stores the video', binary: ['application/offset+octet-stream'],
    headers: { 'upload-offset': 'Required: where this chunk starts (the offset the server reported)' },
    responses: { 200: ok(ChunkAppended, 'New offset (complete with the artifact after the last byte)', { headers: { 'upload-offset': 'Bytes received so far' } }), 404: fails('No such upload for this session', 'not_found'),
      409: fails('Offset mismatch or interrupted chunk: ask for the offset and resume; or the session no longer takes captures', 'upload_offset_mismatch', 'session_expired', 'session_canceled', 'session_already_completed'),
      415: fails('The completed upload is not WebM or MP4', 'unsupported_media_type'), 422: fails('Bad Upload-Offset header; or the completed video is undecodable or too long', 'validation_failed', 'media_unreadable', 'video_too_long') } },
  { method: 'post', path: '/v1/capture/client-info', tag: 'capture', auth: 'capture', summary: 'Record device and network signals (risk stage)', body: clientInfoBody,
    example: { user_agent: 'Mozilla/5.0 …', timezone: 'Europe/Berlin', language: 'de-DE', screen: { width: 390, height: 844, pixel_ratio: 3 }, camera_label: 'Front Camera', webdriver: false },
    responses: { 200: ok(ClientInfoSaved, 'Recorded'), 409: open } },
  { method: 'post', path: '/v1/capture/phrase/attempts', tag: 'capture', auth: 'capture', summary: 'Submit one spoken-phrase attempt (audio or video clip), checked at once so the user can retry (3 attempts)', binary: ['audio/wav', 'audio/webm', 'video/webm', 'video/mp4'],
    responses: { 200: ok(PhraseAttempt, 'Attempt record'), 409: fails('No phrase in this session, no attempts left, or another attempt was recorded at the same time', 'step_not_in_profile', 'attempts_exhausted', 'idempotency_conflict', 'session_expired', 'session_canceled', 'session_already_completed'),
      415: fails('Not a WAV, WebM, Ogg or MP4 clip', 'unsupported_media_type'), 422: fails('The clip has no readable audio', 'media_unreadable') } },
  { method: 'post', path: '/v1/capture/complete', tag: 'capture', auth: 'capture', summary: 'Submit the capture; processing starts',
    description: 'Optional body: when the phrase was said and when the page saw each challenge (seconds into the video). It narrows where the server looks and is never trusted as a result.',
    body: completeCaptureBody, bodyOptional: true, example: { phrase_window: { from: 2.1, to: 6.8 }, challenge_events: [{ type: 'turn_left', index: 0, shown_at: 7.0, seen_at: 8.2 }] },
    responses: { 200: ok(CaptureSubmitted, 'Submitted'), 409: fails('Steps missing (details.missing), or already submitted/ended', 'steps_incomplete', 'session_already_completed', 'session_expired', 'session_canceled'), 422: fails('The report does not match the capture plan', 'validation_failed') } },
];

export function captureRoutes(deps: Deps) {
  const app = new Hono();
  const session = (c: { req: { header(n: string): string | undefined } }, forWrite = true) => captureSession(deps, captureTokenOf(c.req.header('authorization')), { forWrite });
  // The capture token names exactly one session: whoever holds it acts as that session's capture.
  const tokenActor = (s: { id: string; project_id: string }) => captureActor(s.project_id, s.id);

  app.get('/session', async (c) => c.json(await captureView(deps, await session(c, false))));
  for (const [path, kind, step] of [['/document/front', 'document_front', 'document'], ['/document/back', 'document_back', 'document'], ['/selfie', 'selfie', 'selfie']] as const) {
    app.put(path, async (c) => {
      const s = await session(c);
      assertStep(s, step);
      return c.json(await uploadImage(deps, s, kind, bodyStream(c), tokenActor(s)));
    });
  }
  app.put('/video', async (c) => {
    const s = await session(c);
    assertStep(s, 'video');
    return c.json(await uploadVideo(deps, s, bodyStream(c), tokenActor(s)));
  });
  app.post('/video/uploads', async (c) => {
    const s = await session(c);
    assertStep(s, 'video');
    const b = await jsonBody(c, startUploadBody);
    return c.json(await startUpload(deps, s, b.size, b.content_type), 201);
  });
  // Hono answers HEAD with this GET handler (body dropped): the offset travels in headers too.
  app.get('/video/uploads/:id', async (c) => {
    const o = await uploadOffset(deps, await session(c), c.req.param('id'));
    c.header('upload-offset', String(o.offset));
    c.header('upload-length', String(o.size));
    return c.json(o);
  });
  app.patch('/video/uploads/:id', async (c) => {
    const s = await session(c);
    const offset = Number(c.req.header('upload-offset'));
    if (!Number.isInteger(offset) || offset < 0) throw new AppError('validation_failed', 'Upload-Offset header must be a non-negative integer');
    const r = await appendChunk(deps, s, c.req.param('id'), offset, bodyStream(c));
    c.header('upload-offset', String(r.offset));
    return c.json(r);
  });
  app.post('/client-info', async (c) => {
    const s = await session(c, false);
    const ip = clientIp(c);
    // Both sides of the address decision are kept: risk's spoofed_ip compares them (risk/spoofed-ip.ts).
    const network = { ip, socket_ip: peerOf(c), forwarded_for: c.req.header('x-forwarded-for')?.slice(0, 1024) ?? null };
    return c.json(await saveClientInfo(deps, s, await jsonBody(c, clientInfoBody), network, tokenActor(s)));
  });
  app.post('/complete', async (c) => {
    const s = await session(c);
    return c.json(await completeCapture(deps, s, await jsonBody(c, completeCaptureBody, CAPTURE_REPORT_MAX_BYTES), tokenActor(s)));
  });
  app.post('/liveness/start', async (c) => c.json(startLiveness(deps, await session(c))));
  app.post('/phrase/attempts', async (c) => {
    const s = await session(c);
    return c.json(await submitPhraseAttempt(deps, s, bodyStream(c), c.req.raw.signal, tokenActor(s)));
  });
  return app;
}
