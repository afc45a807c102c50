import type { Config } from '../config/config.ts';
import { AppError } from '../domain/errors.ts';
import type { Deps } from '../deps.ts';
import { Call, type CallResult, type Signal } from './call.ts';
import type { ClientMessage } from './messages.ts';
import type { CallQuality } from './quality.ts';
import { SegmentRecorder, type Side } from './recording.ts';

// The registry of live calls (session id → call) and the seam to the rest of vkyc: the session
// aggregate (queue, agent pool, decisions) plugs in through the hooks; this room only moves and
// records media. In memory: a call's peers live in this process anyway (WebRTC media cannot move
// between processes), so several API nodes need call affinity, not shared state (docs/live-calls.md).

export interface CallHooks {
  /** Both sides connected for the first time. */
  onCallStarted?(sessionId: string): void | Promise<void>;
  /** The call ended (hang-up, a side gone past the grace period, server stop); recordings are stored. */
  onCallEnded?(sessionId: string, r: { projectId: string; recordings: CallResult['recordings']; durationSeconds: number; quality: CallQuality; endReason: string; connectedAt: string | null; endedAt: string }): void | Promise<void>;
}

/** Who is on the other end of a socket, as the signalling layer authenticated them. */
export type Participant = { side: 'user'; sessionId: string; projectId: string } | { side: 'agent'; sessionId: string; projectId: string; userId: string };

export class CallService {
  private readonly calls = new Map<string, Call>();
  private readonly ended = new Map<string, CallResult>();
  private stopping = false;

  constructor(private readonly deps: Pick<Deps, 'blobs' | 'media' | 'log'> & { config: Pick<Config, 'DATA_DIR' | 'ICE_SERVERS' | 'CALL_HOST_ADDRESSES' | 'CALL_UDP_PORTS' | 'CALL_GRACE_SECONDS'> }, private readonly hooks: CallHooks = {}) {}

  get iceServers() {
    return this.deps.config.ICE_SERVERS;
  }

  /** The participant's socket is authenticated: join (or rejoin) the session's call. */
  async join(who: Participant, signal: Signal): Promise<void> {
    // Pages reconnect by themselves: during shutdown that must not open a fresh call.
    if (this.stopping) throw new AppError('server_stopping', 'the server is restarting; the call will resume when it is back');
    let call = this.calls.get(who.sessionId);
    if (!call || call.isEnded) {
      call = this.create(who.sessionId, who.projectId);
      this.calls.set(who.sessionId, call);
    }
    await call.handleJoin(who.side, signal);
  }

  /** One message from an already joined socket. */
  async handle(who: Participant, signal: Signal, m: Exclude<ClientMessage, { type: 'join' }>): Promise<void> {
    const call = this.calls.get(who.sessionId);
    if (!call || call.isEnded) return;
    switch (m.type) {
      case 'answer': return call.handleAnswer(who.side, m.sdp);
      case 'candidate': return call.handleCandidate(who.side, m.candidate);
      case 'stats': return call.handleStats(who.side, m.stats);
      case 'leave': return void (await call.end(`${who.side}_hung_up`));
    }
  }

  /** The socket closed: the participant may come back within CALL_GRACE_SECONDS. */
  dropped(who: Participant, signal: Signal): void {
    this.calls.get(who.sessionId)?.handleDrop(who.side, signal);
  }

  /** Quality of a live call, or of one that ended in this process (for the lead to store). */
  quality(sessionId: string): CallQuality | null {
    return this.calls.get(sessionId)?.qualityNow() ?? this.ended.get(sessionId)?.quality ?? null;
  }

  result(sessionId: string): CallResult | null {
    return this.ended.get(sessionId) ?? null;
  }

  isLive(sessionId: string): boolean {
    const c = this.calls.get(sessionId);
    return c !== undefined && !c.isEnded;
  }

  /** Ends one call (an agent's decision, a cancel) and waits until its recordings are stored. */
  end(sessionId: string, reason: string): Promise<CallResult> | null {
    return this.calls.get(sessionId)?.end(reason) ?? null;
  }

  /** Server stopping: every call ends cleanly, recordings stored, hooks called. */
  async endAll(reason = 'server_stopping'): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.calls.values()].map((c) => c.end(reason)));
  }

  private create(sessionId: string, projectId: string): Call {
    const { config, log } = this.deps;
    const ports = config.CALL_UDP_PORTS?.split('-').map(Number) as [number, number] | undefined;
    const call: Call = new Call(sessionId, projectId, {
      peer: { iceServers: config.ICE_SERVERS, hostAddresses: config.CALL_HOST_ADDRESSES, udpPorts: ports },
      graceMs: config.CALL_GRACE_SECONDS * 1000,
      // Wall-clock time, not the injectable Clock: media runs in real time, and a call's duration and
      // the recordings' start stamps must agree with the RTP the browsers sent.
      now: () => new Date(),
      log,
      startRecording: (side: Side, segment, tracks) => SegmentRecorder.start(config.DATA_DIR, sessionId, side, segment, tracks),
      finishRecording: (r) => r.finish(this.deps, projectId, sessionId),
      onConnected: () => {
        log.info('call connected', { session: sessionId });
        void Promise.resolve(this.hooks.onCallStarted?.(sessionId)).catch((e) => log.error('onCallStarted failed', { session: sessionId, err: String(e) }));
      },
      onEnded: (r) => {
        if (this.calls.get(sessionId) === call) this.calls.delete(sessionId);
        this.ended.set(sessionId, r);
        // Finished results are kept for the lead's storage to read; bounded so a long-running server does not grow.
        if (this.ended.size > 1000) this.ended.delete(this.ended.keys().next().value!);
        log.info('call ended', { session: sessionId, reason: r.endReason, seconds: r.durationSeconds, recordings: r.recordings.length });
        const { recordings, durationSeconds, quality, endReason, connectedAt, endedAt } = r;
        void Promise.resolve(this.hooks.onCallEnded?.(sessionId, { projectId, recordings, durationSeconds, quality, endReason, connectedAt, endedAt })).catch((e) => log.error('onCallEnded failed', { session: sessionId, err: String(e) }));
      },
    });
    return call;
  }
}
