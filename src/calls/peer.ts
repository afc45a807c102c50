import { RTCPeerConnection, RTCRtpCodecParameters, type MediaStreamTrack, type RTCRtpTransceiver } from 'werift';
import type { IceServer } from '../config/config.ts';

// One server-side WebRTC peer for one connection of one participant (a reload makes a new one).
// The server is the offerer: it offers one audio and one video m-line, both sendrecv, so the
// browser answers with its camera and microphone on them and receives the other side's media on
// the same transceivers. Offering from the server keeps the payload types ours: both browsers
// answer with the same numbers, so forwarded RTP needs no payload-type mapping.

export type Kind = 'audio' | 'video';

/**
 * VP8 + Opus only: every browser that does WebRTC decodes both, werift's recorder writes both to
 * WebM, and forwarding without transcoding needs the two sides to share one codec per kind.
 * 96/111 are Chromium's own numbers for them. NACK + PLI let receivers recover losses and ask for
 * keyframes (the server relays PLIs to the sender); no REMB/TWCC: the server does not shape rates.
 */
const codecs = () => ({
  video: [new RTCRtpCodecParameters({ mimeType: 'video/VP8', clockRate: 90000, payloadType: 96, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] })],
  audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2, payloadType: 111 })],
});

export interface PeerOptions {
  iceServers: IceServer[];
  hostAddresses: string[];
  udpPorts?: [number, number];
}

export interface PeerCounters { packets: number; bytes: number; keyframeRequests: number }

export class ServerPeer {
  readonly pc: RTCPeerConnection;
  readonly transceivers: Record<Kind, RTCRtpTransceiver>;
  /** The participant's incoming tracks, as they arrive. */
  readonly incoming: Partial<Record<Kind, MediaStreamTrack>> = {};
  readonly received: Record<Kind, PeerCounters> = { audio: { packets: 0, bytes: 0, keyframeRequests: 0 }, video: { packets: 0, bytes: 0, keyframeRequests: 0 } };
  private trackWaiters: Array<() => void> = [];

  constructor(o: PeerOptions) {
    this.pc = new RTCPeerConnection({
      codecs: codecs(),
      iceServers: o.iceServers.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential })),
      iceAdditionalHostAddresses: o.hostAddresses.length ? o.hostAddresses : undefined,
      icePortRange: o.udpPorts,
      // No header extensions: the forwarded packets keep none, so none need rewriting.
      headerExtensions: { audio: [], video: [] },
    });
    this.transceivers = {
      audio: this.pc.addTransceiver('audio', { direction: 'sendrecv' }),
      video: this.pc.addTransceiver('video', { direction: 'sendrecv' }),
    };
    for (const kind of ['audio', 'video'] as const) {
      this.transceivers[kind].onTrack.subscribe((track) => {
        this.incoming[kind] = track;
        track.onReceiveRtp.subscribe((rtp) => {
          this.received[kind].packets++;
          this.received[kind].bytes += rtp.payload.length;
        });
        for (const w of this.trackWaiters.splice(0)) w();
      });
    }
  }

  async createOffer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    return this.pc.localDescription!.sdp;
  }

  async acceptAnswer(sdp: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp });
  }

  async addCandidate(c: { candidate: string; sdpMid?: string | null; sdpMLineIndex?: number | null }): Promise<void> {
    await this.pc.addIceCandidate({ candidate: c.candidate, sdpMid: c.sdpMid ?? undefined, sdpMLineIndex: c.sdpMLineIndex ?? undefined });
  }

  /** Resolves once both tracks arrived (or when `timeoutMs` passes, with whatever arrived). */
  async tracks(timeoutMs: number): Promise<Partial<Record<Kind, MediaStreamTrack>>> {
    if (this.incoming.audio && this.incoming.video) return this.incoming;
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      const check = () => (this.incoming.audio && this.incoming.video ? (clearTimeout(t), resolve()) : this.trackWaiters.push(check));
      this.trackWaiters.push(check);
    });
    return this.incoming;
  }

  /** Asks the participant's browser for a video keyframe (a new viewer or a new recording segment starts with one). */
  requestKeyframe(): void {
    const track = this.incoming.video;
    if (!track?.ssrc) return;
    this.received.video.keyframeRequests++;
    this.transceivers.video.receiver.sendRtcpPLI(track.ssrc).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
  }
}
