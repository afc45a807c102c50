import { request } from 'node:http';

export interface ChunkedResult {
  status: number;
  body: string;
  /** Bytes the client managed to write before the server answered or closed. */
  sent: number;
}

/**
 * POSTs `total` bytes chunked (no Content-Length) over a real socket: `head`, then `fill` bytes
 * until the total, written with backpressure and stopped as soon as the server answers. One 1 MiB
 * buffer is reused, so the client itself holds almost nothing.
 */
export function postChunked(url: string, o: { head: string; total: number; headers?: Record<string, string>; method?: string }): Promise<ChunkedResult> {
  const u = new URL(url);
  const chunk = Buffer.alloc(1024 * 1024, 'A');
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    let result: ChunkedResult | null = null;
    const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: o.method ?? 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked', ...o.headers } });
    req.on('response', (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => {
        result = { status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), sent };
        resolve(result);
        req.destroy();
      });
    });
    // Writing into a socket the server closed after answering: the answer is what counts.
    req.on('error', (e) => { if (!answered) reject(e); });
    const pump = () => {
      if (answered || req.destroyed) return;
      if (sent === 0) {
        sent += Buffer.byteLength(o.head);
        req.write(o.head);
      }
      while (sent < o.total && !answered && !req.destroyed) {
        const n = Math.min(chunk.length, o.total - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', pump);
      }
      if (sent >= o.total && !answered) req.end();
    };
    pump();
  });
}
