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
import type { RouteDoc } from '../openapi.ts';
import { bodyStream, jsonBody } from '../validate.ts';

const startUploadBody = z.strictObject({ content_type: z.enum(['video/webm', 'video/mp4', 'video/quicktime']), size: z.number().int().positive() });
const IMAGES = ['image/jpeg', 'image/png', 'image/webp'];

export const captureDocs: RouteDoc[] = [
  { method: 'get', path: '/v1/capture/session', tag: 'capture', auth: 'capture', summary: 'What the capture page must do for this session', responses: { 200: 'capture plan', 401: 'bad token' } },
  { method: 'put', path: '/v1/capture/document/front', tag: 'capture', auth: 'capture', summary: 'Upload the document front (JPEG/PNG/WebP, sniffed)', binary: IMAGES, responses: { 200: 'stored', 413: 'too large', 415: 'not an image', 422: 'unreadable' } },
  { method: 'put', path: '/v1/capture/document/back', tag: 'capture', auth: 'capture', summary: 'Upload the document back', binary: IMAGES, responses: { 200: 'stored' } },
  { method: 'put', path: '/v1/capture/selfie', tag: 'capture', auth: 'capture', summary: 'Upload the selfie', binary: IMAGES, responses: { 200: 'stored' } },
  { method: 'put', path: '/v1/capture/video', tag: 'capture', auth: 'capture', summary: 'Upload the recorded video (webm/mp4, streamed)', binary: ['video/webm', 'video/mp4'], responses: { 200: 'stored', 422: 'unreadable or too long' } },
  { method: 'post', path: '/v1/capture/video/uploads', tag: 'capture', auth: 'capture', summary: 'Start a resumable video upload', body: startUploadBody, responses: { 201: 'upload started' } },
  { method: 'head', path: '/v1/capture/video/uploads/{id}', tag: 'capture', auth: 'capture', summary: 'Bytes received so far (Upload-Offset header)', responses: { 204: 'offset in header' } },
  { method: 'patch', path: '/v1/capture/video/uploads/{id}', tag: 'capture', auth: 'capture', summary: 'Append a chunk at Upload-Offset', binary: ['application/offset+octet-stream'], responses: { 200: 'new offset', 409: 'offset mismatch' } },
  { method: 'post', path: '/v1/capture/client-info', tag: 'capture', auth: 'capture', summary: 'Record device and network signals', body: clientInfoBody, responses: { 200: 'recorded' } },
  { method: 'post', path: '/v1/capture/phrase/attempts', tag: 'capture', auth: 'capture', summary: 'Submit one spoken-phrase attempt (audio or video clip); answers { status, userInput, attemptNumber, remaining, state }', binary: ['audio/wav', 'audio/webm', 'video/webm', 'video/mp4'], responses: { 200: 'attempt record', 409: 'no attempts left' } },
  { method: 'post', path: '/v1/capture/complete', tag: 'capture', auth: 'capture', summary: 'Submit the capture; processing starts. Optional body: when the phrase was said and when the page saw each challenge (narrows the server search, never trusted as a result)', body: completeCaptureBody, bodyOptional: true, responses: { 200: 'submitted', 409: 'steps incomplete', 422: 'invalid report' } },
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
