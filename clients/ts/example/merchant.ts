import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createVkycClient, verifyWebhook, WebhookVerificationError, type VkycEvent } from '../src/index.ts';

// A tiny merchant integration: a shop page with a "verify my identity" button creates a vkyc
// session for the order and embeds its capture page with vkyc's `<vkyc-capture>` element (or, with
// ?redirect=1, sends the customer to it). The element's events (started, step_completed, completed,
// error, canceled) drive the shop page and are recorded on the order as a UI signal only; vkyc's
// signed webhook tells the shop the outcome; the return page shows it. At start the shop adds its
// own origin to the project's allowed_origins, without which vkyc refuses to be framed.
//
//   VKYC_URL=http://localhost:8080 VKYC_API_KEY=vk_test_… MERCHANT_URL=http://localhost:3000 \
//     node --import tsx clients/ts/example/merchant.ts
//
// vkyc must be able to reach MERCHANT_URL for the webhook (a public address in production; a
// local server needs WEBHOOK_ALLOW_PRIVATE=true on the vkyc side).

export interface MerchantOptions {
  vkycUrl: string;
  apiKey: string;
  publicUrl?: string;
  port?: number;
  /** What the customer captures (default: document, selfie and a self-recorded video). */
  steps?: Array<'document' | 'selfie' | 'video'>;
}

interface Order {
  id: string;
  sessionId: string | null;
  status: 'started' | 'approved' | 'declined' | 'needs_review';
  /** Webhook events: the outcome. */
  events: string[];
  /** What the customer's browser reported from the element: progress for the page, never the outcome. */
  pageEvents: Array<{ type: PageEventType; detail: Record<string, unknown> }>;
}

const PAGE_EVENTS = ['started', 'step_completed', 'completed', 'error', 'canceled'] as const;
type PageEventType = (typeof PAGE_EVENTS)[number];
const isPageEvent = (x: unknown): x is PageEventType => typeof x === 'string' && (PAGE_EVENTS as readonly string[]).includes(x);

/** JSON inside a <script>: `<` escaped so no value can close the script element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/**
 * The embedded capture. The element's events are DOM events on it; this page shows them, reports
 * them to the shop (POST /orders/{id}/page-events) and, on `completed`, goes to the return page
 * (inside a frame vkyc does not follow redirect_url: the host decides).
 */
function embedPage(vkycUrl: string, captureUrl: string, orderId: string): string {
  return page('Verify', `<h1>Verify your identity</h1><p id="status" data-testid="kyc-status">Follow the steps below.</p>
<script src="${escape(new URL('/embed.js', vkycUrl).href)}"></script>
<vkyc-capture id="kyc" session="${escape(captureUrl)}" style="height:44rem"></vkyc-capture>
<script>
  const order = ${scriptJson(orderId)};
  const kyc = document.getElementById('kyc');
  const status = document.getElementById('status');
  const report = (type, detail) => fetch('/orders/' + encodeURIComponent(order) + '/page-events', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type, detail }) });
  const text = { started: () => 'Verification started.', step_completed: (d) => 'Done: ' + d.step, error: (d) => 'Problem: ' + d.code, canceled: () => 'This verification was canceled.' };
  for (const type of Object.keys(text)) {
    kyc.addEventListener(type, (e) => { status.textContent = text[type](e.detail); report(type, e.detail); });
  }
  kyc.addEventListener('completed', async (e) => {
    status.textContent = 'Submitted, thank you.';
    await report('completed', e.detail).catch(() => {});
    location.assign('/done?session_id=' + encodeURIComponent(e.detail.session_id));
  });
</script>`);
}

const page = (title: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:system-ui;max-width:40rem;margin:2rem auto">${body}</body></html>`;
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** vkyc's webhook events are a few hundred bytes; 1 MB leaves room for any future field. */
async function rawBody(req: IncomingMessage, max = 1_000_000): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > max) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startMerchant(o: MerchantOptions) {
  const vkyc = createVkycClient({ baseUrl: o.vkycUrl, apiKey: o.apiKey });
  const orders = new Map<string, Order>();
  let webhookSecret = '';
  let seq = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse, base: string) => {
    const url = new URL(req.url ?? '/', base);
    const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => res.writeHead(status, { 'content-type': type, ...headers }).end(body);
    if (req.method === 'GET' && url.pathname === '/') {
      return send(200, 'text/html', page('Shop', '<h1>Checkout</h1><form method="post" action="/verify"><button data-action="verify">Verify my identity</button></form>'));
    }
    if (req.method === 'POST' && url.pathname === '/verify') {
      const order: Order = { id: `order-${++seq}`, sessionId: null, status: 'started', events: [], pageEvents: [] };
      const session = await vkyc.sessions.create(
        { profile: { steps: o.steps ?? ['document', 'selfie', 'video'] }, external_id: order.id, redirect_url: `${base}/done`, expires_in: 1800 },
        { idempotencyKey: order.id },
      );
      order.sessionId = session.id;
      orders.set(order.id, order);
      if (url.searchParams.get('redirect') === '1') return send(303, 'text/plain', 'to the capture page', { location: session.capture_url });
      return send(200, 'text/html', embedPage(o.vkycUrl, session.capture_url, order.id));
    }
    const pe = /^\/orders\/([\w-]+)\/page-events$/.exec(url.pathname);
    if (req.method === 'POST' && pe) {
      const order = orders.get(pe[1]!);
      if (!order) return send(404, 'application/json', '{"error":"no such order"}');
      let body: { type?: unknown; detail?: unknown };
      try {
        body = JSON.parse(await rawBody(req, 10_000)) as typeof body;
      } catch {
        return send(400, 'application/json', '{"error":"bad body"}');
      }
      if (!isPageEvent(body.type) || typeof body.detail !== 'object' || body.detail === null) return send(422, 'application/json', '{"error":"unknown event"}');
      // Anyone can post here (it comes from the customer's browser): it is shown and logged, and
      // never decides the order — the signed webhook does.
      order.pageEvents.push({ type: body.type, detail: body.detail as Record<string, unknown> });
      return send(204, 'text/plain', '');
    }
    if (req.method === 'POST' && url.pathname === '/webhooks/vkyc') {
      const body = await rawBody(req);
      let event: VkycEvent;
      try {
        event = await verifyWebhook(webhookSecret, req.headers as Record<string, string>, body);
      } catch (e) {
        if (e instanceof WebhookVerificationError) return send(400, 'text/plain', e.reason);
        throw e;
      }
      // Retries repeat the event id: handling is idempotent (the status is simply set again).
      const order = [...orders.values()].find((x) => x.sessionId === event.data.session_id);
      if (order) {
        order.status = event.data.result;
        order.events.push(event.event);
      }
      return send(204, 'text/plain', '');
    }
    if (req.method === 'GET' && url.pathname === '/done') {
      const order = [...orders.values()].find((x) => x.sessionId === url.searchParams.get('session_id'));
      const text = !order ? 'Unknown verification.' : order.status === 'started' ? 'Thanks! We are checking your documents; this page will know in a minute.' : `Verification ${order.status.replace('_', ' ')}.`;
      return send(200, 'text/html', page('Done', `<h1>${escape(text)}</h1>`));
    }
    const m = /^\/orders\/([\w-]+)$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const order = orders.get(m[1]!);
      return order ? send(200, 'application/json', JSON.stringify(order)) : send(404, 'application/json', '{"error":"no such order"}');
    }
    return send(404, 'text/plain', 'not found');
  };

  let base = o.publicUrl ?? '';
  const server: Server = createServer((req, res) => {
    handle(req, res, base).catch((e: unknown) => {
      // The customer sees a short apology; the details stay in the shop's log.
      console.error('merchant error:', e instanceof Error ? e.message : e);
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' }).end('verification service unavailable');
    });
  });
  await new Promise<void>((r) => server.listen(o.port ?? 0, '127.0.0.1', r));
  base ||= `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // vkyc lets only the project's allowed_origins frame its capture page (CSP frame-ancestors): add
  // this shop's origin, keeping the others (several shops may share a project).
  const origin = new URL(base).origin;
  const { allowed_origins } = await vkyc.project.settings();
  if (!allowed_origins.includes(origin)) await vkyc.project.updateSettings({ allowed_origins: [...allowed_origins, origin] });
  // One endpoint per shop instance; its secret is returned once, so it lives in memory here.
  const hook = await vkyc.webhooks.create({ url: `${base}/webhooks/vkyc`, events: ['video.completed', 'video.reviewed'], description: 'example merchant' });
  webhookSecret = hook.secret;
  return {
    url: base,
    orders,
    async close() {
      await vkyc.webhooks.delete(hook.id).catch(() => undefined);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

if (import.meta.filename === process.argv[1]) {
  const env = (k: string) => process.env[k] ?? (() => { throw new Error(`${k} is required`); })();
  const m = await startMerchant({ vkycUrl: env('VKYC_URL'), apiKey: env('VKYC_API_KEY'), publicUrl: process.env.MERCHANT_URL, port: Number(process.env.PORT ?? 3000) });
  console.log(`merchant example on ${m.url}`);
}
