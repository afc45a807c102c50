// Tenant isolation: tenant B's key against tenant A's sessions, media, webhooks, deliveries, list
// filters and ZOLOZ transactions. Every attempt must be a 404 (or an empty list) with none of A's data.
import { api } from './http.ts';
import type { Report } from './report.ts';
import type { TestServer } from './server.ts';

const SECTION = 'tenant isolation';

export async function runIsolation(srv: TestServer, report: Report, aSessionId: string) {
  const A = srv.keys.A!;
  const B = srv.keys.B!;
  const a = await api(srv.base, A, 'GET', `/v1/sessions/${aSessionId}`);
  if (a.status !== 200) throw new Error(`tenant A cannot read its own session: ${a.status}`);
  const hooks = await api(srv.base, A, 'GET', '/v1/webhooks');
  const hookId = (hooks.json?.data?.[0]?.id as string | undefined) ?? 'whk_none';
  const deliveries = await api(srv.base, A, 'GET', `/v1/webhooks/${hookId}/deliveries`);
  const deliveryId = (deliveries.json?.data?.[0]?.id as string | undefined) ?? 'dlv_none';
  const page = await api(srv.base, A, 'GET', '/v1/sessions?limit=1');
  const cursor = page.json?.next_cursor as string | undefined;
  const zoloz = await api(srv.base, A, 'POST', '/api/v1/zoloz/videoverify/initialize', { bizId: 'iso-biz' });
  const mediaPath = new URL((a.json.artifacts?.[0]?.url as string | undefined) ?? `${srv.base}/v1/sessions/${aSessionId}/media/selfie`).pathname;
  // Markers of A's data that must never appear in an answer to B.
  const secrets = [aSessionId, a.json.external_id, hookId, deliveryId, zoloz.json?.transactionId].filter((x): x is string => typeof x === 'string' && x.length > 3);
  // A 404 may echo the id B sent; it must carry no field of the resource itself.
  const is404 = (r: { status: number; json: Record<string, unknown> | null }) => r.status === 404 && r.json?.error !== undefined && r.json?.id === undefined && r.json?.status === undefined;
  const emptyList = (r: { status: number; text: string; json: { data?: unknown[] } | null }) => r.status === 200 && !secrets.some((s) => r.text.includes(s));
  const zRefused = (r: { status: number; json: { result?: { resultStatus?: string } } | null; text: string }) => r.json?.result?.resultStatus === 'F' && !r.text.includes('"PASS"');
  type Res = Awaited<ReturnType<typeof api>>;
  const attempts: Array<[string, () => Promise<Res>, (r: Res) => boolean]> = [
    ['get session', () => api(srv.base, B, 'GET', `/v1/sessions/${aSessionId}`), is404],
    ['get session video result', () => api(srv.base, B, 'GET', `/v1/sessions/${aSessionId}/video`), is404],
    ['get audit trail', () => api(srv.base, B, 'GET', `/v1/sessions/${aSessionId}/audit`), is404],
    ['cancel session', () => api(srv.base, B, 'POST', `/v1/sessions/${aSessionId}/cancel`), is404],
    ['review session', () => api(srv.base, B, 'POST', `/v1/sessions/${aSessionId}/review`, { result: 'declined', reviewer: 'intruder' }), is404],
    ['erase session', () => api(srv.base, B, 'DELETE', `/v1/sessions/${aSessionId}`), is404],
    ['media path with B\'s API key, no signature', () => api(srv.base, B, 'GET', mediaPath), (r) => r.status >= 400 && r.status < 500 && !r.text.includes('JFIF')],
    ['liveness start for A\'s session', () => api(srv.base, B, 'POST', '/v1/liveness/start', { session_id: aSessionId }), is404],
    ['list filtered by A\'s external_id', () => api(srv.base, B, 'GET', `/v1/sessions?external_id=${encodeURIComponent(a.json.external_id ?? 'crash-0')}`), emptyList],
    ['list filtered by status completed', () => api(srv.base, B, 'GET', '/v1/sessions?status=completed&limit=100'), emptyList],
    ['list with A\'s cursor', () => api(srv.base, B, 'GET', `/v1/sessions?cursor=${encodeURIComponent(cursor ?? 'x')}`), (r) => !secrets.some((s) => r.text.includes(s)) && r.status < 500],
    ['list webhooks', () => api(srv.base, B, 'GET', '/v1/webhooks'), emptyList],
    ['delete A\'s webhook', () => api(srv.base, B, 'DELETE', `/v1/webhooks/${hookId}`), is404],
    ['list A\'s webhook deliveries', () => api(srv.base, B, 'GET', `/v1/webhooks/${hookId}/deliveries`), is404],
    ['resend A\'s delivery', () => api(srv.base, B, 'POST', `/v1/webhooks/deliveries/${deliveryId}/resend`), is404],
    ['ZOLOZ checkresult of A\'s transaction', () => api(srv.base, B, 'POST', '/api/v1/zoloz/videoverify/checkresult', { bizId: 'iso-biz', transactionId: zoloz.json?.transactionId ?? 'x' }), zRefused],
    ['Idempotency-Key of A reused by B', async () => {
      const body = JSON.stringify({ profile: { steps: ['selfie'] } });
      const headers = (k: string) => ({ authorization: `Bearer ${k}`, 'content-type': 'application/json', 'idempotency-key': 'rel-iso-key' });
      const first = await (await fetch(`${srv.base}/v1/sessions`, { method: 'POST', headers: headers(A), body })).json() as { id: string };
      secrets.push(first.id);
      const r = await fetch(`${srv.base}/v1/sessions`, { method: 'POST', headers: headers(B), body });
      const text = await r.text();
      return { status: r.status, text, json: JSON.parse(text) };
    }, (r) => r.status === 201 && !secrets.some((s) => r.text.includes(s))],
  ];
  for (const [name, run, ok] of attempts) {
    const r = await run().catch((e: unknown) => ({ status: 0, text: String(e), json: null }) as Res);
    report.add({ section: SECTION, name: `B → A: ${name}`, status: r.status, code: r.json?.error?.code ?? r.json?.result?.resultCode ?? '-', pass: ok(r) });
  }
  const still = await api(srv.base, A, 'GET', `/v1/sessions/${aSessionId}`);
  report.add({ section: SECTION, name: 'A\'s session unchanged afterwards', status: still.status, code: still.json?.status ?? '-', pass: still.status === 200 && still.json.status === a.json.status && still.json.result === a.json.result });
  const hooksAfter = await api(srv.base, A, 'GET', '/v1/webhooks');
  report.add({ section: SECTION, name: 'A\'s webhook still registered', status: hooksAfter.status, code: '-', pass: hooksAfter.text.includes(hookId) });
}
