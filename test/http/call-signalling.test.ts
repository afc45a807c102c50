import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { makeUser } from '../helpers/dashboard-client.ts';
import { startServer } from '../helpers/server.ts';

// Who may open the call socket: Origin must be PUBLIC_URL's; the agent path needs a dashboard
// cookie of an agent or admin; the user's join needs a valid capture token of a live-agent session;
// malformed messages get a stable code. No media here (the Chromium test covers the call itself).

type Server = Awaited<ReturnType<typeof startServer>>;

function open(url: string, headers: Record<string, string>): Promise<{ ws: WebSocket | null; status: number | null }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve({ ws, status: null }));
    ws.once('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? 0 }));
    ws.once('error', () => resolve({ ws: null, status: -1 }));
  });
}

/** Sends `m` and resolves with the first message back and the close code if the server closes. */
function exchange(ws: WebSocket, m: unknown): Promise<{ reply: { type: string; code?: string }; closed: number | null }> {
  return new Promise((resolve) => {
    let reply: { type: string; code?: string } | null = null;
    ws.once('message', (d) => {
      reply = JSON.parse(String(d));
      setTimeout(() => resolve({ reply: reply!, closed: ws.readyState === ws.OPEN ? null : 0 }), 200);
    });
    ws.once('close', (code) => reply && resolve({ reply, closed: code }));
    ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  });
}

describe('call signalling: authentication and validation', () => {
  let server: Server;
  let ws: string;
  let projectId: string;
  const session = async (mode: 'live_agent' | 'self_record') => {
    const res = await fetch(`${server.baseUrl}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ profile: { steps: ['selfie', 'video'], video_mode: mode } }) });
    const s = (await res.json()) as { id: string; capture_url: string };
    return { id: s.id, token: new URL(s.capture_url).pathname.split('/').pop()! };
  };
  const cookieOf = async (login: string, roles: Array<'agent' | 'reviewer'>) => {
    const u = await makeUser(server.runtime.deps, { login, projectId, roles });
    const res = await fetch(`${server.baseUrl}/dashboard/api/login`, { method: 'POST', headers: { 'content-type': 'application/json', origin: server.baseUrl }, body: JSON.stringify({ login: u.login, password: u.password }) });
    assert.equal(res.status, 200);
    return res.headers.get('set-cookie')!.split(';')[0]!;
  };
  before(async () => {
    server = await startServer({ workers: false });
    server.runtime.attachCalls(server.httpServer);
    ws = server.baseUrl.replace('http:', 'ws:');
    projectId = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
  });
  after(() => server?.stop());

  test('another site cannot open either socket (Origin)', async () => {
    assert.equal((await open(`${ws}/v1/capture/call/ws`, { origin: 'https://evil.example' })).status, 403);
    const cookie = await cookieOf('ann', ['agent']);
    assert.equal((await open(`${ws}/dashboard/api/calls/ws`, { origin: 'https://evil.example', cookie })).status, 403);
  });

  test('the agent socket needs a signed-in agent or admin', async () => {
    assert.equal((await open(`${ws}/dashboard/api/calls/ws`, { origin: server.baseUrl })).status, 401);
    assert.equal((await open(`${ws}/dashboard/api/calls/ws`, { origin: server.baseUrl, cookie: await cookieOf('rita', ['reviewer']) })).status, 403);
    const ok = await open(`${ws}/dashboard/api/calls/ws`, { origin: server.baseUrl, cookie: await cookieOf('alan', ['agent']) });
    assert.ok(ok.ws);
    // A session of another kind (self-record) is not callable.
    const s = await session('self_record');
    const r = await exchange(ok.ws, { type: 'join', role: 'agent', session_id: s.id });
    assert.equal(r.reply.code, 'step_not_in_profile');
    assert.equal(r.closed, 4400);
  });

  test('the user joins with a valid capture token of a live-agent session only', async () => {
    const bad = await open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    const r1 = await exchange(bad.ws!, { type: 'join', role: 'user', token: 'cap_not-a-real-token' });
    assert.deepEqual([r1.reply.type, r1.reply.code, r1.closed], ['error', 'capture_token_invalid', 4400]);

    const self = await session('self_record');
    const c2 = await open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    assert.equal((await exchange(c2.ws!, { type: 'join', role: 'user', token: self.token })).reply.code, 'step_not_in_profile');

    const live = await session('live_agent');
    const c3 = await open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    const joined = await exchange(c3.ws!, { type: 'join', role: 'user', token: live.token });
    assert.equal(joined.reply.type, 'joined');
    assert.equal(joined.closed, null);
    assert.ok(server.runtime.calls.isLive(live.id));
    c3.ws!.close();
  });

  test('malformed messages answer validation_failed', async () => {
    const c = await open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    assert.equal((await exchange(c.ws!, 'not json')).reply.code, 'validation_failed');
    const d = await open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    assert.equal((await exchange(d.ws!, { type: 'answer', sdp: 'v=0' })).reply.code, 'validation_failed'); // before join
  });
});
