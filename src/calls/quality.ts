import { z } from 'zod';
import type { PeerCounters } from './peer.ts';
import type { Side } from './recording.ts';

// Call quality per side: what each browser measures (getStats every few seconds, sent over the
// socket) and what the server counted itself (packets and bytes received on the participant's
// peer). Browser numbers are the participant's view and are only ever shown and stored, never
// used to decide anything, so they are bounded rather than trusted.

const rate = z.number().min(0).max(100_000).optional(); // kbit/s; 100 Mbit/s is beyond any camera
export const browserStatsSchema = z.strictObject({
  /** What this browser sends. */
  out_video_kbps: rate,
  out_audio_kbps: rate,
  out_fps: z.number().min(0).max(240).optional(),
  out_width: z.number().int().min(0).max(8192).optional(),
  out_height: z.number().int().min(0).max(8192).optional(),
  /** What this browser receives from the other side (through the server). */
  in_video_kbps: rate,
  in_audio_kbps: rate,
  in_fps: z.number().min(0).max(240).optional(),
  in_packet_loss_pct: z.number().min(0).max(100).optional(),
  in_jitter_ms: z.number().min(0).max(60_000).optional(),
  rtt_ms: z.number().min(0).max(60_000).optional(),
});
export type BrowserStats = z.infer<typeof browserStatsSchema>;

export interface SideQuality {
  samples: number;
  last: (BrowserStats & { at: string }) | null;
  /** Means over all samples of the numbers a reviewer looks at. */
  mean_out_video_kbps: number | null;
  mean_in_fps: number | null;
  max_in_packet_loss_pct: number | null;
  /** Server-side counters, summed over every connection of this side. */
  server: { audio: PeerCounters; video: PeerCounters };
}

export type CallQuality = Record<Side, SideQuality>;

const empty = (): SideQuality => ({ samples: 0, last: null, mean_out_video_kbps: null, mean_in_fps: null, max_in_packet_loss_pct: null, server: { audio: { packets: 0, bytes: 0, keyframeRequests: 0 }, video: { packets: 0, bytes: 0, keyframeRequests: 0 } } });

/** Kept per call, one writer (the call), read by the agent page and handed to onCallEnded. */
export class QualityLog {
  private readonly q: CallQuality = { user: empty(), agent: empty() };
  private sums: Record<Side, { kbps: number; kbpsN: number; fps: number; fpsN: number }> = { user: { kbps: 0, kbpsN: 0, fps: 0, fpsN: 0 }, agent: { kbps: 0, kbpsN: 0, fps: 0, fpsN: 0 } };

  record(side: Side, s: BrowserStats, at: Date): void {
    const q = this.q[side];
    const sum = this.sums[side];
    q.samples++;
    q.last = { ...s, at: at.toISOString() };
    if (s.out_video_kbps !== undefined) q.mean_out_video_kbps = round((sum.kbps += s.out_video_kbps) / ++sum.kbpsN);
    if (s.in_fps !== undefined) q.mean_in_fps = round((sum.fps += s.in_fps) / ++sum.fpsN);
    if (s.in_packet_loss_pct !== undefined) q.max_in_packet_loss_pct = Math.max(q.max_in_packet_loss_pct ?? 0, s.in_packet_loss_pct);
  }

  /** Adds a finished connection's server counters (each reconnect brings a fresh peer). */
  addServerCounters(side: Side, c: { audio: PeerCounters; video: PeerCounters }): void {
    for (const k of ['audio', 'video'] as const) {
      const t = this.q[side].server[k];
      t.packets += c[k].packets;
      t.bytes += c[k].bytes;
      t.keyframeRequests += c[k].keyframeRequests;
    }
  }

  /** A copy, with the live connections' counters added (`live`), so callers never hold our state. */
  snapshot(live: Partial<Record<Side, { audio: PeerCounters; video: PeerCounters }>> = {}): CallQuality {
    const copy = structuredClone(this.q);
    for (const side of ['user', 'agent'] as const) {
      const l = live[side];
      if (!l) continue;
      for (const k of ['audio', 'video'] as const) {
        copy[side].server[k].packets += l[k].packets;
        copy[side].server[k].bytes += l[k].bytes;
        copy[side].server[k].keyframeRequests += l[k].keyframeRequests;
      }
    }
    return copy;
  }
}

const round = (n: number) => Math.round(n * 10) / 10;
