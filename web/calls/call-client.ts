// The browser half of a call: one RTCPeerConnection to the vkyc server, signalling over a
// WebSocket. The server offers (audio + video, sendrecv); this page answers with its camera and
// microphone and plays what the server relays from the other side. A socket that drops without an
// `ended` is reopened: the server keeps the call for a grace period and the rejoin gets a new peer.

export type PeerState = 'connected' | 'reconnecting' | 'absent';

export interface CallUi {
  state(text: string, kind: 'wait' | 'ok' | 'bad'): void;
  remote(stream: MediaStream): void;
  peer(role: string, state: PeerState): void;
  ended(reason: string): void;
  quality?(q: unknown): void;
}

export interface CallOptions {
  wsPath: string;
  join: Record<string, unknown>;
  local: MediaStream;
  ui: CallUi;
}

type ServerMessage =
  | { type: 'joined'; rejoined: boolean; ice_servers: RTCIceServer[] }
  | { type: 'offer'; sdp: string }
  | { type: 'candidate'; candidate: RTCIceCandidateInit | null }
  | { type: 'peer'; role: string; state: PeerState }
  | { type: 'quality'; quality: unknown }
  | { type: 'ended'; reason: string }
  | { type: 'error'; code: string; message: string };

/** Browser stats every 2 s: often enough for the agent to see a drop, few enough to be free. */
const STATS_EVERY_MS = 2000;
/** Reconnect back-off after a dropped socket; the server's grace period is 30 s by default. */
const RETRY_MS = [500, 1000, 2000, 4000, 4000, 4000, 8000, 8000];

export function startCall(o: CallOptions): { hangUp(): void; pc(): RTCPeerConnection | null } {
  let ws: WebSocket | null = null;
  let pc: RTCPeerConnection | null = null;
  let over = false;
  let attempt = 0;
  let stats: number | undefined;

  const send = (m: unknown) => ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify(m));

  const closePeer = () => {
    clearInterval(stats);
    pc?.close();
    pc = null;
  };

  const onMessage = async (m: ServerMessage) => {
    switch (m.type) {
      case 'joined':
        attempt = 0;
        closePeer();
        pc = new RTCPeerConnection({ iceServers: m.ice_servers });
        const remote = new MediaStream();
        pc.ontrack = (e) => {
          remote.addTrack(e.track);
          o.ui.remote(remote);
        };
        pc.onicecandidate = (e) => send({ type: 'candidate', candidate: e.candidate ? e.candidate.toJSON() : null });
        pc.onconnectionstatechange = () => {
          const s = pc?.connectionState;
          if (s === 'connected') o.ui.state('Connected', 'ok');
          else if (s === 'failed') o.ui.state('Connection failed; retrying…', 'bad');
          else if (s) o.ui.state(`Connecting (${s})…`, 'wait');
        };
        o.ui.state(m.rejoined ? 'Rejoining the call…' : 'Joining the call…', 'wait');
        stats = window.setInterval(() => void sampleStats(), STATS_EVERY_MS);
        return;
      case 'offer': {
        if (!pc) return;
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        // addTrack takes the transceivers the offer created (same kind, never used) and makes them sendrecv.
        for (const t of o.local.getTracks()) pc.addTrack(t, o.local);
        await pc.setLocalDescription(await pc.createAnswer());
        send({ type: 'answer', sdp: pc.localDescription?.sdp });
        return;
      }
      case 'candidate':
        if (pc && m.candidate?.candidate) await pc.addIceCandidate(m.candidate).catch(() => undefined);
        return;
      case 'peer':
        o.ui.peer(m.role, m.state);
        return;
      case 'quality':
        o.ui.quality?.(m.quality);
        return;
      case 'ended':
        over = true;
        closePeer();
        o.ui.ended(m.reason);
        return;
      case 'error':
        o.ui.state(`${m.message} (${m.code})`, 'bad');
        return;
    }
  };

  let last = new Map<string, { bytes: number; at: number }>();
  const sampleStats = async () => {
    if (!pc) return;
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
    ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${o.wsPath}`);
    ws.onopen = () => send({ type: 'join', ...o.join });
    ws.onmessage = (e) => void onMessage(JSON.parse(String(e.data)) as ServerMessage).catch((err) => o.ui.state(String(err), 'bad'));
    ws.onclose = () => {
      closePeer();
      if (over) return;
      const wait = RETRY_MS[Math.min(attempt++, RETRY_MS.length - 1)] ?? 8000;
      o.ui.state('Connection lost; reconnecting…', 'bad');
      setTimeout(open, wait);
    };
  };
  open();

  return {
    hangUp() {
      send({ type: 'leave' });
    },
    pc: () => pc,
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
