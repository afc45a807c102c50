import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseCookies } from 'hono/utils/cookie';
import { WebSocketServer, type WebSocket } from 'ws';
import { resolveLoginSession } from '../accounts/login-sessions.ts';
import { rolesIn } from '../accounts/users.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { COOKIE } from '../http/dashboard/auth.ts';
import { captureSession } from '../sessions/capture-guard.ts';
import { loadSession, type SessionRecord } from '../sessions/rows.ts';
import type { Participant } from './call-service.ts';
import type { CallEndpoint } from './affinity.ts';
import { clientMessageSchema, MAX_MESSAGE_BYTES, type QueueMessage, type ServerMessage } from './messages.ts';
import type { Actor } from '../domain/actor.ts';
import { resolveClientIp } from '../http/client-ip.ts';
import { parseTrustedProxies } from '../config/trusted-proxies.ts';

// Call signalling over WebSocket, attached to the Node HTTP server @hono/node-server created.
//   /v1/capture/call/ws      the user: the first message is `join` with the capture token
//   /dashboard/api/calls/ws  the agent: the dashboard cookie (Path=/dashboard reaches only this
//                            path), role agent or admin; the first message names the session
// Both: Origin must be PUBLIC_URL's origin. A WebSocket is not subject to the same-origin policy
// and carries the cookie on a cross-site handshake, so Origin is what stops another site from
// opening a call as a signed-in agent (there is no CSRF token on a handshake).

export const USER_PATH = '/v1/capture/call/ws';
export const AGENT_PATH = '/dashboard/api/calls/ws';
/** The agent console: queue, agents and offers pushed live (docs/live-calls-api.md §2). */
export const CONSOLE_PATH = '/dashboard/api/agents/ws';

/** A socket that has not joined within this long is closed (a join is one round trip). */
const JOIN_TIMEOUT_MS = 10_000;
/** Messages per socket per 10 s: candidates and a stats sample every few seconds stay far below. */
const MESSAGE_BUDGET = 200;

type Ctx = Deps;

/** A socket the desk pushes JSON to. */
export interface DeskLink { send(m: Record<string, unknown>): void; close?(code: number, reason: string): void }

/**
 * The live-agent desk as the signalling sees it (src/agents implements it; main.ts wires it): the
 * queue around the call. A port, so the media core does not depend on the queue.
 */
export interface CallDesk {
  /** Throws (call_not_assigned) unless this agent holds the session. */
  authorizeAgent(projectId: string, sessionId: string, userId: string): Promise<void>;
  userJoined(projectId: string, sessionId: string, link: DeskLink, ip: string | null): Promise<void>;
  userDropped(sessionId: string, link: DeskLink): void;
  userMessage(projectId: string, sessionId: string, m: QueueMessage, link: DeskLink): Promise<void>;
  /** An agent console socket; returns what to call when it closes. */
  consoleOpened(link: DeskLink & { actor: Actor }): () => void;
}

export function attachCallSignalling(server: Server, deps: Ctx, calls: CallEndpoint, desk?: CallDesk): { close(): Promise<void> } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const origin = new URL(deps.config.PUBLIC_URL).origin;
  const trusted = parseTrustedProxies(deps.config.TRUST_PROXY);
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== USER_PATH && path !== AGENT_PATH && !(path === CONSOLE_PATH && desk)) return void socket.destroy();
    if (req.headers.origin !== origin) return refuse(socket, 403, 'origin not allowed');
    void (async () => {
      // The agent is authenticated before the upgrade; the user's token comes in the first message.
      let agent: Agent | null = null;
      if (path === AGENT_PATH || path === CONSOLE_PATH) {
        try {
          agent = await agentOf(deps, req);
        } catch (e) {
          if (e instanceof AppError) return refuse(socket, e.code === 'forbidden' ? 403 : 401, e.message);
          throw e;
        }
      }
      if (path === CONSOLE_PATH) return wss.handleUpgrade(req, socket, head, (ws) => serveConsole(deps, desk!, ws, agent!));
      const ip = resolveClientIp(req.socket.remoteAddress ?? null, headerOf(req, 'x-forwarded-for'), trusted);
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(deps, calls, ws, agent, desk ?? null, ip));
    })().catch((e: unknown) => {
      deps.log.error('call upgrade failed', { err: String(e) });
      refuse(socket, 500, 'internal error');
    });
  };
  server.on('upgrade', onUpgrade);
  return {
    async close() {
      server.off('upgrade', onUpgrade);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

function refuse(socket: Duplex, status: number, reason: string) {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

interface Agent { userId: string; projectId: string; actor: Actor }

const headerOf = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
};

async function agentOf(deps: Ctx, req: IncomingMessage): Promise<Agent> {
  const secure = deps.config.PUBLIC_URL.startsWith('https:');
  // Over TLS only the __Secure- cookie counts, as in dashboardSession.
  const cookies = parseCookies(req.headers.cookie ?? '');
  const token = cookies[secure ? `__Secure-${COOKIE.name}` : COOKIE.name];
  const login = token ? await resolveLoginSession(deps.db, deps.clock, token) : null;
  if (!login) throw new AppError('signin_required', 'not signed in, or the session ended; sign in again');
  if (login.user.must_change_password) throw new AppError('password_change_required', 'set a new password first');
  const roles = await rolesIn(deps.db, login.user.id, login.session.project_id);
  if (!roles.some((r) => r === 'agent' || r === 'admin')) throw new AppError('forbidden', 'live calls need the role agent or admin in this project');
  return { userId: login.user.id, projectId: login.session.project_id, actor: { kind: 'user', id: login.user.id, projectId: login.session.project_id, roles, name: login.user.display_name } };
}

function assertLiveAgent(s: SessionRecord) {
  if (s.profile.video_mode !== 'live_agent') throw new AppError('step_not_in_profile', 'this session is not a live-agent session');
  if (['expired', 'canceled'].includes(s.status)) throw new AppError(s.status === 'expired' ? 'session_expired' : 'session_canceled', `this session is ${s.status}`);
}

/** The console socket: snapshots and offers pushed by the desk; the page only pings. */
function serveConsole(deps: Ctx, desk: CallDesk, ws: WebSocket, agent: Agent) {
  const send = (m: Record<string, unknown>) => ws.readyState === ws.OPEN && void ws.send(JSON.stringify(m));
  const closeLink = desk.consoleOpened({ actor: agent.actor, send });
  let budget = MESSAGE_BUDGET;
  const refill = setInterval(() => (budget = MESSAGE_BUDGET), 10_000);
  ws.on('message', (data) => {
    if (--budget < 0) return void ws.close(4429, 'too many messages');
    let m: unknown = null;
    try {
      m = JSON.parse(data.toString());
    } catch {
      /* answered below */
    }
    if ((m as { type?: unknown } | null)?.type === 'ping') send({ type: 'pong' });
    else send({ type: 'error', code: 'validation_failed', message: 'the console socket takes only {type:"ping"}' });
  });
  ws.on('close', () => {
    clearInterval(refill);
    closeLink();
  });
  ws.on('error', () => undefined);
  deps.log.debug?.('agent console opened', { user: agent.userId });
}

function serveSocket(deps: Ctx, calls: CallEndpoint, ws: WebSocket, agent: Agent | null, desk: CallDesk | null, ip: string | null) {
  const send = (m: ServerMessage) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(m));
  const signal = { send, close: (code: number, reason: string) => ws.close(code, reason) };
  // The desk pushes queue messages that are not part of the call protocol's ServerMessage union.
  const link = { send: (m: Record<string, unknown>) => void (ws.readyState === ws.OPEN && ws.send(JSON.stringify(m))), close: signal.close };
  let who: Participant | null = null;
  let budget = MESSAGE_BUDGET;
  const refill = setInterval(() => (budget = MESSAGE_BUDGET), 10_000);
  const joinTimer = setTimeout(() => ws.close(4408, 'join expected'), JOIN_TIMEOUT_MS);
  const fail = (e: unknown) => {
    const err = e instanceof AppError ? e : null;
    if (!err) deps.log.error('call signalling failed', { session: who?.sessionId, err: String(e) });
    send({ type: 'error', code: err?.code ?? 'internal_error', message: err?.message ?? 'internal error' });
    // Before join an error ends the socket; after it, a bad message is reported and the call goes on.
    if (!who) ws.close(4400, err?.code ?? 'internal_error');
  };
  let queue = Promise.resolve();
  ws.on('message', (data, isBinary) => {
    if (--budget < 0) return void ws.close(4429, 'too many messages');
    // Messages of one socket are handled in order: an answer must not overtake its join.
    queue = queue.then(async () => {
      let json: unknown;
      try {
        json = isBinary ? null : JSON.parse(data.toString());
      } catch {
        json = null;
      }
      const parsed = clientMessageSchema.safeParse(json);
      if (!parsed.success) throw new AppError('validation_failed', `not a valid call message: ${parsed.error.issues[0]?.message ?? 'unreadable'}`);
      const m = parsed.data;
      if (m.type === 'join') {
        if (who) throw new AppError('validation_failed', 'already joined');
        const joining = await identify(deps, m, agent);
        if (joining.side === 'agent') await desk?.authorizeAgent(joining.projectId, joining.sessionId, joining.userId);
        who = joining;
        clearTimeout(joinTimer);
        await calls.join(who, signal);
        if (who.side === 'user') await desk?.userJoined(who.projectId, who.sessionId, link, ip);
        return;
      }
      if (!who) throw new AppError('validation_failed', 'join first');
      if (m.type === 'location' || m.type === 'callback' || m.type === 'leave_queue' || m.type === 'fallback') {
        if (who.side !== 'user') throw new AppError('validation_failed', `${m.type} is a message of the user's page`);
        if (!desk) throw new AppError('validation_failed', 'this server has no agent queue');
        await desk.userMessage(who.projectId, who.sessionId, m, link);
        return;
      }
      await calls.handle(who, signal, m);
    }).catch(fail);
  });
  ws.on('close', () => {
    clearTimeout(joinTimer);
    clearInterval(refill);
    if (who) calls.dropped(who, signal);
    if (who?.side === 'user') desk?.userDropped(who.sessionId, link);
  });
  ws.on('error', () => undefined);
}

async function identify(deps: Ctx, m: { role: 'user'; token: string } | { role: 'agent'; session_id: string }, agent: Agent | null): Promise<Participant> {
  if (m.role === 'user') {
    if (agent) throw new AppError('validation_failed', 'this endpoint is for agents');
    const s = await captureSession(deps, m.token, { forWrite: false });
    assertLiveAgent(s);
    return { side: 'user', sessionId: s.id, projectId: s.project_id };
  }
  if (!agent) throw new AppError('signin_required', 'agents join through the dashboard');
  const s = await loadSession(deps.db, agent.projectId, m.session_id);
  assertLiveAgent(s);
  return { side: 'agent', sessionId: s.id, projectId: s.project_id, userId: agent.userId };
}
