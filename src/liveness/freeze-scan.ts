// A frozen stretch found over EVERY frame's thumbnail (issue 13: "a genuine take followed by a
// frozen tail" was approved). The sampled frozen check (frame-repeats.ts) calls two samples one
// image only when they differ by < 0.25 grey levels; a held frame re-encoded by VP8 drifts by more
// than that as the encoder refines it, and a freeze with fresh sensor noise on every frame (a frozen
// picture re-filmed, or noise added by an injector) never repeats at all. What no live camera does
// is stay put: a person holding as still as they can still breathes, blinks and sways, so over
// seconds the picture wanders away from where it was. Here a freeze is a stretch of ≥ minSeconds in
// which every thumbnail stays within maxMad grey levels of the stretch's first one (an anchor, not
// the previous frame: noise between neighbours is allowed, drift is not), while the container kept
// delivering frames (a delivery gap repeats the last frame too, and is a stall — frame-repeats.ts).

import type { CheckOutcome } from './outcome.ts';
import { meanAbsDiff } from './frame-signature.ts';
import { THUMB_FPS } from './loop-scan.ts';

interface FreezeScanOptions {
  /** Every frame of a freeze stays within this many grey levels (mean absolute) of its first frame. */
  maxMad?: number;
  /** A stretch at least this long is a freeze. */
  minSeconds?: number;
  /** Container frames per second inside the stretch for it to count as delivered (not a gap). */
  deliveredFps?: number;
}

/**
 * Calibration split, the pipeline's decode of the page-like recordings (docs/acceptance.md): a
 * bit-identical 4 s tail re-encoded by VP8 stays within 1.0 of its first frame for 4.07 s, but only
 * 2.5–2.8 s within 0.4–0.6 (the encoder's drift); genuine recordings (d12, d0, d14, d18, d3, d9, and
 * d12 as 8 / 12 fps cameras) stay within 1.0 for at most 0.87 s. 3 s rather than 2: a person holding
 * very still for a long moment was not in the clips, and a 4 s tail is still found.
 */
export const FREEZE_DEFAULTS: Required<FreezeScanOptions> = { maxMad: 1, minSeconds: 3, deliveredFps: 2 };

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Longest anchored still stretches, greedily (each stretch's first failing frame anchors the next): O(frames). */
export function stillStretches(thumbs: readonly Uint8Array[], maxMad: number): Array<{ from: number; to: number; worst: number }> {
  const out: Array<{ from: number; to: number; worst: number }> = [];
  let anchor = 0;
  while (anchor < thumbs.length) {
    let j = anchor + 1;
    let worst = 0;
    for (; j < thumbs.length; j++) {
      const d = meanAbsDiff(thumbs[anchor]!, thumbs[j]!);
      if (d > maxMad) break;
      worst = Math.max(worst, d);
    }
    out.push({ from: anchor, to: j - 1, worst });
    anchor = j;
  }
  return out;
}

/** `frozen_stream` (blocking) when a delivered stretch of ≥ minSeconds never leaves its first frame. */
export function scanForFreeze(thumbs: readonly Uint8Array[], containerTimes: readonly number[] | null = null, options: FreezeScanOptions = {}): CheckOutcome {
  const o = { ...FREEZE_DEFAULTS, ...options };
  const t = (i: number) => i / THUMB_FPS;
  const delivered = (from: number, to: number) =>
    !containerTimes || containerTimes.filter((c) => c > from && c < to).length >= (to - from) * o.deliveredFps;
  const stretches = stillStretches(thumbs, o.maxMad).map((s) => ({ ...s, seconds: t(s.to) - t(s.from) }));
  const longest = stretches.reduce<(typeof stretches)[number] | null>((b, s) => (!b || s.seconds > b.seconds ? s : b), null);
  const frozen = stretches.filter((s) => s.seconds >= o.minSeconds && delivered(t(s.from), t(s.to)));
  const show = (s: (typeof stretches)[number]) => ({ from: r3(t(s.from)), to: r3(t(s.to)), seconds: r3(s.seconds), worst_mad: r3(s.worst) });
  return {
    reason: 'frozen_stream', flagged: frozen.length > 0, blocking: true,
    evidence: { scan: 'every_frame', frames: thumbs.length, max_mad: o.maxMad, min_seconds: o.minSeconds, frozen: frozen.slice(0, 5).map(show), longest_still: longest ? show(longest) : null },
  };
}
