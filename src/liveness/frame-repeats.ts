// Repeated frames are not replay (issue 13). Three things look alike in a sampled video and must be
// told apart:
// - a camera that repeats frames: an 8–15 fps webcam (or a phone in low light) recorded at 30 fps by
//   MediaRecorder, or a client that snapshots faster than its camera delivers. The same image shows
//   for a few consecutive samples, then a new one — each image is held only briefly;
// - a frozen stream: the same image for a long stretch while the container keeps delivering frames
//   (an injector paused on one frame), or so few distinct images overall that no camera sent them;
// - a replayed or looped stream: a later stretch repeats an earlier one (checkDuplicates, run over
//   the distinct images this module finds, so a camera's own repeats cannot look like a loop).
// A gap in the container timestamps (the browser delivered no frames for a while: a throttled tab,
// a USB hiccup) also makes the sampler repeat the last image, but nothing was frozen: it is a stall.

import type { CheckOutcome } from './outcome.ts';
import { meanAbsDiff, type FrameSignature } from './frame-signature.ts';

export interface RepeatOptions {
  /** Consecutive frames closer than this (mean grey levels, face crop and whole frame) are one image
   * shown twice. 0.25: a frame and its JPEG re-encode differ by 0.07–0.19, consecutive genuine 10 fps
   * frames by ≥ 0.30 (bench/liveness.ts, 473 and 464 pairs). */
  sameFrameMad?: number;
  /** The longest a live camera holds one image. 0.5 s = 2 fps: the slowest low-light phone rate we
   * accept; challenge windows are sampled at 2.5 fps, so slower cameras could not show a move anyway. */
  cameraHoldSeconds?: number;
  /** One image held this long while the camera kept delivering frames is a frozen stream. 2 s: no
   * camera stall of a live capture we recorded came near it, and a head turn takes ~1 s. */
  frozenSeconds?: number;
  /** Below this many distinct images per second over the whole capture, no live camera sent it
   * (a slideshow / frame-duplicating injector). 2 fps, as cameraHoldSeconds. */
  minDistinctFps?: number;
  /** Container frames per second inside a hold above which the hold was delivered, not a gap.
   * A hold with fewer container frames than this rate is a delivery gap (stall). 2 fps, as above. */
  deliveredFps?: number;
}

const DEFAULTS: Required<RepeatOptions> = { sameFrameMad: 0.25, cameraHoldSeconds: 0.5, frozenSeconds: 2, minDistinctFps: 2, deliveredFps: 2 };

interface Hold { first: number; last: number; seconds: number; containerFrames: number | null }

function sameImage(a: FrameSignature, b: FrameSignature, mad: number): boolean {
  return meanAbsDiff(a.faceThumb, b.faceThumb) < mad && meanAbsDiff(a.frameThumb, b.frameThumb) < mad;
}

/** Runs of ≥ 2 consecutive samples showing one image, with how long it was held. */
function holdsOf(sigs: readonly FrameSignature[], times: readonly number[], mad: number, containerTimes: readonly number[] | null = null): Hold[] {
  const holds: Hold[] = [];
  let first = 0;
  for (let i = 1; i <= sigs.length; i++) {
    if (i < sigs.length && sameImage(sigs[i - 1]!, sigs[i]!, mad)) continue;
    const last = i - 1;
    if (last > first) {
      const from = times[first]!;
      const to = times[last]!;
      // Frames the container delivered strictly inside the hold (a delivered frozen image vs a gap).
      const containerFrames = containerTimes ? containerTimes.filter((t) => t > from && t < to).length : null;
      holds.push({ first, last, seconds: to - from, containerFrames });
    }
    first = i;
  }
  return holds;
}

/** Index of the first sample of every distinct image (each hold collapsed to its first frame). */
export function distinctIndices(sigs: readonly FrameSignature[], holds: readonly Hold[]): number[] {
  const dropped = new Set<number>();
  for (const h of holds) for (let i = h.first + 1; i <= h.last; i++) dropped.add(i);
  return sigs.map((_, i) => i).filter((i) => !dropped.has(i));
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/**
 * `frozen_stream` (blocks): one image delivered for ≥ frozenSeconds, or too few distinct images for a
 * camera. `replay_suspected` (never blocks: it only sends the capture to review): holds longer than a
 * camera's own repeats but short of frozen, or delivery gaps, adding up to ≥ frozenSeconds. Short
 * holds at a camera's rate are evidence only.
 */
export function checkRepeats(
  sigs: readonly FrameSignature[], times: readonly number[], options: RepeatOptions = {}, containerTimes: readonly number[] | null = null,
): { holds: Hold[]; outcomes: CheckOutcome[] } {
  const o = { ...DEFAULTS, ...options };
  const holds = holdsOf(sigs, times, o.sameFrameMad, containerTimes);
  const delivered = (h: Hold) => h.containerFrames === null || h.containerFrames >= h.seconds * o.deliveredFps;
  const frozen = holds.filter((h) => h.seconds >= o.frozenSeconds && delivered(h));
  const span = times.length > 1 ? times[times.length - 1]! - times[0]! : 0;
  const distinct = sigs.length - holds.reduce((n, h) => n + (h.last - h.first), 0);
  // Rate over the span between first and last sample (distinct − 1 intervals).
  const distinctFps = span > 0 ? (distinct - 1) / span : null;
  const slideshow = distinctFps !== null && span >= o.frozenSeconds && distinctFps < o.minDistinctFps;
  const stalls = holds.filter((h) => h.seconds > o.cameraHoldSeconds && !frozen.includes(h));
  const stalledSeconds = stalls.reduce((s, h) => s + h.seconds, 0);
  const repeated = holds.reduce((n, h) => n + (h.last - h.first), 0);
  const evidence = {
    samples: sigs.length,
    distinct_images: distinct,
    distinct_fps: distinctFps === null ? null : r3(distinctFps),
    repeated_share: sigs.length > 1 ? r3(repeated / (sigs.length - 1)) : 0,
    longest_hold_seconds: r3(Math.max(0, ...holds.map((h) => h.seconds))),
    container_fps: containerTimes && containerTimes.length > 1 ? r3((containerTimes.length - 1) / (containerTimes[containerTimes.length - 1]! - containerTimes[0]!)) : null,
  };
  const frozenOutcome: CheckOutcome = {
    reason: 'frozen_stream', flagged: frozen.length > 0 || slideshow, blocking: true,
    evidence: { ...evidence, frozen: frozen.map((h) => ({ from: r3(times[h.first]!), to: r3(times[h.last]!), container_frames: h.containerFrames })), slideshow },
  };
  const stallOutcome: CheckOutcome = {
    reason: 'replay_suspected', flagged: stalledSeconds >= o.frozenSeconds, blocking: false,
    evidence: { ...evidence, stalls: stalls.slice(0, 20).map((h) => ({ from: r3(times[h.first]!), to: r3(times[h.last]!), container_frames: h.containerFrames })), stalled_seconds: r3(stalledSeconds) },
  };
  return { holds, outcomes: [frozenOutcome, stallOutcome] };
}
