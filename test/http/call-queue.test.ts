import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { captureActor } from '../../src/domain/actor.ts';
import { sessionBlobPrefix } from '../../src/sessions/blob-keys.ts';
import { loadSession } from '../../src/sessions/rows.ts';
import { execute, recordUpload } from '../../src/sessions/store.ts';
import { DashClient, makeUser } from '../helpers/dashboard-client.ts';
import { jpeg } from '../helpers/media.ts';
import { startServer } from '../helpers/server.ts';

// Live agent mode over the real server and sockets (no media: the Chromium e2e covers the call
// itself): the queue's order, positions and ETA pushed to users; offers to the longest-idle agent;
// one call per agent; only the assigned agent joins; requeue when the agent leaves; the workspace
// (questions, notes, location); the decision through the review path with its webhooks; the
// activity log; callbacks and the self-record fallback; tenant isolation.

type Server = Awaited<ReturnType<typeof startServer>>;
type Msg = { type: string; [k: string]: unknown };

/** A socket that keeps every message, with a wait for the first one matching. */
class Sock {
  readonly msgs: Msg[] = [];
  closed: number | null = null;
  private waiters: Array<() => void> = [];
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      this.msgs.push(JSON.parse(String(d)) as Msg);
      for (const w of this.waiters) w();
    });
    ws.on('close', (code) => {
      this.closed = code;
      for (const w of this.waiters) w();
    });
  }
  static open(url: string, headers: Record<string, string>): Promise<Sock> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const s = new Sock(ws);
      ws.once('open', () => resolve(s));
      ws.once('unexpected-response', (_q, res) => reject(new Error(`handshake ${res.statusCode}`)));
    });
  }
  send(m: unknown) {
    this.ws.send(JSON.stringify(m));
  }
  /** The newest message matching `pred` that arrives from now on (or already arrived, with `past`). */
  wait(pred: (m: Msg) => boolean, opts: { past?: boolean; ms?: number } = {}): Promise<Msg> {
    const from = opts.past ? 0 : this.msgs.length;
    return new Promise((resolve, reject) => {
      const check = () => {
        const m = this.msgs.slice(from).findLast(pred);
        if (m) return void (done(), resolve(m));
        if (this.closed !== null) return void (done(), reject(new Error(`closed ${this.closed} before a match; got ${JSON.stringify(this.msgs.slice(from).map((x) => x.type))}`)));
      };
      const timer = setTimeout(() => (done(), reject(new Error(`no match; got ${JSON.stringify(this.msgs.slice(from))}`))), opts.ms ?? 10_000);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }
  /** Waits until the last message of a type satisfies `pred` (pushes repeat: the latest counts). */
  async until(type: string, pred: (m: Msg) => boolean, ms = 10_000): Promise<Msg> {
    const last = this.msgs.findLast((m) => m.type === type);
    if (last && pred(last)) return last;
    return this.wait((m) => m.type === type && pred(m), { ms });
  }
  close() {
    this.ws.close();
  }
}

describe('live agent mode: queue, agent pool, workspace, decisions', () => {
  let server: Server;
  let ws: string;
  let projectId: string;
  const agents: Record<string, DashClient & { id: string; console?: Sock }> = {};
  const users: Record<string, Sock> = {};
  const sessions: Record<string, { id: string; token: string }> = {};

  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${server.baseUrl}${path}`, { method, headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

  /** A live-agent session whose selfie is in: it waits for an agent (awaiting_agent). */
  async function waitingSession(name: string, metadata?: Record<string, unknown>) {
    const res = await api('POST', '/v1/sessions', { profile: { steps: ['selfie', 'video'], video_mode: 'live_agent' }, ...(metadata ? { metadata } : {}) });
    assert.equal(res.status, 201);
    const s = (await res.json()) as { id: string; capture_url: string };
    const deps = server.runtime.deps;
    const key = `${sessionBlobPrefix(projectId, s.id)}selfie`;
    const bytes = await jpeg(320, 240);
    await deps.blobs.put(key, bytes);
    const ref = { projectId, sessionId: s.id };
    await recordUpload(deps, ref, { kind: 'selfie', blob_key: key, content_type: 'image/jpeg', bytes: bytes.length, meta: null }, captureActor(projectId, s.id));
    await execute(deps, ref, { type: 'queue_joined' }, captureActor(projectId, s.id));
    sessions[name] = { id: s.id, token: new URL(s.capture_url).pathname.split('/').pop()! };
    return sessions[name];
  }

  async function userJoins(name: string) {
    const u = await Sock.open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    u.send({ type: 'join', role: 'user', token: sessions[name]!.token });
    await u.wait((m) => m.type === 'queue', { past: true });
    users[name] = u;
    return u;
  }

  async function agent(login: string, roles: Array<'agent' | 'admin' | 'reviewer'> = ['agent'], project = projectId) {
    const u = await makeUser(server.runtime.deps, { login, projectId: project, roles });
    const c = Object.assign(new DashClient(server.baseUrl), { id: u.id });
    assert.equal((await c.login(u.login, u.password)).status, 200);
    agents[login] = c;
    return c;
  }
  const openConsole = async (c: DashClient & { console?: Sock }) => {
    c.console = await Sock.open(`${ws}/dashboard/api/agents/ws`, { origin: server.baseUrl, cookie: c.cookie! });
    await c.console.wait((m) => m.type === 'console', { past: true });
    return c.console;
  };
  const json = async <T = Record<string, unknown>>(res: Response, status = 200): Promise<T> => {
    const body = (await res.json()) as T;
    assert.equal(res.status, status, JSON.stringify(body));
    return body;
  };

  before(async () => {
    server = await startServer({ workers: false });
    server.runtime.attachCalls(server.httpServer);
    ws = server.baseUrl.replace('http:', 'ws:');
    projectId = (await server.runtime.deps.db.selectFrom('projects').select('id').where('name', '=', 'e2e').executeTakeFirstOrThrow()).id;
    await agent('ann');
    await agent('bob');
  });
  after(async () => {
    for (const s of [...Object.values(users), ...Object.values(agents).map((a) => a.console)]) s?.close();
    await server?.stop();
  });

  test('the system offers a waiting user to the longest-idle agent; a decline passes it on; accept assigns', async () => {
    const ann = agents.ann!;
    const bob = agents.bob!;
    await openConsole(ann);
    await openConsole(bob);
    assert.deepEqual(await json(await ann.req('POST', '/agents/me/status', { status: 'available' })), { status: 'available' });
    server.clock.advance(60); // ann has been idle a minute longer than bob
    await json(await bob.req('POST', '/agents/me/status', { status: 'available' }));
    await waitingSession('u1');
    const u1 = await userJoins('u1');
    const offer = await ann.console!.wait((m) => m.type === 'offer', { past: true });
    assert.equal(offer.session_id, sessions.u1!.id);
    assert.equal(bob.console!.msgs.some((m) => m.type === 'offer'), false, 'only one agent is offered a user at a time');
    assert.deepEqual(await json(await ann.req('POST', `/agents/offers/${sessions.u1!.id}/decline`, {})), { declined: true });
    const second = await bob.console!.wait((m) => m.type === 'offer', { past: true });
    assert.equal(second.session_id, sessions.u1!.id);
    // ann cannot accept what she declined
    assert.equal((await ann.req('POST', `/agents/offers/${sessions.u1!.id}/accept`, {})).status, 404);
    assert.deepEqual(await json(await bob.req('POST', `/agents/offers/${sessions.u1!.id}/accept`, {})), { session_id: sessions.u1!.id });
    await u1.wait((m) => m.type === 'assigned', { past: true });
    const snap = await bob.console!.until('console', (m) => (m.me as { status: string }).status === 'busy');
    assert.equal((snap.me as { session_id: string }).session_id, sessions.u1!.id);
  });

  test('one call at a time per agent', async () => {
    const r = await agents.bob!.req('POST', '/agents/next', {});
    assert.equal(r.status, 409);
    assert.equal(((await r.json()) as { error: { code: string } }).error.code, 'agent_busy');
  });

  test('queue order is by priority then FIFO; each user gets their position and an estimated wait', async () => {
    await json(await agents.ann!.req('POST', '/agents/me/status', { status: 'away' }));
    await waitingSession('u2');
    await waitingSession('u3', { queue_priority: 5 });
    await waitingSession('u4');
    const u2 = await userJoins('u2');
    const u3 = await userJoins('u3');
    const u4 = await userJoins('u4');
    const pos = async (u: Sock, p: number) => (await u.until('queue', (m) => m.position === p)) as Msg & { eta_seconds: number; agents_online: number };
    await pos(u3, 1);
    const q2 = await pos(u2, 2);
    await pos(u4, 3);
    // No call history: 300 s per call; two agents online (ann away, bob busy) → 300 × 2 / 2.
    assert.equal(q2.agents_online, 2);
    assert.equal(q2.eta_seconds, 300);
    const snap = await json<{ queue: Array<{ session_id: string; position: number | null; state: string }> }>(await agents.ann!.req('GET', '/agents/console'));
    assert.deepEqual(snap.queue.map((q) => q.session_id), [sessions.u3!.id, sessions.u1!.id, sessions.u2!.id, sessions.u4!.id]);
    assert.deepEqual(snap.queue.map((q) => q.state), ['waiting', 'assigned', 'waiting', 'waiting']);
  });

  test('only the assigned agent joins a call', async () => {
    const annCall = await Sock.open(`${ws}/dashboard/api/calls/ws`, { origin: server.baseUrl, cookie: agents.ann!.cookie! });
    annCall.send({ type: 'join', role: 'agent', session_id: sessions.u1!.id });
    const err = await annCall.wait((m) => m.type === 'error', { past: true });
    assert.equal(err.code, 'call_not_assigned');
    const bobCall = await Sock.open(`${ws}/dashboard/api/calls/ws`, { origin: server.baseUrl, cookie: agents.bob!.cookie! });
    bobCall.send({ type: 'join', role: 'agent', session_id: sessions.u1!.id });
    const joined = await bobCall.wait((m) => m.type === 'joined', { past: true });
    assert.equal(joined.rejoined, false);
    bobCall.close();
  });

  test('"next" takes the head of the queue; an agent who leaves without deciding puts the user back at their place', async () => {
    const ann = agents.ann!;
    assert.deepEqual(await json(await ann.req('POST', '/agents/next', {})), { session_id: sessions.u3!.id });
    await users.u3!.wait((m) => m.type === 'assigned', { past: true });
    await users.u2!.until('queue', (m) => m.position === 1);
    assert.deepEqual(await json(await ann.req('POST', `/calls/${sessions.u3!.id}/leave`, {})), { session_id: sessions.u3!.id, requeued: true });
    // The call ended for the user (their socket closes); the page joins again and is first again.
    const ended = await users.u3!.wait((m) => m.type === 'ended', { past: true });
    assert.equal(ended.reason, 'agent_left');
    const again = await userJoins('u3');
    await again.until('queue', (m) => m.position === 1);
    await users.u2!.until('queue', (m) => m.position === 2);
    const activity = await json<{ data: Array<{ action: string; session_id: string | null }> }>(await ann.req('GET', `/agents/${ann.id}/activity`));
    assert.deepEqual(activity.data.map((a) => a.action).reverse(), ['status.available', 'call.offer_declined', 'status.away', 'call.accepted', 'call.left']);
  });

  test('workspace: questions drawn from the script, answers, notes, the user\'s location; the decision goes through the review path', async () => {
    const bob = agents.bob!;
    const id = sessions.u1!.id;
    users.u1!.send({ type: 'location', latitude: 52.52, longitude: 13.405, accuracy_m: 30 });
    await users.u1!.wait((m) => m.type === 'location_saved', { past: true });
    const w = await json<{ questions: Array<{ id: string; answer: string | null }>; location: { browser: { latitude: number } }; images: { selfie: string | null; document_front: string | null } }>(await bob.req('GET', `/calls/${id}/workspace`));
    assert.equal(w.questions.length, 3, 'three of the default script per call');
    assert.equal(new Set(w.questions.map((q) => q.id)).size, 3);
    assert.equal(w.location.browser.latitude, 52.52);
    assert.match(w.images.selfie!, /\/v1\/sessions\/ses_.+\/media\/selfie\?exp=/);
    assert.equal(w.images.document_front, null);
    const answered = await json<{ data: Array<{ id: string; answer: string | null }> }>(await bob.req('POST', `/calls/${id}/questions/${w.questions[0]!.id}`, { answer: 'correct' }));
    assert.equal(answered.data[0]!.answer, 'correct');
    assert.equal((await bob.req('POST', `/calls/${id}/questions/nope`, { answer: 'correct' })).status, 404);
    assert.equal((await bob.req('POST', `/calls/${id}/questions/${w.questions[0]!.id}`, { answer: 'maybe' })).status, 422);
    await json(await bob.req('PUT', `/calls/${id}/notes`, { notes: 'document held too far' }));
    // another agent of the project cannot work on bob's call
    assert.equal((await agents.ann!.req('GET', `/calls/${id}/workspace`)).status, 409);
    // a decline needs a reason
    assert.equal((await bob.req('POST', `/calls/${id}/decision`, { result: 'declined' })).status, 422);
    const d = await json<{ status: string; session_result: string }>(await bob.req('POST', `/calls/${id}/decision`, { result: 'declined', reasons: ['document_not_shown'] }));
    assert.deepEqual([d.status, d.session_result], ['completed', 'declined']);
    const s = await loadSession(server.runtime.deps.db, projectId, id);
    assert.equal(s.agent_id, bob.id);
    assert.equal(s.agent_notes, 'document held too far');
    const video = await json<{ agent_id: string; agent_notes: string; status: string; result: string }>(await api('GET', `/v1/sessions/${id}/video`));
    assert.deepEqual([video.agent_id, video.agent_notes, video.status, video.result], [bob.id, 'document held too far', 'completed', 'declined']);
    const events = await server.runtime.deps.db.selectFrom('webhook_events').select(['type', 'payload']).where('session_id', '=', id).orderBy('created_at').execute();
    assert.deepEqual(events.map((e) => e.type), ['video.completed', 'video.reviewed']);
    assert.equal((JSON.parse(events[1]!.payload) as { data: { agent_id: string } }).data.agent_id, bob.id);
    // bob is free again and the session left the queue
    const snap = await bob.console!.until('console', (m) => (m.me as { status: string }).status === 'available');
    assert.equal((snap.queue as Array<{ session_id: string }>).some((q) => q.session_id === id), false);
    const log = await json<{ data: Array<{ action: string; user_id: string }> }>(await bob.req('GET', `/calls/${id}/activity`));
    // per session: every agent who touched it (ann declined the offer first)
    const who = (id: string) => (id === bob.id ? 'bob' : id === agents.ann!.id ? 'ann' : id);
    assert.deepEqual(log.data.map((a) => `${who(a.user_id)}:${a.action}`).reverse(), ['ann:call.offer_declined', 'bob:call.accepted', 'bob:question.answered', 'bob:notes.saved', 'bob:decision.declined']);
    // an agent reads only their own activity log
    assert.equal((await bob.req('GET', `/agents/${agents.ann!.id}/activity`)).status, 403);
  });

  test('tenant isolation: an agent of another project sees neither the queue nor the calls', async () => {
    const other = await server.runtime.deps.db.insertInto('projects').values({ id: 'prj_other', name: 'other', created_at: new Date().toISOString(), settings: null }).returning('id').executeTakeFirstOrThrow();
    const zed = await agent('zed', ['agent', 'admin'], other.id);
    const snap = await json<{ queue: unknown[]; agents: unknown[] }>(await zed.req('GET', '/agents/console'));
    assert.deepEqual([snap.queue.length, snap.agents.length], [0, 0]);
    assert.equal((await zed.req('GET', `/calls/${sessions.u2!.id}/workspace`)).status, 404);
    assert.equal((await zed.req('POST', `/agents/offers/${sessions.u2!.id}/accept`, {})).status, 404);
    const r = await zed.req('POST', '/agents/next', {});
    assert.equal(r.status, 404);
    const zedCall = await Sock.open(`${ws}/dashboard/api/calls/ws`, { origin: server.baseUrl, cookie: zed.cookie! });
    zedCall.send({ type: 'join', role: 'agent', session_id: sessions.u2!.id });
    assert.equal((await zedCall.wait((m) => m.type === 'error', { past: true })).code, 'session_not_found');
  });

  test('a reviewer cannot use the agent console', async () => {
    const rita = await agent('rita', ['reviewer']);
    assert.equal((await rita.req('GET', '/agents/console')).status, 403);
    assert.equal((await rita.req('POST', '/agents/next', {})).status, 403);
  });

  test('callback requests are stored and listed to agents; the self-record fallback switches the session back to capture', async () => {
    await waitingSession('u5');
    const u5 = await userJoins('u5');
    u5.send({ type: 'callback', phone: '+49 30 1234567', note: 'after 6pm' });
    const saved = await u5.wait((m) => m.type === 'callback_saved', { past: true });
    u5.send({ type: 'callback', phone: 'call me' });
    assert.equal((await u5.wait((m) => m.type === 'error')).code, 'validation_failed');
    const list = await json<{ data: Array<{ id: string; phone: string; session_id: string }> }>(await agents.bob!.req('GET', '/agents/callbacks'));
    assert.deepEqual(list.data.map((c) => [c.id, c.phone, c.session_id]), [[saved.id, '+49 30 1234567', sessions.u5!.id]]);
    const done = await json<{ done_at: string | null; done_by: string }>(await agents.bob!.req('POST', `/agents/callbacks/${saved.id}/done`, {}));
    assert.equal(done.done_by, agents.bob!.id);

    // Closed every day → outside hours; the project's fallback is self-record.
    await json(await api('PATCH', '/v1/project/settings', { agent_working_hours: { timezone: 'Europe/Berlin', days: {} }, agent_fallback: 'self_record' }));
    await waitingSession('u6');
    const u6 = await Sock.open(`${ws}/v1/capture/call/ws`, { origin: server.baseUrl });
    u6.send({ type: 'join', role: 'user', token: sessions.u6!.token });
    const unavailable = await u6.wait((m) => m.type === 'unavailable', { past: true });
    assert.deepEqual([unavailable.reason, unavailable.fallback, unavailable.opens_at], ['outside_hours', 'self_record', null]);
    u6.send({ type: 'fallback', choice: 'self_record' });
    await u6.wait((m) => m.type === 'switched', { past: true });
    const s6 = await loadSession(server.runtime.deps.db, projectId, sessions.u6!.id);
    assert.deepEqual([s6.state, s6.profile.video_mode], ['in_progress', 'self_record']);
    await json(await api('PATCH', '/v1/project/settings', { agent_working_hours: null, agent_fallback: 'wait' }));
  });

  test('a user waiting past the queue timeout is told, with the project\'s fallback', async () => {
    await json(await api('PATCH', '/v1/project/settings', { agent_queue_timeout_seconds: 60, agent_fallback: 'callback' }));
    const next = users.u4!.wait((m) => m.type === 'unavailable' && m.reason === 'queue_timeout');
    server.clock.advance(61);
    const told = await next;
    assert.deepEqual([told.reason, told.fallback], ['queue_timeout', 'callback']);
    // still queued: the fallback is offered, not forced
    assert.ok((await users.u4!.until('queue', () => true)).position);
  });

  test('settings: bad working hours and fallback values are refused with a stable code', async () => {
    const r = await api('PATCH', '/v1/project/settings', { agent_working_hours: { timezone: 'Mars/Olympus', days: {} } });
    assert.equal(r.status, 422);
    assert.equal((await api('PATCH', '/v1/project/settings', { agent_fallback: 'pigeon' })).status, 422);
    assert.equal((await api('PATCH', '/v1/project/settings', { agent_working_hours: { timezone: 'UTC', days: { mon: [['9:00', '17:00']] } } })).status, 422);
  });
});
