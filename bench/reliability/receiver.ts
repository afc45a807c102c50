// A loopback webhook receiver that counts deliveries by webhook-id and can play an outage: answer
// 500, or stop listening (connection refused), then recover on the same port.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivery { path: string; webhookId: string; signed: boolean; sessionId: string | null; type: string | null; at: number }
export type Mode = 'ok' | 'error500' | 'refuse';

export async function startReceiver() {
  const deliveries: Delivery[] = [];
  /** Requests answered 500 during an outage (they count as failed attempts, not deliveries). */
  let failed = 0;
  let mode: Mode = 'ok';
  const handler = (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body = body.length < 1_000_000 ? body + c : body));
    req.on('end', () => {
      if (mode === 'error500') {
        failed++;
        res.writeHead(500).end('outage');
        return;
      }
      let data: { event?: string; data?: { session_id?: string } } = {};
      try {
        data = JSON.parse(body);
      } catch { /* recorded with nulls */ }
      deliveries.push({
        path: req.url ?? '', webhookId: String(req.headers['webhook-id'] ?? ''), signed: typeof req.headers['webhook-signature'] === 'string',
        sessionId: data.data?.session_id ?? null, type: data.event ?? null, at: Date.now(),
      });
      res.writeHead(204).end();
    });
  };
  // IPv4 and IPv6 loopback on the same port: `[::1]` and `[::ffff:127.0.0.1]` spellings land here too.
  const listen = async (port: number) => {
    const v4 = createServer(handler);
    const v6 = createServer(handler);
    await new Promise<void>((r, j) => v4.once('error', j).listen(port, '127.0.0.1', () => r()));
    const p = (v4.address() as AddressInfo).port;
    await new Promise<void>((r) => v6.once('error', () => r()).listen(p, '::1', () => r())); // no IPv6 loopback: IPv4 only
    return { servers: [v4, v6] as Server[], port: p };
  };
  let cur = await listen(0);
  const port = cur.port;
  const closeAll = () => Promise.all(cur.servers.map((s) => new Promise<void>((r) => { s.closeAllConnections?.(); s.close(() => r()); if (!s.listening) r(); })));
  return {
    port,
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    deliveries,
    failedCount: () => failed,
    async setMode(m: Mode) {
      if (m === 'refuse' && mode !== 'refuse') await closeAll();
      if (m !== 'refuse' && mode === 'refuse') cur = await listen(port);
      mode = m;
    },
    close: async () => {
      if (mode !== 'refuse') await closeAll();
      mode = 'refuse';
    },
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
