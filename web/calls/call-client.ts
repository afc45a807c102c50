// The browser half of a call: one RTCPeerConnection to the vkyc server, signalling over a
// WebSocket. The server offers (audio + video, sendrecv); this page answers with its camera and
// microphone and plays what the server relays from the other side. A socket that drops without an
// `ended` is reopened: the server keeps the call (or the queue place) for a grace period and the
// rejoin gets a new peer. Messages this module does not handle (queue, fallback, face, location…)
// go to the page as they are.

export type PeerState = 'connected' | 'reconnecting' | 'absent';

export type CallEvent =
  | { type: 'joining'; rejoined: boolean }
  | { type: 'connection'; state: RTCPeerConnectionState }
  | { type: 'lost' }
  | { type: 'remote'; stream: MediaStream }
  | { type: 'peer'; role: string; state: PeerState }
  | { type: 'ended'; reason: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'message'; message: { type: string } & Record<string, unknown> };

export interface CallOptions {
  wsPath: string;
  /** `ended` reasons after which the server keeps this participant (requeued): the page reconnects and joins again. */
  rejoinAfter?: readonly string[];
  join: Record<string, unknown>;
  local: MediaStream;
  on(e: CallEvent): void;
}

export interface CallHandle {
  send(m: { type: string } & Record<string, unknown>): boolean;
  hangUp(): void;
  pc(): RTCPeerConnection | null;
  /** Stops reconnecting (the page is done with the call). */
  close(): void;
}

type Msg = { type: string } & Record<string, unknown>;

/** Server errors after which joining again cannot succeed (docs/live-calls.md, docs/live-calls-api.md). */
const FINAL_ERRORS = new Set(['call_not_assigned', 'capture_token_invalid', 'capture_token_expired', 'session_not_found', 'session_expired', 'session_canceled', 'step_not_in_profile']);
/** Browser stats every 2 s: often enough for the agent to see a drop, few enough to be free. */
const STATS_EVERY_MS = 2000;
/** Reconnect back-off after a dropped socket; the server's grace period is 30 s by default. */
const RETRY_MS = [500, 1000, 2000, 4000, 4000, 4000, 8000, 8000];

export function startCall(o: CallOptions): CallHandle {
  let ws: WebSocket | null = null;
  let pc: RTCPeerConnection | null = null;
  let over = false;
  let attempt = 0;
  let stats: number | undefined;
  let queue: Promise<void> = Promise.resolve();
  // werift emits its candidates while it builds the offer, so some arrive before the offer they
  // belong to: they wait here until the remote description is set (else the browser refuses them
  // and, when all of them came early, the peer never connects).
  let early: RTCIceCandidateInit[] = [];

  const send = (m: Msg) => {
    if (ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(m));
    return true;
  };

  const closePeer = () => {
    clearInterval(stats);
    pc?.close();
    pc = null;
  };

  const onMessage = async (m: Msg) => {
    if (m.type !== 'candidate' && m.type !== 'quality') console.info(`vkyc call: ${m.type}${m.type === 'ended' || m.type === 'error' ? ` ${String(m.reason ?? m.code)}` : ''}`);
    switch (m.type) {
      case 'joined': {
        attempt = 0;
        closePeer();
        early = [];
        const peer = new RTCPeerConnection({ iceServers: (m.ice_servers as RTCIceServer[] | undefined) ?? [] });
        pc = peer;
        const remote = new MediaStream();
        peer.ontrack = (e) => {
          remote.addTrack(e.track);
          o.on({ type: 'remote', stream: remote });
        };
        peer.onicecandidate = (e) => send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
        peer.onconnectionstatechange = () => {
          console.info(`vkyc call: connection ${peer.connectionState}`);
          o.on({ type: 'connection', state: peer.connectionState });
          // ICE gave up (network change, consent checks lost): the server drops this peer and waits
          // for a rejoin within its grace period, so rejoin now with a fresh socket and peer.
          if (peer.connectionState === 'failed' && pc === peer) ws?.close();
        };
        o.on({ type: 'joining', rejoined: m.rejoined === true });
        stats = window.setInterval(() => void sampleStats(), STATS_EVERY_MS);
        return;
      }
      case 'offer': {
        if (!pc) return;
        await pc.setRemoteDescription({ type: 'offer', sdp: String(m.sdp) });
        // addTrack takes the transceivers the offer created (same kind, never used) and makes them sendrecv.
        const senders = pc.getSenders().map((s) => s.track);
        for (const t of o.local.getTracks()) if (!senders.includes(t)) pc.addTrack(t, o.local);
        await pc.setLocalDescription(await pc.createAnswer());
        send({ type: 'answer', sdp: pc.localDescription?.sdp });
        for (const c of early.splice(0)) await pc.addIceCandidate(c).catch((e: unknown) => console.warn('vkyc call: candidate refused', e));
        return;
      }
      case 'candidate': {
        const c = m.candidate as RTCIceCandidateInit | null;
        // A candidate that does not fit (an old peer's, a malformed one) is not worth failing the call for.
        if (!pc || !c?.candidate) return;
        if (!pc.remoteDescription) return void early.push(c);
        await pc.addIceCandidate(c).catch((e: unknown) => console.warn('vkyc call: candidate refused', e));
        return;
      }
      case 'peer':
        o.on({ type: 'peer', role: String(m.role), state: m.state as PeerState });
        return;
      case 'ended':
        // e.g. the agent left without deciding: the server requeues the user and closes this socket;
        // the reconnect below joins again (a new peer, the same place in the queue).
        if (o.rejoinAfter?.includes(String(m.reason))) {
          closePeer();
          return o.on({ type: 'ended', reason: String(m.reason) });
        }
        over = true;
        closePeer();
        ws?.close();
        o.on({ type: 'ended', reason: String(m.reason) });
        return;
      case 'error':
        o.on({ type: 'error', code: String(m.code), message: String(m.message) });
        // Refusals a reconnect cannot fix (the call is not, or no longer, this participant's): stop here.
        if (FINAL_ERRORS.has(String(m.code))) {
          over = true;
          closePeer();
          ws?.close();
          o.on({ type: 'ended', reason: String(m.code) });
        }
        return;
      default:
        o.on({ type: 'message', message: m });
    }
  };

  let last = new Map<string, { bytes: number; at: number }>();
  const sampleStats = async () => {
    if (pc?.connectionState !== 'connected') return;
    const report = await pc.getStats();
    const next = new Map<string, { bytes: number; at: number }>();
    const kbps = (id: string, bytes: number, at: number) => {
      next.set(id, { bytes, at });
      const prev = last.get(id);
      return prev && at > prev.at ? Math.round(((bytes - prev.bytes) * 8) / (at - prev.at)) : undefined;
    };
    const s: Record<string, number | undefined> = {};
    report.forEach((r) => {
      if (r.type === 'outbound-rtp') {
        const v = kbps(r.id, r.bytesSent ?? 0, r.timestamp);
        if (r.kind === 'video') Object.assign(s, { out_video_kbps: v, out_fps: r.framesPerSecond, out_width: r.frameWidth, out_height: r.frameHeight });
        else s.out_audio_kbps = v;
      } else if (r.type === 'inbound-rtp') {
        const v = kbps(r.id, r.bytesReceived ?? 0, r.timestamp);
        if (r.kind === 'video') {
          const lost = r.packetsLost ?? 0;
          const total = lost + (r.packetsReceived ?? 0);
          Object.assign(s, { in_video_kbps: v, in_fps: r.framesPerSecond, in_packet_loss_pct: total ? Math.round((lost / total) * 1000) / 10 : 0, in_jitter_ms: r.jitter !== undefined ? Math.round(r.jitter * 1000) : undefined });
        } else s.in_audio_kbps = v;
      } else if (r.type === 'candidate-pair' && r.state === 'succeeded' && r.currentRoundTripTime !== undefined) {
        s.rtt_ms = Math.round(r.currentRoundTripTime * 1000);
      }
    });
    last = next;
    const clean = Object.fromEntries(Object.entries(s).filter(([, v]) => typeof v === 'number' && Number.isFinite(v) && v >= 0));
    send({ type: 'stats', stats: clean });
  };

  const open = () => {
    if (over) return;
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${o.wsPath}`);
    ws.onopen = () => send({ type: 'join', ...o.join });
    ws.onmessage = (e) => {
      let m: Msg;
      try {
        m = JSON.parse(String(e.data)) as Msg;
      } catch {
        return;
      }
      // One message at a time: a candidate must not be added while the offer is still being applied.
      queue = queue.then(() => onMessage(m)).catch((err: unknown) => o.on({ type: 'error', code: 'page_error', message: String(err) }));
    };
    ws.onclose = () => {
      closePeer();
      if (over) return;
      const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)] ?? 8000;
      o.on({ type: 'lost' });
      setTimeout(open, wait);
    };
  };
  open();

  return {
    send,
    hangUp: () => void send({ type: 'leave' }),
    pc: () => pc,
    close() {
      over = true;
      closePeer();
      ws?.close();
    },
  };
}

/** Plays a stream; if the browser refuses sound without a click, plays muted and offers a button. */
export function play(video: HTMLVideoElement, stream: MediaStream, unmute: HTMLButtonElement) {
  if (video.srcObject !== stream) video.srcObject = stream;
  video.play().catch(() => {
    video.muted = true;
    unmute.hidden = false;
    unmute.onclick = () => {
      video.muted = false;
      unmute.hidden = true;
      void video.play();
    };
    void video.play();
  });
}

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
};
