// A replayed stretch found over EVERY frame of a recording, not only the frames the face stage
// measured. The measured frames are sampled at phase-dependent rates (dense around challenges,
// 1/s elsewhere), so the two passes of a loop were rarely sampled at the same instant and the
// sampled loop check missed replays (issue 13: looped_clip:d3 approved). Here the decode stage
// hands over a 64×48 grey thumbnail of every frame at a constant 30 fps; a loop is a moving
// stretch of ≥ `run` distinct frames whose every frame re-appears, in order, ≥ 1 s later.
//
// Calibration (npm run bench:loop-scan: the pipeline's own decode of WebM as the page records it):
// - genuine clips, calibration split (9): the closest repeat of a moving stretch differed by
//   1.80–12.45 grey levels; report split (3): 2.85–14.33;
// - a ~3 s take of each clip replayed from a start off the frame grid, re-encoded: 0.23–0.60
//   (calibration), 0.31–0.37 (report). d19 moves too little for any stretch to qualify: its loop
//   is not found here (a loop of a nearly still take is left to the still-image check).
// maxMad 0.8 sits between them. The motion requirement (the stretch's first and last frame differ
// by ≥ 2 levels) keeps a person holding perfectly still — whose frames differ only by noise, and
// whose background VP8 copies block for block — from looking like a loop; a replayed motionless
// stretch is a still image, which checkStill reports.

import type { CheckOutcome } from './outcome.ts';

export const THUMB_WIDTH = 64;
export const THUMB_HEIGHT = 48;
/** Frames per second of the thumbnail stream (decode's fps filter: a slower camera's frames repeat). */
export const THUMB_FPS = 30;

interface LoopScanOptions {
  /** Distinct frames the repeated stretch must span. */
  run?: number;
  /** Grey levels the stretch's first and last frames must differ by (it moves). */
  motion?: number;
  /** Every frame of the stretch must match its earlier twin within this mean absolute difference. */
  maxMad?: number;
  /** Seconds the repeat must lie after its original. */
  minSeconds?: number;
  /** Consecutive frames closer than this are the camera repeating itself: one distinct frame. */
  distinctMad?: number;
}

const DEFAULTS: Required<LoopScanOptions> = { run: 10, motion: 2, maxMad: 0.8, minSeconds: 1, distinctMad: 0.25 };

function mad(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** 4×4 area average (64×48 → 16×12): its MAD never exceeds the full thumbnail's, so it can rule out pairs. */
function coarse(t: Uint8Array): Float32Array {
  const w = THUMB_WIDTH / 4;
  const h = THUMB_HEIGHT / 4;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    let s = 0;
    for (let dy = 0; dy < 4; dy++) for (let dx = 0; dx < 4; dx++) s += t[(y * 4 + dy) * THUMB_WIDTH + x * 4 + dx]!;
    out[y * w + x] = s / 16;
  }
  return out;
}

/** Splits the raw grey stream (decode's thumbs file) into one thumbnail per frame. */
export function splitThumbs(raw: Uint8Array): Uint8Array[] {
  const size = THUMB_WIDTH * THUMB_HEIGHT;
  const out: Uint8Array[] = [];
  for (let o = 0; o + size <= raw.length; o += size) out.push(raw.subarray(o, o + size));
  return out;
}

/**
 * `looped_frames` (blocking) when a moving stretch repeats; evidence names the two stretches
 * (seconds from the start) and how close they were, or the closest candidate when none repeats.
 */
export function scanForLoop(thumbs: readonly Uint8Array[], options: LoopScanOptions = {}): CheckOutcome {
  const o = { ...DEFAULTS, ...options };
  const keep: number[] = [];
  for (let i = 0; i < thumbs.length; i++) if (!keep.length || mad(thumbs[keep.at(-1)!]!, thumbs[i]!) >= o.distinctMad) keep.push(i);
  const small = keep.map((i) => coarse(thumbs[i]!));
  const t = (k: number) => keep[k]! / THUMB_FPS;
  let best: { distance: number; from: number; to: number } | null = null;
  for (let a = 0; a + o.run <= keep.length; a++) {
    if (mad(thumbs[keep[a]!]!, thumbs[keep[a + o.run - 1]!]!) < o.motion) continue;
    for (let b = a + 1; b + o.run <= keep.length; b++) {
      if (t(b) - t(a) < o.minSeconds) continue;
      let worst = 0;
      let r = 0;
      for (; r < o.run; r++) {
        if (mad(small[a + r]!, small[b + r]!) > o.maxMad) break;
        worst = Math.max(worst, mad(thumbs[keep[a + r]!]!, thumbs[keep[b + r]!]!));
        if (worst > o.maxMad) break;
      }
      if (r === o.run && (!best || worst < best.distance)) best = { distance: worst, from: t(a), to: t(b) };
    }
  }
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    reason: 'looped_frames',
    flagged: best !== null,
    blocking: true,
    evidence: {
      scan: 'every_frame',
      frames: thumbs.length,
      distinct: keep.length,
      limit: o.maxMad,
      ...(best ? { original_at: round(best.from), repeated_at: round(best.to), distance: round(best.distance) } : {}),
    },
  };
}
