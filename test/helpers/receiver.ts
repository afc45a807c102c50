import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../src/webhooks/sign.ts';

export interface Received { headers: Record<string, string>; body: string; verified: boolean }

/** A real local webhook receiver that verifies Standard Webhooks signatures. `failFirst` answers 503 that many times. */
export async function startReceiver(opts: { secret?: () => string | undefined; failFirst?: number } = {}) {
  const received: Received[] = [];
  let failures = opts.failFirst ?? 0;
  let waiters: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      if (failures > 0) {
        failures--;
        res.writeHead(503).end('down');
        return;
      }
      const h = req.headers as Record<string, string>;
      const secret = opts.secret?.();
      const verified = secret ? verifyWebhook(secret, { 'webhook-id': h['webhook-id'] ?? '', 'webhook-timestamp': h['webhook-timestamp'] ?? '', 'webhook-signature': h['webhook-signature'] ?? '' }, body, Math.floor(Date.now() / 1000), 1e9) : false;
      received.push({ headers: h, body, verified });
      res.writeHead(204).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    waitFor: (n: number, timeoutMs = 20_000) => new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`only ${received.length} of ${n} webhooks arrived`)), timeoutMs);
      const check = () => (received.length >= n ? (clearTimeout(t), resolve()) : waiters.push(check));
      check();
    }),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
