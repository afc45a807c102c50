import type { Readable, Writable } from 'node:stream';
import type { Context, MiddlewareHandler } from 'hono';
import { AppError } from '../domain/errors.ts';
import { errorBody } from './errors.ts';

// Request bodies are limited while they stream, per route: the Content-Length (when sent) is
// checked before anything is read, and the body stream itself counts bytes and errors at the limit
// so a chunked body without Content-Length is cut off too. Nothing here buffers: whoever reads the
// body (jsonBody, an upload writing to disk, multipart parsing) reads through the counter.
// Before this, JSON routes read the whole text first: two 400 MB bodies took the process to 2.5 GB.

const KiB = 1024;
const MiB = 1024 * KiB;

interface BodyRule {
  method: string;
  /** Matched against the request path. */
  path: RegExp;
  bytes: number;
  /** Why this size fits the route (README and OpenAPI show it). */
  why: string;
}

/** Every route not in the table: JSON bodies of a few fields. */
export const DEFAULT_BODY_LIMIT = 64 * KiB;

interface UploadLimits {
  MAX_IMAGE_BYTES: number;
  MAX_VIDEO_BYTES: number;
}

/**
 * The per-route limits. Binary uploads keep their own content limits (MAX_IMAGE_BYTES,
 * MAX_VIDEO_BYTES, checked while streaming to disk); the transport limit here is the same size so
 * a body is never read past it either.
 */
export function bodyRules(c: UploadLimits): BodyRule[] {
  // Base64 turns 3 bytes into 4; multipart framing and JSON keys add a few hundred bytes.
  const base64 = (n: number) => Math.ceil((n * 4) / 3) + 64 * KiB;
  return [
    { method: 'POST', path: /^\/v1\/sessions\/?$/, bytes: 64 * KiB, why: 'profile, ids, expected data and ≤ 16 KiB metadata' },
    { method: 'POST', path: /^\/v1\/capture\/client-info$/, bytes: 8 * KiB, why: 'a dozen device fields, each ≤ 1 KiB' },
    { method: 'POST', path: /^\/liveness\/verify-face$/, bytes: 4 * KiB, why: 'one session id (Verisoul verify-face)' },
    { method: 'POST', path: /^\/api\/v1\/zoloz\/videoverify\/(initialize|checkresult)$/, bytes: 16 * KiB, why: 'ids, names and ≤ 4 KiB metaInfo' },
    // 17 frames (4 challenges at ≥ 10 fps in blink prompts) of a 1080p JPEG (~ 500 KB, ~ 680 KB as
    // base64) take ~ 12 MB; 16 MiB leaves room for the passport image of the seed format.
    { method: 'POST', path: /^\/(v1\/liveness\/verify|webapi\/kyc\/user\/[^/]+\/liveness\/verify)$/, bytes: 16 * MiB, why: 'base64 frames: 17 × 1080p JPEG ≈ 12 MB' },
    { method: 'PUT', path: /^\/v1\/capture\/(document\/front|document\/back|selfie)$/, bytes: c.MAX_IMAGE_BYTES, why: 'one image (MAX_IMAGE_BYTES)' },
    { method: 'PUT', path: /^\/v1\/capture\/video$/, bytes: c.MAX_VIDEO_BYTES, why: 'one video (MAX_VIDEO_BYTES)' },
    { method: 'PATCH', path: /^\/v1\/capture\/video\/uploads\/[^/]+$/, bytes: c.MAX_VIDEO_BYTES, why: 'a chunk of a resumable video (≤ MAX_VIDEO_BYTES in all)' },
    // The phrase-attempt route refuses more than 10 MB itself (a few seconds of speech).
    { method: 'POST', path: /^\/v1\/capture\/phrase\/attempts$/, bytes: 10 * MiB, why: 'a few seconds of audio or video' },
    { method: 'POST', path: /^\/v1\/faces\/compare$/, bytes: 2 * base64(c.MAX_IMAGE_BYTES), why: 'two images, base64 or multipart' },
    { method: 'POST', path: /^\/v1\/(faces\/detect|documents\/recognize)$/, bytes: base64(c.MAX_IMAGE_BYTES), why: 'one image, base64 or multipart' },
    // The dashboard's settings carry the capture page's logo (≤ 200 KB, projects/settings.ts LOGO_MAX_BYTES) as a data URL.
    { method: 'PATCH', path: /^\/dashboard\/api\/project\/settings$/, bytes: 320 * KiB, why: 'settings with a ≤ 200 KB logo as base64' },
  ];
}

export function bodyLimitFor(rules: BodyRule[], method: string, path: string): number {
  return bodyRuleFor(rules, method, path).bytes;
}

export function bodyRuleFor(rules: BodyRule[], method: string, path: string): Pick<BodyRule, 'bytes' | 'why'> {
  return rules.find((r) => r.method === method && r.path.test(path)) ?? { bytes: DEFAULT_BODY_LIMIT, why: 'a JSON body of a few fields' };
}

/** `16 MiB`, `64 KiB`: how the docs show a limit. */
export function formatBytes(n: number): string {
  if (n % MiB === 0) return `${n / MiB} MiB`;
  if (n % KiB === 0) return `${n / KiB} KiB`;
  return `${n} bytes`;
}

const tooLarge = (limit: number) => new AppError('payload_too_large', `request body exceeds ${limit} bytes for this route`, { limit });

/** Counts bytes as they pass and errors the stream at the limit (no buffering). */
function countingStream(body: ReadableStream<Uint8Array>, limit: number, onExceeded: () => void): ReadableStream<Uint8Array> {
  let n = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        n += chunk.byteLength;
        if (n > limit) {
          onExceeded();
          controller.error(tooLarge(limit));
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
}

/**
 * The same over Node's IncomingMessage, read directly. @hono/node-server's own body stream cannot
 * be cancelled: once a reader stops at the limit, the socket stays paused by its backpressure and
 * its drain of the rest never reads (a test server could not even close). Here, stopping detaches
 * our listener and lets the socket flow, so the adapter's drain (≤ 64 MB or 500 ms, then close)
 * discards the rest while the client reads its 413.
 */
function countingIncoming(incoming: Readable, limit: number, onExceeded: () => void): { stream: ReadableStream<Uint8Array>; release: () => void } {
  let n = 0;
  let onData: (chunk: Buffer) => void = () => {};
  const stop = () => {
    incoming.off('data', onData);
    incoming.resume();
  };
  // Once the route has answered, a body it never read must not hold the socket paused either.
  const release = () => incoming.off('data', onData);
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        onData = (chunk) => {
          n += chunk.length;
          if (n > limit) {
            stop();
            onExceeded();
            controller.error(tooLarge(limit));
            return;
          }
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
          if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
        };
        incoming.on('data', onData);
        incoming.once('end', () => { try { controller.close(); } catch { /* already errored */ } });
        incoming.once('error', (e) => { try { controller.error(e); } catch { /* already errored */ } });
        incoming.pause();
      },
      pull() {
        incoming.resume();
      },
      cancel: stop,
    },
    { highWaterMark: 1 },
  );
  return { stream, release };
}

/**
 * Middleware: the body limit of the matched rule. Whatever the reader makes of a stream error
 * (multipart parsing wraps it in its own error), an exceeded limit answers 413 payload_too_large.
 */
export function bodyLimit({ rules }: { rules: BodyRule[] }): MiddlewareHandler {
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const limit = bodyLimitFor(rules, c.req.method, c.req.path);
    const declared = Number(c.req.header('content-length'));
    if (Number.isFinite(declared) && declared > limit) return refuse(c, limit);
    let exceeded = false;
    const onExceeded = () => (exceeded = true);
    const raw = c.req.raw;
    const node = c.env as { incoming?: Readable; outgoing?: Writable } | undefined;
    if (node?.incoming && node.outgoing) {
      // Not even raw.signal may be touched here: it makes the adapter build its own body reader,
      // which starts pulling at once and competes with ours. The abort signal is rebuilt the way
      // the adapter builds it: the client went away before the answer was written.
      const aborted = new AbortController();
      const outgoing = node.outgoing;
      outgoing.once('close', () => { if (!outgoing.writableFinished) aborted.abort(new Error('client connection closed')); });
      const counted = countingIncoming(node.incoming, limit, onExceeded);
      c.req.raw = new Request(raw.url, { method: raw.method, headers: raw.headers, signal: aborted.signal, body: counted.stream, duplex: 'half' } as RequestInit);
      try {
        await next();
      } finally {
        counted.release();
      }
    } else {
      if (raw.body) c.req.raw = new Request(raw, { body: countingStream(raw.body, limit, onExceeded), duplex: 'half' } as RequestInit);
      await next();
    }
    if (exceeded && c.res.status !== 413) refuse(c, limit);
  };
}

function refuse(c: Context, limit: number) {
  c.res = undefined;
  c.res = c.json(errorBody('payload_too_large', `request body exceeds ${limit} bytes for this route`, { limit }), 413);
  return c.res;
}

/** Reads a text body through the limit (the JSON routes; never the whole body first). */
export async function readText(c: Context, limit: number): Promise<string> {
  const declared = Number(c.req.header('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const body = c.req.raw.body;
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    n += chunk.byteLength;
    if (n > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
