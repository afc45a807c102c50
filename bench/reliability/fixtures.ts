// What the case tables act on: sessions of tenant A in several states, their capture tokens, a
// resumable upload, a webhook, signed media URLs. Made through the public API only.
import type { BadMedia } from './bad-media.ts';
import { api, rawRequest } from './http.ts';
import type { TestServer } from './server.ts';

export interface OpenSession { id: string; token: string }

export interface Fixtures {
  base: string;
  keyA: string;
  keyB: string;
  /** document + selfie + video, nothing uploaded yet. */
  full: OpenSession;
  /** video only, video_max_duration 10 s (for the lying-duration WebM). */
  shortVideo: OpenSession;
  /** selfie only, submitted (processing: the server under test runs without workers). */
  submitted: OpenSession;
  /** selfie uploaded (has a signed media URL), not submitted. */
  withMedia: OpenSession & { mediaUrl: string };
  uploadId: string;
  webhookId: string;
  media: BadMedia;
}

export const tokenOf = (captureUrl: string) => new URL(captureUrl).pathname.split('/').pop() ?? '';

export async function createSession(base: string, key: string, profile: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<OpenSession> {
  const r = await api(base, key, 'POST', '/v1/sessions', { profile, ...extra });
  if (r.status !== 201) throw new Error(`session create: ${r.status} ${r.text.slice(0, 300)}`);
  return { id: r.json.id, token: tokenOf(r.json.capture_url) };
}

export async function capture(base: string, token: string, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}) {
  return rawRequest(base, { method, path: `/v1/capture${path}`, headers: { authorization: `Bearer ${token}`, ...headers }, ...(body === undefined ? {} : { body }), timeoutMs: 60_000 });
}

async function must(what: string, p: Promise<{ status: number; text: string }>, ok = [200, 201]) {
  const r = await p;
  if (!ok.includes(r.status)) throw new Error(`${what}: ${r.status} ${r.text.slice(0, 300)}`);
  return r;
}

export async function makeFixtures(srv: TestServer, media: BadMedia): Promise<Fixtures> {
  const base = srv.base;
  const keyA = srv.keys.A!;
  const keyB = srv.keys.B!;
  const full = await createSession(base, keyA, { steps: ['document', 'selfie', 'video'] }, { external_id: 'rel-full' });
  const shortVideo = await createSession(base, keyA, { steps: ['video'], video_max_duration: 10 });
  const submitted = await createSession(base, keyA, { steps: ['selfie'] });
  await must('selfie upload', capture(base, submitted.token, 'PUT', '/selfie', media.goodJpeg, { 'content-type': 'image/jpeg' }));
  await must('complete', capture(base, submitted.token, 'POST', '/complete'));
  const w = await createSession(base, keyA, { steps: ['selfie', 'video'] });
  await must('selfie upload', capture(base, w.token, 'PUT', '/selfie', media.goodJpeg, { 'content-type': 'image/jpeg' }));
  const view = await api(base, keyA, 'GET', `/v1/sessions/${w.id}`);
  const mediaUrl = (view.json?.artifacts ?? []).find((a: { kind: string }) => a.kind === 'selfie')?.url as string | undefined;
  if (!mediaUrl) throw new Error(`no signed media URL in ${view.text.slice(0, 300)}`);
  const up = await must('upload start', capture(base, full.token, 'POST', '/video/uploads', JSON.stringify({ content_type: 'video/webm', size: 1000 }), { 'content-type': 'application/json' }));
  // A public address is the only kind the guard accepts (documentation ranges are refused too). It is
  // never contacted: this server runs no workers while it is registered, and it is deleted before the
  // server restarts with one (reliability.ts).
  const hook = await must('webhook', api(base, keyA, 'POST', '/v1/webhooks', { url: 'http://1.1.1.1:9/rel' }));
  const webhookId = JSON.parse(hook.text).id as string;
  return { base, keyA, keyB, full, shortVideo, submitted, withMedia: { ...w, mediaUrl }, uploadId: JSON.parse(up.text).upload_id, webhookId, media };
}
