import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { VettedTarget } from './ssrf.ts';

// One POST to a vetted webhook target, connecting to exactly the address the SSRF guard checked.
// node:http's `lookup` hook replaces the DNS query at connect time, so a name that resolves
// somewhere else by now (DNS rebinding) cannot redirect the connection; TLS still verifies the
// certificate against the host name (SNI) and the Host header still names it. No redirects are
// followed (node:http never follows them), and no connection is reused across targets (agent: false).

/**
 * Coded failures: the delivery log keeps only the code, never a raw socket message, so the log of a
 * refused or unreachable target does not become a port scanner's read-out.
 */
type DeliveryFailure = 'timeout' | 'connection_failed' | 'tls_failed' | 'aborted';
export class DeliveryError extends Error {
  constructor(readonly code: DeliveryFailure) {
    super(code);
  }
}

interface PostOptions {
  headers: Record<string, string>;
  body: string;
  /** Connect + TLS + until the response status line arrives. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Resolves with the HTTP status; the response body is discarded unread. */
export function postPinned(target: VettedTarget, o: PostOptions): Promise<number> {
  const { url, address, family } = target;
  const pinned: LookupFunction = (_host, opts, cb) => {
    // With autoSelectFamily (Node ≥ 20 default) net asks for all addresses.
    if ((opts as { all?: boolean }).all) (cb as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
    else cb(null, address, family);
  };
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const finish = (err: DeliveryError | null, status?: number) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(status!);
    };
    const req = request({
      host,
      port: url.port || (url.protocol === 'https:' ? 443 : 80),
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: { ...o.headers, host: url.host, 'content-length': String(Buffer.byteLength(o.body)) },
      lookup: pinned,
      agent: false,
    });
    const timer = setTimeout(() => {
      finish(new DeliveryError('timeout'));
      req.destroy();
    }, o.timeoutMs);
    const onAbort = () => {
      finish(new DeliveryError('aborted'));
      req.destroy();
    };
    req.on('response', (res) => {
      finish(null, res.statusCode ?? 0);
      res.destroy();
    });
    req.on('error', (e: NodeJS.ErrnoException) => finish(new DeliveryError(isTlsError(e) ? 'tls_failed' : 'connection_failed')));
    if (o.signal?.aborted) return onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(o.body);
  });
}

function isTlsError(e: NodeJS.ErrnoException): boolean {
  const code = e.code ?? '';
  return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT') || code.startsWith('UNABLE_TO') || code.startsWith('DEPTH_ZERO');
}
