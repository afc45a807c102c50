import { readFile } from 'node:fs/promises';
import { td3 } from '../unit/documents/mrz-fixtures.ts';
import { passportPage, personA1, personA3, videoOfA } from './face-media.ts';

// Sessions for the dashboard's browser tests and screenshots, made the way an integrator and a
// user make them: /v1/sessions with the API key, then the capture API with the capture token
// (document, selfie, video, complete). The real pipeline decides them once workers run.

/** Person A's passport that expired on 2024-01-01: the pipeline declines it (document_expired) — the override case. */
const EXPIRED = { number: 'K4T209386', surname: 'LINDQVIST', given: 'ELSA MARIA', birth: '910307', sex: 'F', expiry: '240101', personal: '' };

interface Srv { baseUrl: string; apiKey: string }

export async function createSession(srv: Srv, body: Record<string, unknown>): Promise<{ id: string; token: string }> {
  const res = await fetch(`${srv.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${srv.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`create session: ${res.status} ${await res.text()}`);
  const s = (await res.json()) as { id: string; capture_url: string };
  return { id: s.id, token: new URL(s.capture_url).pathname.split('/').pop()! };
}

/** A full self-recorded session (expired passport, selfie and video of the same person), submitted for verification. */
export async function submitExpiredPassportSession(srv: Srv, externalId: string): Promise<string> {
  const { id, token } = await createSession(srv, {
    // No phrase and a 10 s limit: the plan's two challenges (at 1 s and 5 s) fall inside the 8 s video, so a test can seek to them.
    profile: { steps: ['document', 'selfie', 'video'], video_mode: 'self_record', phrase: 'none', video_max_duration: 10 },
    external_id: externalId, account_id: 'acct-42',
    expected_data: { first_name: 'Elsa Maria', last_name: 'Lindqvist', birth_date: '1991-03-07', document_number: 'K4T209386' },
  });
  const put = async (path: string, body: Uint8Array) => {
    const r = await fetch(`${srv.baseUrl}/v1/capture${path}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` }, body: body as Uint8Array<ArrayBuffer> });
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  };
  await put('/document/front', new Uint8Array(await passportPage(await personA1(), td3(EXPIRED))));
  await put('/selfie', new Uint8Array(await personA3()));
  await put('/video', new Uint8Array(await readFile(await videoOfA(8))));
  const done = await fetch(`${srv.baseUrl}/v1/capture/complete`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (done.status !== 200) throw new Error(`complete: ${done.status} ${await done.text()}`);
  return id;
}

/** Polls the session until its status is `status` (the pipeline runs in the server's workers). */
export async function waitForStatus(srv: Srv, id: string, status: string, timeoutMs = 240_000): Promise<Record<string, unknown>> {
  const end = Date.now() + timeoutMs;
  let last = 'unknown';
  for (;;) {
    // In-process model inference can hold the server's event loop long enough for a poll to fail: poll again.
    const s = await fetch(`${srv.baseUrl}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${srv.apiKey}` } }).then((r) => r.json() as Promise<Record<string, unknown>>, () => null);
    if (s?.status === status) return s;
    if (s) last = String(s.status);
    if (Date.now() > end) throw new Error(`session ${id} is ${last}, not ${status}, after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
