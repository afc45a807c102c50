// Did each requested challenge happen, in order, inside its own window? Decided only from the
// server's per-frame measurements (pose, eye/mouth openness, smile, face size), always relative to
// the user's own neutral baseline. Pure: no models, no I/O.
//
// Baseline of challenge i = per-signal median of the frames OUTSIDE its window: the user spends the
// rest of the capture not doing this particular move, so the median is their neutral for it, even
// when a client sends only two or three frames per challenge (a baseline from "the first frames"
// then falls inside the first movement). `move_closer` is the exception: people stay close after
// moving closer, so its baseline is the frames before its window (or its first frame).

import type { DetectedFace } from '../engines/face/port.ts';
import {
  DEFAULT_CHALLENGE_THRESHOLDS,
  smileStrength,
  type ChallengeThresholds,
  type ChallengeType,
} from '../domain/liveness-challenges.ts';

export interface ChallengeFrame {
  challengeIndex: number;
  /** seconds (any origin, but one origin for all frames) */
  t: number;
  face: DetectedFace | null;
}

interface Measure {
  yaw: number;
  pitch: number;
  roll: number;
  eyeOpen: number;
  mouthOpen: number;
  smile: number;
  mouthWidth: number;
  faceSize: number;
}

/** `not_seen_where_claimed`: the capture page said it saw the move, the recorded video does not show it there. */
type ChallengeFailure = 'no_frames' | 'no_face' | 'not_performed' | 'out_of_order' | 'baseline_unusable' | 'not_seen_where_claimed';

export interface ChallengeResult {
  index: number;
  type: ChallengeType;
  passed: boolean;
  /** The neutral this challenge was measured against. */
  baseline: Measure | null;
  /**
   * Measured change from baseline in the unit of `threshold` (degrees, ratio, score delta; for a
   * smile, the stronger of its signals as a share of that signal's threshold: see smileStrength).
   */
  value: number | null;
  threshold: number;
  /** Time of the frame that showed the strongest response. */
  atT: number | null;
  /** 0–1: 0.5 at exactly the threshold, 1 at twice the threshold. */
  confidence: number;
  framesWithFace: number;
  failure?: ChallengeFailure;
}

export interface ChallengeVerdict {
  passed: boolean;
  /** Weakest challenge's confidence (a chain is as strong as its weakest link). */
  score: number;
  /** Median of all frames, for evidence (each result carries the baseline it used). */
  baseline: Measure | null;
  results: ChallengeResult[];
}

export interface VerifyChallengeOptions {
  thresholds?: ChallengeThresholds;
}

export function measure(face: DetectedFace): Measure {
  return {
    yaw: face.pose.yaw,
    pitch: face.pose.pitch,
    roll: face.pose.roll,
    eyeOpen: (face.eyeOpenLeft + face.eyeOpenRight) / 2,
    mouthOpen: face.mouthOpen,
    smile: face.smile,
    mouthWidth: face.mouthWidth,
    // faceSize is box height / image height; the box height itself is the fallback so frames of
    // one capture (same resolution) stay comparable even if the adapter leaves quality empty.
    faceSize: face.quality.faceSize > 0 ? face.quality.faceSize : face.box.height,
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Lower quantile of a sample (linear between order statistics). */
const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(s.length - 1, lo + 1);
  return (s[lo] as number) + ((s[hi] as number) - (s[lo] as number)) * (pos - lo);
};

/**
 * The mouth's neutral is its resting (closed) opening, the lower quartile rather than the median:
 * someone who talks outside the window (reading a phrase, a child chatting) has the mouth half
 * open in most frames, and a median neutral then swallows the open_mouth challenge itself (issue
 * 13: a talker's open_mouth measured against her speaking mouth). Between syllables the mouth
 * closes, so a quarter of any stretch of speech is near rest; for someone silent the quartile and
 * the median are the same. A still photo's opening is constant, so this cannot help a photo.
 */
export const MOUTH_REST_QUANTILE = 0.25;

export function baselineOf(measures: Measure[]): Measure | null {
  if (measures.length === 0) return null;
  const keys: Array<keyof Measure> = ['yaw', 'pitch', 'roll', 'eyeOpen', 'mouthOpen', 'smile', 'mouthWidth', 'faceSize'];
  const out = {} as Measure;
  // The engine reports NaN for a signal it could not compute on a frame (e.g. smile when the
  // emotion model did not run); such frames do not vote for that signal.
  for (const k of keys) {
    const xs = measures.map((m) => m[k]).filter(Number.isFinite);
    out[k] = !xs.length ? Number.NaN : k === 'mouthOpen' ? quantile(xs, MOUTH_REST_QUANTILE) : median(xs);
  }
  return out;
}

interface Timed { t: number; m: Measure }

/** The strongest response to one challenge in a window (value in threshold units, time). */
function respond(
  type: ChallengeType, base: Measure, win: Timed[], th: ChallengeThresholds,
): { v: number; t: number } | null {
  const poseOk = (x: Timed) => Math.abs(x.m.roll - base.roll) <= th.rollGuardDeg;
  // Turning the head makes the far eye look smaller; only near-frontal frames count for a blink.
  const frontal = (x: Timed) => Math.abs(x.m.yaw - base.yaw) <= th.yawDeg && poseOk(x);
  const pick = (f: (x: Timed) => number, keep: (x: Timed) => boolean = () => true) => {
    let best: { v: number; t: number } | null = null;
    for (const x of win) {
      if (!keep(x)) continue;
      const v = f(x);
      if (Number.isFinite(v) && (!best || v > best.v)) best = { v, t: x.t };
    }
    return best;
  };
  switch (type) {
    case 'turn_left': return pick((x) => x.m.yaw - base.yaw, poseOk);
    case 'turn_right': return pick((x) => base.yaw - x.m.yaw, poseOk);
    case 'look_up': return pick((x) => x.m.pitch - base.pitch, poseOk);
    case 'look_down': return pick((x) => base.pitch - x.m.pitch, poseOk);
    case 'blink':
      // value = share of the baseline openness lost; pass when ≥ 1 − eyeClosedRatio
      return pick((x) => 1 - x.m.eyeOpen / base.eyeOpen, frontal);
    case 'smile': return pick((x) => smileStrength(x.m, base, th));
    case 'open_mouth': return pick((x) => x.m.mouthOpen - base.mouthOpen);
    case 'move_closer': return pick((x) => x.m.faceSize / base.faceSize - 1);
  }
}

function thresholdOf(type: ChallengeType, th: ChallengeThresholds): number {
  switch (type) {
    case 'turn_left': case 'turn_right': return th.yawDeg;
    case 'look_up': case 'look_down': return th.pitchDeg;
    case 'blink': return 1 - th.eyeClosedRatio;
    case 'smile': return 1; // smileStrength is in thresholds
    case 'open_mouth': return th.mouthOpenDelta;
    case 'move_closer': return th.faceGrowth - 1;
  }
}

/** Baseline usable for this challenge? (blink needs open eyes, move_closer a face size.) */
function baselineProblem(type: ChallengeType, base: Measure, th: ChallengeThresholds): boolean {
  // 0.15: below this the eyes are already (nearly) closed at rest and a blink cannot be seen.
  if (type === 'blink') return !(base.eyeOpen > 0.15);
  if (type === 'move_closer') return !(base.faceSize > 0);
  if (type === 'smile') return !Number.isFinite(smileStrength(base, base, th));
  if (type === 'open_mouth') return !Number.isFinite(base.mouthOpen);
  return !Number.isFinite(base.yaw) || !Number.isFinite(base.pitch);
}

export function evaluateOne(
  index: number, type: ChallengeType, win: ChallengeFrame[], base: Measure | null, th: ChallengeThresholds,
): ChallengeResult {
  const timed: Timed[] = win.flatMap((f) => (f.face ? [{ t: f.t, m: measure(f.face) }] : []));
  const empty = { index, type, passed: false, baseline: base, value: null, atT: null, confidence: 0, framesWithFace: timed.length };
  const threshold = thresholdOf(type, th);
  if (win.length === 0) return { ...empty, threshold, failure: 'no_frames' };
  if (timed.length === 0) return { ...empty, threshold, failure: 'no_face' };
  if (!base || baselineProblem(type, base, th)) return { ...empty, threshold, failure: 'baseline_unusable' };
  const r = respond(type, base, timed, th);
  if (!r) return { ...empty, threshold, failure: 'not_performed' };
  const passed = r.v >= threshold;
  const confidence = Math.max(0, Math.min(1, (0.5 * r.v) / threshold));
  return {
    index, type, passed, baseline: base, value: r.v, threshold, atT: r.t, confidence, framesWithFace: timed.length,
    ...(passed ? {} : { failure: 'not_performed' as const }),
  };
}

export function verdict(results: ChallengeResult[], baseline: Measure | null): ChallengeVerdict {
  const passed = results.length > 0 && results.every((r) => r.passed);
  const score = results.length ? Math.min(...results.map((r) => r.confidence)) : 0;
  return { passed, score, baseline, results };
}

/**
 * API mode: every frame says which challenge it belongs to. Frames of challenge i must all come
 * before frames of challenge i+1 in time, otherwise every challenge fails as `out_of_order`.
 */
export function verifyChallenges(
  challenges: readonly ChallengeType[],
  frames: readonly ChallengeFrame[],
  options: VerifyChallengeOptions = {},
): ChallengeVerdict {
  const th = options.thresholds ?? DEFAULT_CHALLENGE_THRESHOLDS;
  const sorted = [...frames].sort((a, b) => a.t - b.t);
  const windows = challenges.map((_, i) => sorted.filter((f) => f.challengeIndex === i));
  let lastIndex = -1;
  let ordered = true;
  for (const f of sorted) {
    if (f.challengeIndex < lastIndex) ordered = false;
    lastIndex = Math.max(lastIndex, f.challengeIndex);
  }
  const results = challenges.map((type, i) => {
    const win = windows[i]!;
    const base = baselineFor(type, sorted, win, win[0]?.t ?? Infinity);
    const r = evaluateOne(i, type, win, base, th);
    return ordered ? r : { ...r, passed: false, confidence: 0, failure: 'out_of_order' as const };
  });
  return verdict(results, baselineOf(facesOf(sorted)));
}

export const facesOf = (fs: ReadonlyArray<{ face: DetectedFace | null }>) => fs.flatMap((f) => (f.face ? [measure(f.face)] : []));

/** See the file comment: median outside the window; move_closer: frames before it. */
export function baselineFor<F extends { t: number; face: DetectedFace | null }>(
  type: ChallengeType, all: readonly F[], win: readonly F[], start: number, preMove: readonly F[] = [],
): Measure | null {
  if (type === 'move_closer') {
    const before = facesOf(all.filter((f) => f.t < start));
    return baselineOf(before.length ? before : facesOf(win).slice(0, 1));
  }
  const inWin = new Set(win);
  const outside = facesOf(all.filter((f) => !inWin.has(f)));
  if (outside.length) return baselineOf(outside);
  // A short single-challenge capture has nothing outside its window. The frames of the window
  // before the move began (`preMove`: before the page saw it) are the neutral then; only without
  // them does the window's own median stand in (which a move lasting half the window swallows).
  const before = facesOf(preMove);
  return baselineOf(before.length ? before : facesOf(win));
}

export interface ScheduledChallenge { type: ChallengeType; at_seconds: number }
export interface TimedFace { t: number; face: DetectedFace | null }

interface ScheduleOptions extends VerifyChallengeOptions {
  /** A response starting sooner than this after the prompt cannot be a reaction to it (human
   * visual reaction time is ≥ ~0.2 s). */
  minReactionSeconds?: number;
  /** A slow user may still finish the previous move just after the next prompt appears. */
  graceSeconds?: number;
  /** Window length of the last prompt (nothing follows it). */
  lastWindowSeconds?: number;
}

/**
 * Self-record mode: the capture page showed prompt i at `at_seconds` after the recording started;
 * frames carry their time from the start of the recording. Challenge i is looked for in
 * [at_i + minReaction, at_{i+1} + grace]; frames before the first prompt count as outside every window.
 */
export function verifyScheduledChallenges(
  schedule: readonly ScheduledChallenge[],
  frames: readonly TimedFace[],
  options: ScheduleOptions = {},
): ChallengeVerdict {
  const th = options.thresholds ?? DEFAULT_CHALLENGE_THRESHOLDS;
  const minReaction = options.minReactionSeconds ?? 0.2;
  const grace = options.graceSeconds ?? 0.5;
  const lastWindow = options.lastWindowSeconds ?? 4;
  const sorted = [...frames].sort((a, b) => a.t - b.t);
  const results = schedule.map((s, i) => {
    const next = schedule[i + 1];
    const start = s.at_seconds + minReaction;
    const end = next ? next.at_seconds + grace : s.at_seconds + lastWindow;
    const win = sorted.filter((f) => f.t >= start && f.t <= end);
    const base = baselineFor(s.type, sorted, win, start);
    return evaluateOne(i, s.type, win.map((f) => ({ ...f, challengeIndex: i })), base, th);
  });
  return verdict(results, baselineOf(facesOf(sorted)));
}
