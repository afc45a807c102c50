import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { AppError, errorStatus, type ErrorCode } from '../domain/errors.ts';
import type { Logger } from '../log.ts';
import type { Signal } from './call.ts';
import type { CallService, Participant } from './call-service.ts';
import type { ClientMessage } from './messages.ts';

// Call node affinity across API nodes (REDIS_URL). A call's WebRTC peers live in the process that
// created them and cannot move, so every signalling socket of a session must end up at that
// process. Choice: signalling is FORWARDED over Redis pub/sub to the owner node, rather than the
// client being told to reconnect to the owner's URL. Forwarding needs no per-node public URL nor
// any change in the pages, and a load balancer may send each socket anywhere. Media is not
// forwarded: the owner's ICE candidates name the owner's own addresses (CALL_HOST_ADDRESSES), so
// the browsers' media goes straight to it.
//
//   registry   `{prefix}call:{session}` = owner node id, claimed with SET NX, TTL CALL_OWNER_TTL,
//              refreshed while the call lives on the owner, deleted (compare-and-delete) after it.
//   channels   `{prefix}calls:node:{node id}`: each node listens on its own channel. A node that
//              takes a socket for a call it does not own sends `join` there and relays the socket's
//              messages; the owner answers through the proxy node's channel (`send`, `close`).
//   failover   an owner that does not acknowledge receipt of a join within 5 s is taken as gone:
//              its claim is deleted (only if it still names it) and this node takes the call. Its
//              media died with it; the pages reconnect and a new call starts. Sockets a proxy node
//              relays to an owner whose claim vanished or changed are closed (4503) so pages
//              reconnect to a live owner.
//
// Redis is trusted infrastructure: a participant in a forwarded join was authenticated by the node
// that holds its socket. When Redis does not answer, a node serves calls itself (as without Redis).

/** What the signalling layer calls; CallService itself when there is one node. */
export type CallEndpoint = Pick<CallService, 'join' | 'handle' | 'dropped'>;

interface AffinityOptions {
  redisUrl: string;
  prefix?: string;
  log: Logger;
  nodeId?: string;
  /** Claim lifetime; refreshed every third of it while the call lives. */
  ownerTtlMs?: number;
  /** How long a forwarded join waits for the owner's answer before taking the owner as gone. */
  forwardTimeoutMs?: number;
}

type Wire =
  | { op: 'join'; conn: string; from: string; who: Participant }
  | { op: 'accepted'; conn: string }
  | { op: 'joined'; conn: string; error?: { code: string; message: string } }
  | { op: 'msg'; conn: string; m: Exclude<ClientMessage, { type: 'join' }> }
  | { op: 'drop'; conn: string }
  | { op: 'send'; conn: string; m: Parameters<Signal['send']>[0] }
  | { op: 'close'; conn: string; code: number; reason: string };

const CAS_REFRESH = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const CAS_DELETE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

class OwnerGone extends Error {}

/** After its receipt, how long a forwarded join may take on the owner (a peer and its offer). */
const JOIN_ANSWER_MS = 30_000;

export interface CallAffinity extends CallEndpoint {
  readonly nodeId: string;
  /** The node that owns the session's call, or null. */
  ownerOf(sessionId: string): Promise<string | null>;
  /** Resolves once this node listens on its channel. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export function createCallAffinity(calls: CallService, o: AffinityOptions): CallAffinity {
  const prefix = o.prefix ?? 'vkyc:';
  const nodeId = o.nodeId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const ttl = o.ownerTtlMs ?? 30_000;
  const forwardTimeout = o.forwardTimeoutMs ?? 5_000;
  const log = o.log;
  const key = (sessionId: string) => `${prefix}call:${sessionId}`;
  const channelOf = (node: string) => `${prefix}calls:node:${node}`;
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  const sub = new Redis(o.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000 });
  let lastWarn = 0;
  const warn = (e: unknown) => {
    if (Date.now() - lastWarn < 60_000) return;
    lastWarn = Date.now();
    log.warn('call affinity: Redis unavailable; calls are served by the node that takes them', { err: e instanceof Error ? e.message : String(e) });
  };
  redis.on('error', warn);
  sub.on('error', warn);
  const send = (node: string, w: Wire) => redis.publish(channelOf(node), JSON.stringify(w)).catch(warn);

  // Owner side: sockets other nodes relay to calls here.
  const remote = new Map<string, { who: Participant; signal: Signal; queue: Promise<void> }>();
  // Sessions whose claim this node holds.
  const owned = new Set<string>();
  // Proxy side: local sockets relayed to an owner elsewhere.
  const relayed = new Map<Signal, { conn: string; owner: string; sessionId: string }>();
  const byConn = new Map<string, Signal>();
  const pending = new Map<string, { accepted(): void; resolve(): void; reject(e: Error): void }>();

  const onOwner = async (w: Wire & { op: 'join' | 'msg' | 'drop' }) => {
    if (w.op === 'join') {
      const signal: Signal = { send: (m) => void send(w.from, { op: 'send', conn: w.conn, m }), close: (code, reason) => void send(w.from, { op: 'close', conn: w.conn, code, reason }) };
      remote.set(w.conn, { who: w.who, signal, queue: Promise.resolve() });
      owned.add(w.who.sessionId);
      // Receipt at once: the join itself (a new peer, its offer) may take seconds on a loaded node,
      // and only a missing receipt means the owner is gone.
      await send(w.from, { op: 'accepted', conn: w.conn });
      try {
        await calls.join(w.who, signal);
        await send(w.from, { op: 'joined', conn: w.conn });
      } catch (e) {
        remote.delete(w.conn);
        const err = e instanceof AppError ? { code: e.code, message: e.message } : { code: 'internal_error', message: 'internal error' };
        if (!(e instanceof AppError)) log.error('forwarded call join failed', { session: w.who.sessionId, err: String(e) });
        await send(w.from, { op: 'joined', conn: w.conn, error: err });
      }
      return;
    }
    const r = remote.get(w.conn);
    if (!r) return;
    if (w.op === 'drop') {
      remote.delete(w.conn);
      return calls.dropped(r.who, r.signal);
    }
    // One socket's messages are handled in order, as signalling.ts does for a local socket.
    r.queue = r.queue.then(() => calls.handle(r.who, r.signal, w.m)).catch((e: unknown) => {
      const err = e instanceof AppError ? e : null;
      if (!err) log.error('forwarded call message failed', { session: r.who.sessionId, err: String(e) });
      r.signal.send({ type: 'error', code: err?.code ?? 'internal_error', message: err?.message ?? 'internal error' });
    });
  };

  sub.on('message', (_ch: string, raw: string) => {
    let w: Wire;
    try {
      w = JSON.parse(raw) as Wire;
    } catch {
      return;
    }
    switch (w.op) {
      case 'join':
      case 'msg':
      case 'drop':
        return void onOwner(w).catch((e: unknown) => log.error('call affinity failed', { err: String(e) }));
      case 'accepted':
        return void pending.get(w.conn)?.accepted();
      case 'joined': {
        const p = pending.get(w.conn);
        if (!p) return;
        pending.delete(w.conn);
        if (!w.error) return p.resolve();
        const code = (w.error.code in errorStatus ? w.error.code : 'internal_error') as ErrorCode;
        return p.reject(new AppError(code, w.error.message));
      }
      case 'send':
        return void byConn.get(w.conn)?.send(w.m);
      case 'close':
        return void byConn.get(w.conn)?.close(w.code, w.reason);
    }
  });
  let isListening = false;
  const listening = sub.subscribe(channelOf(nodeId)).then(() => void (isListening = true), warn);

  /** The owner of the session's call: this node if nobody held it. Redis down: this node. */
  async function claim(sessionId: string): Promise<string> {
    try {
      for (let i = 0; i < 3; i++) {
        if ((await redis.set(key(sessionId), nodeId, 'PX', ttl, 'NX')) === 'OK') return nodeId;
        const owner = await redis.get(key(sessionId));
        if (owner) return owner;
      }
    } catch (e) {
      warn(e);
    }
    return nodeId;
  }

  function forwardJoin(owner: string, who: Participant, signal: Signal): Promise<void> {
    const conn = `${nodeId}:${randomBytes(8).toString('hex')}`;
    relayed.set(signal, { conn, owner, sessionId: who.sessionId });
    byConn.set(conn, signal);
    const forget = () => {
      relayed.delete(signal);
      byConn.delete(conn);
    };
    return new Promise<void>((resolve, reject) => {
      const giveUp = (e: Error) => () => {
        pending.delete(conn);
        forget();
        reject(e);
      };
      let timer = setTimeout(giveUp(new OwnerGone(owner)), forwardTimeout);
      pending.set(conn, {
        accepted: () => {
          clearTimeout(timer);
          timer = setTimeout(giveUp(new AppError('internal_error', 'the node holding this call did not answer; try again')), JOIN_ANSWER_MS);
        },
        resolve: () => (clearTimeout(timer), resolve()),
        reject: (e) => (clearTimeout(timer), forget(), reject(e)),
      });
      void send(owner, { op: 'join', conn, from: nodeId, who });
    });
  }

  async function join(who: Participant, signal: Signal, retried = false): Promise<void> {
    const owner = await claim(who.sessionId);
    if (owner === nodeId) {
      owned.add(who.sessionId);
      return calls.join(who, signal);
    }
    // The owner's answers come on this node's channel: without it a live owner would look gone.
    if (!isListening) await Promise.race([listening, new Promise((r) => setTimeout(r, forwardTimeout).unref())]);
    if (!isListening) throw new AppError('internal_error', 'call routing is unavailable; try again');
    try {
      await forwardJoin(owner, who, signal);
    } catch (e) {
      if (!(e instanceof OwnerGone) || retried) throw e;
      log.warn('call owner node did not answer; this node takes the call', { session: who.sessionId, owner });
      await redis.eval(CAS_DELETE, 1, key(who.sessionId), owner).catch(warn);
      return join(who, signal, true);
    }
  }

  // Claims of live calls are kept alive; ended calls' claims removed; relayed sockets whose owner
  // lost its claim are closed so their pages reconnect to a live owner.
  const tick = setInterval(() => {
    void (async () => {
      // Relayed sockets of calls that ended here (their proxy node may be gone without a `drop`).
      for (const [conn, r] of remote) if (!calls.isLive(r.who.sessionId)) remote.delete(conn);
      for (const s of owned) {
        if (calls.isLive(s)) await redis.eval(CAS_REFRESH, 1, key(s), nodeId, String(ttl));
        else {
          owned.delete(s);
          await redis.eval(CAS_DELETE, 1, key(s), nodeId);
        }
      }
      for (const [signal, r] of relayed) {
        if ((await redis.get(key(r.sessionId))) !== r.owner) signal.close(4503, 'call node gone; reconnect');
      }
    })().catch(warn);
  }, Math.max(100, Math.floor(ttl / 3)));
  tick.unref();

  return {
    nodeId,
    ownerOf: async (sessionId) => redis.get(key(sessionId)),
    ready: () => listening,
    join: (who, signal) => join(who, signal),
    async handle(who, signal, m) {
      const r = relayed.get(signal);
      if (!r) return calls.handle(who, signal, m);
      await send(r.owner, { op: 'msg', conn: r.conn, m });
    },
    dropped(who, signal) {
      const r = relayed.get(signal);
      if (!r) return calls.dropped(who, signal);
      relayed.delete(signal);
      byConn.delete(r.conn);
      void send(r.owner, { op: 'drop', conn: r.conn });
    },
    async close() {
      clearInterval(tick);
      // Claims of this node's calls go: the calls end with the process (CallService.endAll).
      for (const s of owned) await redis.eval(CAS_DELETE, 1, key(s), nodeId).catch(warn);
      await Promise.all([redis.quit().catch(() => redis.disconnect()), sub.quit().catch(() => sub.disconnect())]);
    },
  };
}
