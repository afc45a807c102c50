// Anti-replay and injection checks over one liveness capture. Each check is pure, returns one reason
// code with the evidence behind it, and says whether it blocks the decision or only flags it.

import { euclidean } from '../domain/face-match.ts';
import type { Embedding } from '../engines/face/port.ts';
import { correlation, hamming, meanAbsDiff, type FrameSignature } from './frame-signature.ts';
import { checkRepeats, distinctIndices, type RepeatOptions } from './frame-repeats.ts';
import type { CheckOutcome, ReplayReason } from './outcome.ts';

const outcome = (reason: ReplayReason, flagged: boolean, blocking: boolean, evidence: Record<string, unknown>) =>
  ({ reason, flagged, blocking, evidence }) satisfies CheckOutcome;

/** Client timestamps are Unix seconds (seed format); some SDKs send milliseconds: accept both. */
export function toSeconds(ts: number): number {
  return ts > 1e11 ? ts / 1000 : ts;
}

interface TimestampOptions {
  /** Client clocks drift; phones synced by NTP are within a few seconds. 30 s absorbs that. */
  clockSkewSeconds?: number;
  /** Frames closer than this are not from a real camera (120 fps is the fastest phone selfie mode). */
  minIntervalSeconds?: number;
}

/** Strictly increasing, inside [issuedAt, min(expiresAt, receivedAt)] ± skew, at a camera-like rate. */
export function checkTimestamps(
  timestamps: readonly number[],
  window: { issuedAt: number; expiresAt: number; receivedAt: number },
  options: TimestampOptions = {},
): CheckOutcome {
  const skew = options.clockSkewSeconds ?? 30;
  const minInterval = options.minIntervalSeconds ?? 1 / 120;
  const ts = timestamps.map(toSeconds);
  const problems: string[] = [];
  if (ts.length === 0 || ts.some((t) => !Number.isFinite(t))) problems.push('missing');
  const intervals = ts.slice(1).map((t, i) => t - ts[i]!);
  if (intervals.some((d) => d <= 0)) problems.push('not_increasing');
  else if (intervals.some((d) => d < minInterval)) problems.push('frame_rate_implausible');
  const first = Math.min(...ts);
  const last = Math.max(...ts);
  if (first < window.issuedAt - skew) problems.push('before_token_issued');
  if (last > Math.min(window.expiresAt, window.receivedAt) + skew) problems.push('after_token_expiry');
  if (last - first > window.expiresAt - window.issuedAt) problems.push('span_longer_than_token');
  const fps = intervals.length && last > first ? intervals.length / (last - first) : null;
  return outcome('timestamps_invalid', problems.length > 0, true, { problems, first, last, fps });
}

export interface ImageCheckOptions {
  /** Two frames whose face crops differ by less than this mean grey level are the same frame
   * (sensor noise and a moving person keep genuine frames apart; calibrated in bench/liveness.ts). */
  duplicateMad?: number;
  /** Two consecutive frames closer than this are one image shown twice (re-encoded or not). */
  sameFrameMad?: number;
  /** Minimum correlation, over all frame pairs, of normalised face crops above which the whole
   * capture is one still picture (a photo held or panned/zoomed in front of the camera). */
  stillMinCorrelation?: number;
  /** Max Hamming distance of face dHashes, over all pairs, at or below which the capture is still. */
  stillMaxHamming?: number;
  /** Identity-embedding spread (max pairwise distance) below which the face never changed at all. */
  stillMaxEmbeddingSpread?: number;
}

// Calibrated in bench/liveness.ts on 9 real LivePortrait clips (5 fps) and attacks built from them:
// - duplicateMad 0.4 (loops): the closest consecutive genuine face crops differed by 0.52–6.4 grey
//   levels; a still photo re-captured with fresh sensor noise by 0.29–0.34, an identical frame by 0.
// - sameFrameMad 0.25 (consecutive frames): a frame and its JPEG re-encode (q75) differ by 0.07–0.19
//   (473 frames); consecutive genuine frames at 10 fps by ≥ 0.30 (464 pairs, 4 under 0.4: with 0.4
//   here those blocked 3 of 9 genuine clips as replay_suspected, while no attack of the bench was
//   rejected by replay_suspected alone). A still photo re-captured with noise is still_image's job.
// - stillMinCorrelation 0.985 / stillMaxHamming 4: still-photo captures reached 0.974–0.996 and
//   3–7 bits, genuine ones ≤ 0.97 and ≥ 7 bits. Weak alone (a panned photo drops to 0.3–0.7 because
//   the crop follows a jittering box), hence the embedding spread below.
// - stillMaxEmbeddingSpread 0.2: the face-api descriptors of a still or panned/zoomed photo stayed
//   within 0.065–0.13 of each other; a real person moving and making faces spread 0.28–0.55.
const DEFAULT_IMAGE: Required<ImageCheckOptions> = {
  duplicateMad: 0.4,
  sameFrameMad: 0.25,
  stillMinCorrelation: 0.985,
  stillMaxHamming: 4,
  stillMaxEmbeddingSpread: 0.2,
};

function isDuplicate(a: FrameSignature, b: FrameSignature, mad: number): boolean {
  return meanAbsDiff(a.faceThumb, b.faceThumb) < mad && meanAbsDiff(a.frameThumb, b.frameThumb) < mad;
}

interface DuplicateMode {
  /** Seconds of each frame (video: from the start of the recording; API: client timestamps).
   * Default: 0.1 s apart. Needed to tell a camera's short repeats from a frozen stream. */
  times?: readonly number[];
  /** Container (packet) timestamps of the recorded video, when known: a hold the container kept
   * delivering frames through is frozen, a hold over a gap in them is a delivery stall. */
  containerTimes?: readonly number[] | null;
  /** Distinct images a repeat must lie apart to count as a loop (API snapshots: 2). */
  loopMinLag?: number;
  /** Or, for decoded video: seconds a repeat must lie after its original. Replaces loopMinLag. */
  loopMinSeconds?: number;
  /** Consecutive distinct images equal to an earlier run needed to call it a loop (API: 1; video: 3). */
  loopMinRun?: number;
  repeats?: RepeatOptions;
}

/**
 * Repeated frames, sorted into a camera's own repeats (evidence only), delivery stalls
 * (`replay_suspected`, never blocking), a frozen stream (`frozen_stream`, blocks) and a replayed
 * stretch (`looped_frames`, blocks: a run of distinct images equal to an earlier run). The loop
 * search runs over distinct images only (frame-repeats.ts), so a camera that holds each image for
 * a few samples cannot look like a loop, and a replay re-timed at another rate still lines up.
 */
export function checkDuplicates(
  sigs: readonly FrameSignature[], options: ImageCheckOptions = {}, mode: DuplicateMode = {},
): CheckOutcome[] {
  const o = { ...DEFAULT_IMAGE, ...options };
  const times = mode.times ?? sigs.map((_, i) => i / 10);
  const { holds, outcomes } = checkRepeats(sigs, times, { sameFrameMad: o.sameFrameMad, ...mode.repeats }, mode.containerTimes ?? null);
  const keep = distinctIndices(sigs, holds);
  const minLag = mode.loopMinLag ?? 2;
  const minRun = mode.loopMinRun ?? 1;
  const dup = (a: number, b: number) => b < keep.length && isDuplicate(sigs[keep[a]!]!, sigs[keep[b]!]!, o.duplicateMad);
  const firstLater = (a: number): number => {
    if (mode.loopMinSeconds === undefined) return a + minLag;
    let b = a + 1;
    while (b < keep.length && times[keep[b]!]! - times[keep[a]!]! < mode.loopMinSeconds) b++;
    return b;
  };
  const loops: Array<[number, number]> = [];
  for (let a = 0; a < keep.length; a++) {
    for (let b = firstLater(a); b < keep.length; b++) {
      let run = 0;
      while (run < minRun && dup(a + run, b + run)) run++;
      if (run >= minRun) loops.push([keep[a]!, keep[b]!]);
    }
  }
  // A whole capture of (near-)duplicates is a still image, reported by checkStill; do not double count.
  const allSame = keep.length > 1 && keep.every((_, a) => a === 0 || dup(a - 1, a));
  const [frozen, stalls] = outcomes as [CheckOutcome, CheckOutcome];
  return [
    stalls,
    outcome('looped_frames', loops.length > 0 && !allSame, true, { repeatedPairs: loops.slice(0, 20), count: loops.length }),
    frozen,
  ];
}

/**
 * The face hardly changes over the whole capture although challenges ask it to: by pixels (crop
 * correlation, dHash) or by identity embedding (a photo's descriptor does not move; a live face's
 * does, with expression and pose).
 */
export function checkStill(
  sigs: readonly FrameSignature[], options: ImageCheckOptions = {}, embeddings: ReadonlyArray<Embedding | null> = [],
): CheckOutcome {
  const o = { ...DEFAULT_IMAGE, ...options };
  if (sigs.length < 2) return outcome('still_image', false, true, { frames: sigs.length, note: 'too few frames' });
  const embs = embeddings.filter((e): e is Embedding => !!e);
  let spread: number | null = null;
  // 3 frames at least: with two, one unlucky pair decides.
  if (embs.length >= 3) {
    spread = 0;
    for (let i = 0; i < embs.length; i++) for (let j = i + 1; j < embs.length; j++) spread = Math.max(spread, euclidean(embs[i]!, embs[j]!));
  }
  let minCorr = 1;
  let maxHam = 0;
  for (let i = 0; i < sigs.length; i++) {
    for (let j = i + 1; j < sigs.length; j++) {
      minCorr = Math.min(minCorr, correlation(sigs[i]!.faceNorm, sigs[j]!.faceNorm));
      maxHam = Math.max(maxHam, hamming(sigs[i]!.faceHash, sigs[j]!.faceHash));
    }
  }
  const pixelsStill = { correlation: minCorr >= o.stillMinCorrelation, hash: maxHam <= o.stillMaxHamming };
  // With an embedding spread, it decides, and the pixel signals only when both agree: a genuine
  // capture the page ends 1.5 s after a quick smile (browser subset, d13: 2.5 s) kept its dHash
  // within 4 bits while its correlation (0.91) and spread (0.30) were clearly live. Without
  // embeddings either pixel signal flags, as before.
  const flagged = spread !== null
    ? spread < o.stillMaxEmbeddingSpread || (pixelsStill.correlation && pixelsStill.hash)
    : pixelsStill.correlation || pixelsStill.hash;
  return outcome('still_image', flagged, true, {
    minCorrelation: round(minCorr, 4), maxHamming: maxHam, embeddingSpread: spread === null ? null : round(spread, 4),
  });
}

/**
 * The face before and after some moment belong to two people: over every split of the time-ordered
 * samples into a before and an after of ≥ 2 samples each, the largest (mean distance across the
 * split) − (mean distance within each side). A live face drifts with pose and expression, so
 * frames across any split are about as far apart as frames on one side; a swap adds the distance
 * between two identities across exactly one split. It catches look-alikes that never reach the
 * 0.6 pair limit (issue 13: d12 → d14 spliced at 3 s reached 0.599).
 */
export function identitySplitGap(embeddings: readonly Embedding[]): { gap: number; at: number } | null {
  const n = embeddings.length;
  if (n < 4) return null;
  const d = embeddings.map((a) => embeddings.map((b) => euclidean(a, b)));
  const mean = (pairs: Array<[number, number]>) => pairs.reduce((s, [i, j]) => s + d[i]![j]!, 0) / Math.max(1, pairs.length);
  const within = (from: number, to: number) => {
    const out: Array<[number, number]> = [];
    for (let i = from; i < to; i++) for (let j = i + 1; j < to; j++) out.push([i, j]);
    return out;
  };
  let best: { gap: number; at: number } | null = null;
  for (let k = 2; k <= n - 2; k++) {
    const cross: Array<[number, number]> = [];
    for (let i = 0; i < k; i++) for (let j = k; j < n; j++) cross.push([i, j]);
    const gap = mean(cross) - mean([...within(0, k), ...within(k, n)]);
    if (!best || gap > best.gap) best = { gap, at: k };
  }
  return best;
}

/**
 * Split-gap limit, calibrated with bench/acceptance-identity.ts (--json, then the split statistics)
 * on the calibration clips only: 6 samples spread like the pipeline's, genuine = any 6 s of one
 * clip (9 clips, worst gap 0.115, whole clips ≤ 0.073); a swap = 3 s of one clip then 3 s of
 * another (all 72 ordered pairs: lowest gap 0.193, 5th percentile 0.233). 0.15 sits between.
 */
export const FACE_SWAP_SPLIT_GAP = 0.15;

/**
 * Another person in some frames. 0.6 is face-api's customary same-person limit on the euclidean
 * distance of its 128-d descriptors; bench/liveness.ts reports the within-clip maxima of genuine
 * head-turn clips against it. With `splitGap`, also a change of identity at one moment
 * (identitySplitGap), for time-ordered embeddings of a recording.
 */
export function checkFaceSwap(embeddings: ReadonlyArray<Embedding | null>, maxDistance = 0.6, splitGap: number | null = null): CheckOutcome {
  const split = splitGap === null ? null : identitySplitGap(embeddings.filter((e): e is Embedding => !!e));
  const splitFlag = split !== null && splitGap !== null && split.gap > splitGap;
  let worst: { i: number; j: number; d: number } | null = null;
  for (let i = 0; i < embeddings.length; i++) {
    for (let j = i + 1; j < embeddings.length; j++) {
      const a = embeddings[i];
      const b = embeddings[j];
      if (!a || !b) continue;
      const d = euclidean(a, b);
      if (!worst || d > worst.d) worst = { i, j, d };
    }
  }
  const evidence = worst ? { maxDistance: round(worst.d, 4), pair: [worst.i, worst.j], limit: maxDistance } : { note: 'fewer than two embeddings' };
  const splitEvidence = split ? { splitGap: round(split.gap, 4), splitAfterSample: split.at, splitGapLimit: splitGap } : {};
  return outcome('face_swap', (!!worst && worst.d > maxDistance) || splitFlag, true, { ...evidence, ...splitEvidence });
}

export { euclidean };

export const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
