import { ApiError, type Artifact, errorFromResponse } from './api.ts';

// Resumable video upload over the tus-like endpoints of docs/capture-api.md. Chunks of 1 MiB:
// small enough that a dropped mobile connection loses little, large enough that per-request
// overhead stays under ~1 % on 4G. XHR, not fetch, because fetch cannot report upload progress.

export const CHUNK_BYTES = 1024 * 1024;
/** Automatic attempts per chunk before handing the decision to the user (a Retry button). */
export const AUTO_RETRIES = 2;

export interface UploadState {
  uploadId: string | null;
  offset: number;
}

export interface UploadOptions {
  base?: string;
  token: string;
  blob: Blob;
  contentType: string;
  state: UploadState;
  onProgress(sent: number, total: number): void;
  onRetry?(attempt: number): void;
  sleep?(ms: number): Promise<void>;
}

interface XhrResult {
  status: number;
  body: string;
  header(name: string): string | null;
}

function xhr(method: string, url: string, token: string, headers: Record<string, string>, body: Blob | string | null, onUp?: (loaded: number) => void): Promise<XhrResult> {
  return new Promise((resolve, reject) => {
    const req = new XMLHttpRequest();
    req.open(method, url);
    req.setRequestHeader('Authorization', `Bearer ${token}`);
    for (const [k, v] of Object.entries(headers)) req.setRequestHeader(k, v);
    if (onUp) req.upload.onprogress = (e) => onUp(e.loaded);
    req.onload = () => resolve({ status: req.status, body: req.responseText, header: (n) => req.getResponseHeader(n) });
    req.onerror = () => reject(new ApiError('network_error', 0, 'network error'));
    req.ontimeout = () => reject(new ApiError('network_error', 0, 'timeout'));
    req.timeout = 120_000;
    req.send(body);
  });
}

async function asError(r: XhrResult): Promise<ApiError> {
  return errorFromResponse({ status: r.status, text: async () => r.body });
}

async function create(o: UploadOptions): Promise<void> {
  const r = await xhr('POST', `${o.base ?? ''}/v1/capture/video/uploads`, o.token, { 'Content-Type': 'application/json' }, JSON.stringify({ content_type: o.contentType, size: o.blob.size }));
  if (r.status >= 300) throw await asError(r);
  const j = JSON.parse(r.body) as { upload_id: string; offset?: number };
  o.state.uploadId = j.upload_id;
  o.state.offset = j.offset ?? 0;
}

/** Ask the server where it is (after a failure the chunk may or may not have landed). */
async function sync(o: UploadOptions): Promise<void> {
  const r = await xhr('HEAD', `${o.base ?? ''}/v1/capture/video/uploads/${o.state.uploadId}`, o.token, {}, null);
  if (r.status >= 300) throw new ApiError(r.status === 404 ? 'upload_not_found' : `http_${r.status}`, r.status, 'HEAD failed');
  const off = Number(r.header('Upload-Offset'));
  if (Number.isFinite(off) && off >= 0) o.state.offset = off;
}

async function sendChunk(o: UploadOptions): Promise<Artifact | null> {
  const start = o.state.offset;
  const chunk = o.blob.slice(start, Math.min(o.blob.size, start + CHUNK_BYTES));
  const r = await xhr('PATCH', `${o.base ?? ''}/v1/capture/video/uploads/${o.state.uploadId}`, o.token, { 'Upload-Offset': String(start), 'Content-Type': 'application/offset+octet-stream' }, chunk, (n) => o.onProgress(start + n, o.blob.size));
  if (r.status >= 300) throw await asError(r);
  const j = JSON.parse(r.body || '{}') as { offset?: number; artifact?: Artifact };
  o.state.offset = typeof j.offset === 'number' ? j.offset : start + chunk.size;
  o.onProgress(o.state.offset, o.blob.size);
  return o.state.offset >= o.blob.size ? (j.artifact ?? { kind: 'video', bytes: o.blob.size, content_type: o.contentType }) : null;
}

const transient = (e: unknown): boolean => e instanceof ApiError && (e.code === 'network_error' || e.code === 'upload_offset_mismatch' || e.status >= 500 || e.status === 429);

/**
 * Upload (or resume uploading) `blob`. Network errors are retried AUTO_RETRIES times per chunk
 * with 1 s, 2 s back-off, re-syncing the offset with HEAD; after that the ApiError is thrown and
 * the caller shows a Retry button that calls this again with the same `state`.
 */
export async function resumableUpload(o: UploadOptions): Promise<Artifact> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  if (!o.state.uploadId) await create(o);
  else await sync(o);
  let failures = 0;
  for (;;) {
    try {
      const done = await sendChunk(o);
      failures = 0;
      if (done) return done;
    } catch (e) {
      if (!transient(e) || failures >= AUTO_RETRIES) throw e;
      failures++;
      o.onRetry?.(failures);
      await sleep(1000 * 2 ** (failures - 1));
      try {
        await sync(o);
      } catch (se) {
        if (!transient(se)) throw se;
      }
    }
  }
}
