import type { MediaStreamTrack } from 'werift';
import type { Logger } from '../log.ts';
import type { ServerMessage } from './messages.ts';
import { ServerPeer, type Kind, type PeerOptions } from './peer.ts';
import { QualityLog, type BrowserStats, type CallQuality } from './quality.ts';
import { SegmentRecorder, type Side, type StoredRecording } from './recording.ts';

// One live call: the user's and the agent's server-side peers, the relay between them, the
// recordings, the quality log. Inputs arrive through handle… methods; what happens goes out
// through the callbacks given to the constructor (LiveKit's manager shape). The call owns its
// peers, recorders and timers; nobody else touches them.

/** Where a participant's messages go: the WebSocket, seen through the two things the call needs. */
export interface Signal {
  send(m: ServerMessage): void;
  close(code: number, reason: string): void;
}

export interface CallResult {
  recordings: StoredRecording[];
  /** From the moment both sides were first connected to the end; 0 if they never were. */
  durationSeconds: number;
  connectedAt: string | null;
  endedAt: string;
  endReason: string;
  quality: CallQuality;
}

export interface CallContext {
  peer: PeerOptions;
  graceMs: number;
  now(): Date;
  log: Logger;
  startRecording(side: Side, segment: number, tracks: MediaStreamTrack[]): Promise<SegmentRecorder>;
  finishRecording(r: SegmentRecorder): Promise<StoredRecording | null>;
  onConnected(): void;
  onEnded(result: CallResult): void;
}

/**
 * A keyframe from each side at least this often: a viewer or a recording segment that missed one
 * (packets sent before its transport was ready, a PLI lost) starts within this long, and the
 * recordings can be cut and seeked at this granularity. 3 s of a 640×480 VP8 stream costs a few
 * kbit/s; relying on the browsers' PLIs alone left a viewer black in about half of the test runs.
 */
const KEYFRAME_EVERY_MS = 3000;

/** How long the server waits for both tracks of a new connection before it records what came (a page without a microphone). */
const TRACKS_WAIT_MS = 5000;

interface Participant {
  peer: ServerPeer | null;
  signal: Signal | null;
  recorder: Promise<SegmentRecorder | null> | null;
  segments: number;
  grace: NodeJS.Timeout | null;
}

const other = (s: Side): Side => (s === 'user' ? 'agent' : 'user');

export class Call {
  private readonly parts: Record<Side, Participant> = { user: blank(), agent: blank() };
  private readonly quality = new QualityLog();
  private readonly finishing: Array<Promise<StoredRecording | null>> = [];
  private connectedAt: Date | null = null;
  private ended: Promise<CallResult> | null = null;
  private readonly keyframes: NodeJS.Timeout;

  constructor(readonly sessionId: string, readonly projectId: string, private readonly ctx: CallContext) {
    this.keyframes = setInterval(() => {
      for (const side of ['user', 'agent'] as const) this.parts[side].peer?.requestKeyframe();
    }, KEYFRAME_EVERY_MS);
    this.keyframes.unref();
  }

  get isEnded() {
    return this.ended !== null;
  }

  /** A participant's (new) socket: a fresh peer, the offer, and a rejoin if they were here before. */
  async handleJoin(side: Side, signal: Signal): Promise<void> {
    const p = this.parts[side];
    const rejoined = p.segments > 0;
    if (p.grace) clearTimeout(p.grace);
    p.grace = null;
    if (p.signal && p.signal !== signal) p.signal.close(4000, 'replaced by a newer connection');
    await this.dropPeer(side);
    p.signal = signal;
    const peer = new ServerPeer(this.ctx.peer);
    p.peer = peer;
    signal.send({ type: 'joined', session_id: this.sessionId, role: side, rejoined, ice_servers: this.ctx.peer.iceServers });
    this.parts[other(side)].signal?.send({ type: 'peer', role: side, state: rejoined ? 'reconnecting' : 'absent' });
    peer.pc.onIceCandidate.subscribe((c) => {
      if (p.peer === peer) signal.send({ type: 'candidate', candidate: c ? { candidate: `candidate:${c.candidate.replace(/^candidate:/, '')}`, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex } : null });
    });
    peer.pc.connectionStateChange.subscribe((state) => {
      if (p.peer !== peer) return;
      if (state === 'connected') this.peerConnected(side);
      if (state === 'failed') this.handleDrop(side, signal);
    });
    const segment = ++p.segments;
    p.recorder = peer.tracks(TRACKS_WAIT_MS).then((t) => this.attachTracks(side, peer, segment, t));
    signal.send({ type: 'offer', sdp: await peer.createOffer() });
  }

  async handleAnswer(side: Side, sdp: string): Promise<void> {
    await this.parts[side].peer?.acceptAnswer(sdp);
  }

  async handleCandidate(side: Side, c: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null } | null): Promise<void> {
    if (c?.candidate) await this.parts[side].peer?.addCandidate(c);
  }

  handleStats(side: Side, s: BrowserStats): void {
    this.quality.record(side, s, this.ctx.now());
    // The agent watches both sides' numbers live.
    this.parts.agent.signal?.send({ type: 'quality', quality: this.qualityNow() });
  }

  /** The socket closed without `leave` (reload, network): the other side waits up to the grace period. */
  handleDrop(side: Side, signal: Signal): void {
    const p = this.parts[side];
    if (p.signal !== signal || this.ended) return;
    p.signal = null;
    void this.dropPeer(side);
    this.parts[other(side)].signal?.send({ type: 'peer', role: side, state: 'reconnecting' });
    p.grace = setTimeout(() => void this.end(`${side}_did_not_return`), this.ctx.graceMs);
    p.grace.unref();
  }

  qualityNow(): CallQuality {
    const live: Partial<Record<Side, ServerPeer['received']>> = {};
    for (const side of ['user', 'agent'] as const) {
      const peer = this.parts[side].peer;
      if (peer) live[side] = peer.received;
    }
    return this.quality.snapshot(live);
  }

  /** Ends the call once (hang-up, grace expired, server stopping); later calls get the same result. */
  end(reason: string): Promise<CallResult> {
    this.ended ??= this.finish(reason);
    return this.ended;
  }

  private async finish(reason: string): Promise<CallResult> {
    const endedAt = this.ctx.now();
    clearInterval(this.keyframes);
    for (const side of ['user', 'agent'] as const) {
      const p = this.parts[side];
      if (p.grace) clearTimeout(p.grace);
      p.signal?.send({ type: 'ended', reason });
      p.signal?.close(1000, 'call ended');
      p.signal = null;
    }
    await Promise.all([this.dropPeer('user'), this.dropPeer('agent')]);
    const recordings = (await Promise.all(this.finishing)).filter((r): r is StoredRecording => r !== null);
    const result: CallResult = {
      recordings,
      durationSeconds: this.connectedAt ? Math.round((endedAt.getTime() - this.connectedAt.getTime()) / 100) / 10 : 0,
      connectedAt: this.connectedAt?.toISOString() ?? null,
      endedAt: endedAt.toISOString(),
      endReason: reason,
      quality: this.quality.snapshot(),
    };
    this.ctx.onEnded(result);
    return result;
  }

  private peerConnected(side: Side): void {
    this.parts[other(side)].signal?.send({ type: 'peer', role: side, state: 'connected' });
    this.parts[side].signal?.send({ type: 'peer', role: other(side), state: this.parts[other(side)].peer?.pc.connectionState === 'connected' ? 'connected' : 'absent' });
    if (!this.connectedAt && this.parts.user.peer?.pc.connectionState === 'connected' && this.parts.agent.peer?.pc.connectionState === 'connected') {
      this.connectedAt = this.ctx.now();
      this.ctx.onConnected();
    }
  }

  /** A connection's tracks arrived: relay them to the other side, take the other side's, record them. */
  private async attachTracks(side: Side, peer: ServerPeer, segment: number, tracks: Partial<Record<Kind, MediaStreamTrack>>): Promise<SegmentRecorder | null> {
    if (this.parts[side].peer !== peer) return null;
    const there = this.parts[other(side)].peer;
    for (const kind of ['audio', 'video'] as const) {
      const mine = tracks[kind];
      if (mine && there) await there.transceivers[kind].sender.replaceTrack(mine).catch((e) => this.ctx.log.warn('relay failed', { session: this.sessionId, kind, err: String(e) }));
      const theirs = there?.incoming[kind];
      if (theirs) await peer.transceivers[kind].sender.replaceTrack(theirs).catch((e) => this.ctx.log.warn('relay failed', { session: this.sessionId, kind, err: String(e) }));
    }
    // A viewer's decoder and a recording both need a keyframe to start from; PLIs from a viewer reach the sender too.
    peer.transceivers.video.sender.onPictureLossIndication.subscribe(() => this.parts[other(side)].peer?.requestKeyframe());
    there?.transceivers.video.sender.onPictureLossIndication.subscribe(() => this.parts[side].peer?.requestKeyframe());
    const list = (['audio', 'video'] as const).map((k) => tracks[k]).filter((t): t is MediaStreamTrack => t !== undefined);
    if (list.length === 0) return null;
    const recorder = await this.ctx.startRecording(side, segment, list);
    peer.requestKeyframe();
    there?.requestKeyframe();
    return recorder;
  }

  /** Closes a side's current peer and queues its segment for remux and storage. */
  private async dropPeer(side: Side): Promise<void> {
    const p = this.parts[side];
    const peer = p.peer;
    const recorder = p.recorder;
    p.peer = null;
    p.recorder = null;
    if (!peer) return;
    this.quality.addServerCounters(side, peer.received);
    // The other side's sender keeps its track object until the participant's new one replaces it.
    const done = (async () => {
      const r = await recorder?.catch(() => null);
      await peer.close();
      return r ? this.ctx.finishRecording(r) : null;
    })();
    this.finishing.push(done.catch((e) => {
      this.ctx.log.error('call recording lost', { session: this.sessionId, side, err: String(e) });
      return null;
    }));
    await done.catch(() => undefined);
  }
}

const blank = (): Participant => ({ peer: null, signal: null, recorder: null, segments: 0, grace: null });
