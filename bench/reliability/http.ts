// A raw HTTP/1.1 client over a loopback socket. fetch() cannot send a body that lies about its
// Content-Length, and it buffers whatever it is given; the cases here need both, plus a hard timeout
// so a server that never answers is recorded as a hang instead of stalling the suite.
import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  /** A whole body (Content-Length set from it unless `declaredLength` or `chunked`). */
  body?: Buffer | string;
  /** Stream `streamBytes` bytes of `fill` (a repeated chunk) with chunked encoding: no Content-Length. */
  streamBytes?: number;
  fill?: Buffer;
  /** Send this Content-Length whatever the body really is (a lying header). */
  declaredLength?: number;
  timeoutMs?: number;
}

export interface RawResponse {
  status: number; // 0 = no answer (timeout, reset before any response)
  code: string; // error code from the body, `-` when none, `timeout` / `reset` without an answer
  ms: number;
  headers: Record<string, string>;
  text: string;
  /** Body bytes written when the first byte of the answer arrived (a working limit answers early). */
  sentAtAnswer: number;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * Headers added to every request of the suite (requests' own headers win). Sections set a client
 * address here (X-Forwarded-For, believed by a server started with TRUST_PROXY=127.0.0.1) so the
 * failed-credential limit of one section cannot lock out the next.
 */
export const defaultHeaders: Record<string, string> = {};

export function rawRequest(base: string, r: RawRequest): Promise<RawResponse> {
  const url = new URL(base);
  const t0 = performance.now();
  return new Promise((resolve) => {
    const sock = connect(Number(url.port), url.hostname);
    let buf = Buffer.alloc(0);
    let settled = false;
    let answered = false;
    let sent = 0;
    let sentAtAnswer = -1;
    const finish = (status: number, code: string, headers: Record<string, string> = {}, text = '') => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sock.destroy();
      resolve({ status, code, ms: Math.round(performance.now() - t0), headers, text, sentAtAnswer: sentAtAnswer < 0 ? sent : sentAtAnswer });
    };
    const timer = setTimeout(() => finish(0, 'timeout'), r.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const tryParse = (ended: boolean) => {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return ended ? finish(0, 'reset') : undefined;
      answered = true;
      const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(lines[0]?.split(' ')[1] ?? 0);
      const headers: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
      }
      const rest = buf.subarray(end + 4);
      let body: Buffer | null = null;
      if (headers['content-length'] !== undefined) {
        const n = Number(headers['content-length']);
        if (rest.length >= n || ended) body = rest.subarray(0, n);
      } else if (headers['transfer-encoding']?.includes('chunked')) {
        body = dechunk(rest) ?? (ended ? rest : null);
      } else if (ended || r.method === 'HEAD' || status === 204 || status === 304) {
        body = rest;
      }
      if (r.method === 'HEAD') body = Buffer.alloc(0);
      if (!body) return;
      const text = body.toString('utf8');
      finish(status, errorCodeOf(text), headers, text.slice(0, 2000));
    };
    sock.on('data', (d: Buffer) => {
      if (sentAtAnswer < 0) sentAtAnswer = sent;
      // Keep at most 4 MB of an answer (media streams): enough for status, headers and an error body.
      if (buf.length < 4 * 1024 * 1024) buf = Buffer.concat([buf, d]);
      tryParse(false);
    });
    sock.on('end', () => tryParse(true));
    sock.on('close', () => tryParse(true));
    sock.on('error', () => tryParse(true));
    sock.on('connect', () => void writeRequest().catch(() => undefined));

    async function writeRequest() {
      const h: Record<string, string> = { host: url.host, connection: 'close', ...defaultHeaders, ...r.headers };
      const whole = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
      if (r.streamBytes !== undefined) h['transfer-encoding'] = 'chunked';
      if (r.declaredLength !== undefined) h['content-length'] = String(r.declaredLength);
      else if (whole) h['content-length'] = String(whole.length);
      const head = `${r.method} ${r.path} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
      sock.write(head, 'latin1');
      if (whole) {
        await writeAll(whole);
        sent += whole.length;
      }
      if (r.streamBytes !== undefined) {
        const fill = r.fill ?? Buffer.alloc(1024 * 1024, 0x61);
        let left = r.streamBytes;
        // Stop sending as soon as the server has answered (a limit that works answers early).
        while (left > 0 && !answered && !settled && !sock.destroyed) {
          const n = Math.min(left, fill.length);
          await writeAll(Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), fill.subarray(0, n), Buffer.from('\r\n')]));
          left -= n;
          sent += n;
        }
        if (!sock.destroyed) sock.write('0\r\n\r\n');
      }
    }
    async function writeAll(b: Buffer) {
      if (sock.destroyed) return;
      if (sock.write(b)) return;
      await new Promise<void>((res) => {
        const done = () => {
          sock.off('drain', done);
          sock.off('close', done);
          res();
        };
        sock.on('drain', done);
        sock.on('close', done);
      });
    }
  });
}

function dechunk(b: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) return null;
    const n = parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (Number.isNaN(n)) return null;
    if (n === 0) return Buffer.concat(parts);
    if (b.length < eol + 2 + n) return null;
    parts.push(b.subarray(eol + 2, eol + 2 + n));
    i = eol + 2 + n + 2;
  }
}

/** `{ error: { code } }` (vkyc), `{ result: { resultCode } }` (ZOLOZ), `{ code }` or `-`. */
export function errorCodeOf(text: string): string {
  try {
    const j = JSON.parse(text) as { error?: { code?: string }; result?: { resultCode?: string }; code?: string };
    return j.error?.code ?? j.result?.resultCode ?? (typeof j.code === 'string' ? j.code : '-');
  } catch {
    return '-';
  }
}

/** A JSON request with an API key (ordinary calls of the suite's own set-up). */
export async function api(base: string, key: string, method: string, path: string, body?: unknown, timeoutMs = 30_000) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...defaultHeaders, authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await r.text();
  let json: any = null; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form API answers
  try {
    json = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: r.status, json, text };
}
