// A small round-robin HTTP reverse proxy for the multi-node run: each request (and each WebSocket
// upgrade) goes to the next upstream in turn, so consecutive requests of one client — the chunks of
// one resumable upload — land on different API nodes. Counts requests per upstream; the answer
// names the node that served it (`x-upstream`) so the run can show uploads were split.
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

export interface RoundRobinProxy { url: string; served: number[]; close(): Promise<void> }

export async function startRoundRobinProxy(upstreams: string[]): Promise<RoundRobinProxy> {
  const targets = upstreams.map((u) => new URL(u));
  const served = targets.map(() => 0);
  let next = 0;
  const pick = () => {
    const i = next++ % targets.length;
    served[i]!++;
    return { i, t: targets[i]! };
  };
  const server: Server = createServer((req, res) => {
    const { i, t } = pick();
    const up = request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' } }, (r: IncomingMessage) => {
      res.writeHead(r.statusCode ?? 502, { ...r.headers, 'x-upstream': String(i) });
      r.pipe(res);
    });
    // A node that was killed or is restarting: the client sees 502 and retries, as behind any balancer.
    up.on('error', () => (res.headersSent ? res.destroy() : res.writeHead(502).end('upstream unavailable')));
    req.pipe(up);
  });
  server.on('upgrade', (req, socket, head) => {
    const { t } = pick();
    const up = connect(Number(t.port), t.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)];
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      up.write(head);
      up.pipe(socket).pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
