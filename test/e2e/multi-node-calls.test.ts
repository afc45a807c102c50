import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { after, before, test } from 'node:test';
import { serve } from '@hono/node-server';
import { Redis } from 'ioredis';
import { RTCPeerConnection } from 'werift';
import WebSocket from 'ws';
import { makeUser } from '../helpers/dashboard-client.ts';
import { deleteKeys, REDIS_URL } from '../helpers/redis.ts';
import { makeTwoNodes, type TestRuntime } from '../helpers/runtime.ts';

// Call node affinity over two API nodes sharing PostgreSQL and the real Redis (REDIS_URL): the user
// joins a live call on node A, so A holds the call's media; the agent's socket lands on node B,
// which forwards its signalling to A over Redis. Both sides are real werift peers answering over
// real WebSockets; they connect (ICE + DTLS) to A's peers, and the agent's hang-up sent to B ends
// the call on A. A second test: the registry names a node that is gone; the node that takes the
// socket waits for it, then takes the call itself.

const prefix = `vkyc-test-${randomBytes(4).toString('hex')}:`;
const ORIGIN = 'http://vkyc.test'; // makeRuntime's PUBLIC_URL: the sockets' Origin must be it

let nodes: Awaited<ReturnType<typeof makeTwoNodes>> | undefined;
let a: TestRuntime;
let b: TestRuntime;
const servers: Server[] = [];
const urls = new Map<TestRuntime, string>();
const peers: RTCPeerConnection[] = [];

async function listen(rt: TestRuntime) {
  const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise<void>((r) => server.once('listening', () => r()));
  rt.attachCalls(server);
  servers.push(server);
  urls.set(rt, `ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
}

before(async () => {
  nodes = await makeTwoNodes({ REDIS_URL, REDIS_PREFIX: prefix, CALL_HOST_ADDRESSES: '127.0.0.1' });
  ({ a, b } = nodes);
  await listen(a);
  await listen(b);
  await Promise.all([a.callAffinity!.ready(), b.callAffinity!.ready()]);
});
after(async () => {
  // A cleanup step that hangs after a failure (a call that never ends) must not hold the test run:
  // every result is reported by now.
  setTimeout(() => process.exit(), 60_000).unref();
  for (const pc of peers) await pc.close().catch(() => undefined);
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await nodes?.cleanup();
  await deleteKeys(prefix);
  // werift keeps closed peers' UDP sockets open (see live-call.test.ts): leave once reported.
  setTimeout(() => process.exit(), 1500).unref();
});

type Msg = { type: string; [k: string]: unknown };

/** A participant: a WebSocket and a werift peer that answers the server's offer and trickles candidates. */
async function participant(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers: { origin: ORIGIN, ...headers } });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.once('error', reject);
  });
  const got: Msg[] = [];
  let waiters: Array<() => void> = [];
  let closed: number | null = null;
  const pc = new RTCPeerConnection({});
  peers.push(pc);
  pc.onIceCandidate.subscribe((c) => {
    if (c) ws.send(JSON.stringify({ type: 'candidate', candidate: { candidate: c.candidate.startsWith('candidate:') ? c.candidate : `candidate:${c.candidate}`, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } }));
  });
  let chain = Promise.resolve();
  ws.on('message', (d) => {
    const m = JSON.parse(String(d)) as Msg;
    got.push(m);
    for (const w of waiters.splice(0)) w();
    chain = chain.then(async () => {
      if (m.type === 'offer') {
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp as string });
        await pc.setLocalDescription(await pc.createAnswer());
        ws.send(JSON.stringify({ type: 'answer', sdp: pc.localDescription!.sdp }));
      } else if (m.type === 'candidate' && m.candidate) {
        await pc.addIceCandidate(m.candidate as { candidate: string });
      }
    }).catch(() => undefined);
  });
  ws.on('close', (code) => {
    closed = code;
    for (const w of waiters.splice(0)) w();
  });
  return {
    ws, got, pc,
    get closed() {
      return closed;
    },
    send: (m: unknown) => ws.send(JSON.stringify(m)),
    /** The first message matching `pred` (already received or to come); fails after `ms` with what came. */
    wait(pred: (m: Msg) => boolean, what: string, ms = 20_000): Promise<Msg> {
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${what}; got ${JSON.stringify(got.map((m) => m.type === 'peer' ? `${m.type}:${m.role}:${m.state}` : m.type))}`)), ms);
        const check = () => {
          const m = got.find(pred);
          if (m) return (clearTimeout(t), resolve(m));
          waiters.push(check);
        };
        check();
      });
    },
  };
}

async function liveSession(rt: TestRuntime) {
  const res = await rt.req('POST', '/v1/sessions', { profile: { steps: ['selfie', 'video'], video_mode: 'live_agent' } });
  assert.equal(res.status, 201);
  const s = (await res.json()) as { id: string; capture_url: string };
  return { id: s.id, token: new URL(s.capture_url).pathname.split('/').pop()! };
}

async function agentCookie(on: TestRuntime, projectId: string, login: string, sessionId: string) {
  const u = await makeUser(on.deps, { login, projectId, roles: ['agent'] });
  // Only the agent the queue assigned may join (call_not_assigned): this file is about where the
  // call lives, not about the queue (test/http/call-queue.test.ts), so the assignment is written
  // straight into the shared queue table, as the desk's `next` would.
  const at = new Date().toISOString();
  const queued = await on.deps.db.updateTable('live_queue').set({ agent_id: u.id, assigned_at: at }).where('session_id', '=', sessionId).executeTakeFirst();
  if (Number(queued.numUpdatedRows) === 0) {
    await on.deps.db.insertInto('live_queue').values({ session_id: sessionId, project_id: projectId, priority: 0, joined_at: at, seq: Date.now(), agent_id: u.id, assigned_at: at }).execute();
  }
  const res = await on.app.request('/dashboard/api/login', { method: 'POST', headers: { 'content-type': 'application/json', origin: ORIGIN }, body: JSON.stringify({ login: u.login, password: u.password }) });
  assert.equal(res.status, 200);
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

test('the agent reaches node B; B forwards to node A, which holds the call: both peers connect, the hang-up ends it on A', async () => {
  const s = await liveSession(a);
  const user = await participant(`${urls.get(a)}/v1/capture/call/ws`);
  user.send({ type: 'join', role: 'user', token: s.token });
  await user.wait((m) => m.type === 'offer', 'offer for the user');
  assert.equal(await a.callAffinity!.ownerOf(s.id), a.callAffinity!.nodeId, 'the node that took the first socket owns the call');

  const cookie = await agentCookie(b, a.projectId, 'agent-on-b', s.id);
  const agent = await participant(`${urls.get(b)}/dashboard/api/calls/ws`, { cookie });
  agent.send({ type: 'join', role: 'agent', session_id: s.id });
  const joined = await agent.wait((m) => m.type === 'joined', 'joined for the agent');
  assert.equal(joined.role, 'agent');
  await agent.wait((m) => m.type === 'offer', 'offer for the agent');

  // Both peers connect to A's server peers; each side learns it from its own node.
  await user.wait((m) => m.type === 'peer' && m.role === 'agent' && m.state === 'connected', 'agent connected (seen by the user on A)');
  await agent.wait((m) => m.type === 'peer' && m.role === 'user' && m.state === 'connected', 'user connected (seen by the agent on B)');
  assert.equal(a.calls.isLive(s.id), true, 'the call lives on A');
  assert.equal(b.calls.isLive(s.id), false, 'B holds no call: it only relays signalling');
  assert.equal(agent.pc.connectionState, 'connected');

  agent.send({ type: 'leave' });
  const [endedU, endedA] = await Promise.all([user.wait((m) => m.type === 'ended', 'ended (user)'), agent.wait((m) => m.type === 'ended', 'ended (agent)')]);
  assert.equal(endedU.reason, 'agent_hung_up');
  assert.equal(endedA.reason, 'agent_hung_up');
  // `ended` goes out first, then the recordings are stored; `end` on the ending call waits for that.
  const result = (await a.calls.end(s.id, 'test_waits')) ?? a.calls.result(s.id);
  assert.ok(result, 'A has the call\'s result');
  assert.equal(result.endReason, 'agent_hung_up');
  assert.ok(result.connectedAt, 'both sides were connected on A');
  assert.equal(b.calls.result(s.id), null);
});

test('an owner that no longer answers: the node that takes the socket waits for it, then takes the call', async () => {
  const s = await liveSession(a);
  const r = new Redis(REDIS_URL);
  // A node that claimed the call and died (its claim has not expired yet).
  await r.set(`${prefix}call:${s.id}`, 'node-that-died', 'PX', 60_000);
  const user = await participant(`${urls.get(b)}/v1/capture/call/ws`);
  user.send({ type: 'join', role: 'user', token: s.token });
  await user.wait((m) => m.type === 'offer', 'offer after the takeover');
  assert.equal(await r.get(`${prefix}call:${s.id}`), b.callAffinity!.nodeId, 'B holds the claim now');
  assert.equal(b.calls.isLive(s.id), true);
  await r.quit();
  user.send({ type: 'leave' });
  await user.wait((m) => m.type === 'ended', 'ended');
});

test('Redis unreachable: the node that takes the socket serves the call itself', async () => {
  const joined: string[] = [];
  // Routing only: a stand-in for the call registry records which calls this node was asked to run.
  const local = { join: async (who: { sessionId: string }) => void joined.push(who.sessionId), handle: async () => undefined, dropped: () => undefined, isLive: () => true };
  const { createCallAffinity } = await import('../../src/calls/affinity.ts');
  const { createLogger } = await import('../../src/log.ts');
  const aff = createCallAffinity(local as unknown as Parameters<typeof createCallAffinity>[0], { redisUrl: 'redis://127.0.0.1:1', prefix, log: createLogger('silent') });
  try {
    await aff.join({ side: 'user', sessionId: 'ses_offline', projectId: 'prj_x' }, { send: () => undefined, close: () => undefined });
    assert.deepEqual(joined, ['ses_offline']);
  } finally {
    await aff.close();
  }
});
