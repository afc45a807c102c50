// "One person throughout the video": enough frames with a face, no persistent second face, and the
// same identity at the start, middle and end (embeddings of sampled frames).

import { FACE_CHANGED_SCORE } from '../domain/face-match.ts';
import type { Embedding, FaceEngine } from '../engines/face/port.ts';
import type { FrameInput, FrameMeasurement } from './analyze-frames.ts';

type TrackReason = 'no_face' | 'multiple_faces' | 'face_changed';

interface TrackOptions {
  /**
   * Share of analysed frames that must show a face. 0.7: a cooperative user faces the camera almost
   * all the time; the slack covers motion blur and turned heads (not yet measured on real videos).
   */
  minFaceRatio?: number;
  /** A second face in this share of frames with a face… (0.15 = a few seconds of a 20 s clip). */
  multiFaceRatio?: number;
  /** …or in this many consecutive analysed frames, counts as "persistently present". */
  multiFaceRun?: number;
  /** Frames embedded for the identity check (spread over the video). */
  identitySamples?: number;
  /** Embeds the main face of analysed frame i (lets the caller share embeddings between checks). */
  embed?: (index: number) => Promise<Embedding>;
}

interface TrackResult {
  ok: boolean;
  reasons: TrackReason[];
  faceFrameRatio: number;
  multiFaceFrameRatio: number;
  /** Score of each sampled frame against the reference (best-quality) sample. */
  identity: Array<{ t: number; score: number }>;
  minIdentityScore: number | null;
}

/**
 * Second-face rules: confident (0.6: partial neighbour faces cut by the frame edge scored 0.33–0.71
 * in our test crops, a second person fully in view ~0.8–0.9) and not tiny next to the main face.
 */
const OTHER_FACE_MIN_CONFIDENCE = 0.6;
const OTHER_FACE_MIN_RELATIVE_HEIGHT = 0.25;

function hasSecondFace(m: FrameMeasurement): boolean {
  const main = m.faces[0];
  if (!main) return false;
  return m.faces.slice(1).some((f) => f.confidence >= OTHER_FACE_MIN_CONFIDENCE && f.box.height >= OTHER_FACE_MIN_RELATIVE_HEIGHT * main.box.height);
}

function longestRun(flags: boolean[]): number {
  let best = 0, run = 0;
  for (const f of flags) {
    run = f ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}

/** Up to n frame indices with a face, evenly spread over time. */
export function sampleIndices(measurements: FrameMeasurement[], n: number): number[] {
  return spreadIndices(measurements.map((m, i) => (m.faces.length > 0 ? i : -1)).filter((i) => i >= 0), n);
}

/** `n` of `indices` spread evenly from the first to the last (all of them when there are fewer). */
export function spreadIndices(indices: readonly number[], n: number): number[] {
  if (indices.length <= n) return [...indices];
  return Array.from({ length: n }, (_, k) => indices[Math.round((k * (indices.length - 1)) / (n - 1))]!);
}

export async function trackFaces(engine: FaceEngine, frames: FrameInput[], measurements: FrameMeasurement[], options: TrackOptions = {}): Promise<TrackResult> {
  const minFaceRatio = options.minFaceRatio ?? 0.7;
  const total = measurements.length;
  const withFace = measurements.filter((m) => m.faces.length > 0);
  const faceFrameRatio = total ? withFace.length / total : 0;
  const multiFlags = measurements.map(hasSecondFace);
  const multiCount = multiFlags.filter(Boolean).length;
  const multiFaceFrameRatio = withFace.length ? multiCount / withFace.length : 0;
  const reasons: TrackReason[] = [];
  if (faceFrameRatio < minFaceRatio) reasons.push('no_face');
  if (multiCount > 0 && (multiFaceFrameRatio >= (options.multiFaceRatio ?? 0.15) || longestRun(multiFlags) >= (options.multiFaceRun ?? 3))) {
    reasons.push('multiple_faces');
  }
  const embed = options.embed ?? ((i: number) => engine.embed(frames[i]!.image, measurements[i]!.faces[0]!));
  const identity = await identityScores(engine, measurements, options.identitySamples ?? IDENTITY_SAMPLES, embed);
  const minIdentityScore = identity.length > 1 ? Math.min(...identity.map((s) => s.score)) : null;
  if (minIdentityScore !== null && minIdentityScore < FACE_CHANGED_SCORE) reasons.push('face_changed');
  return { ok: reasons.length === 0, reasons, faceFrameRatio, multiFaceFrameRatio, identity, minIdentityScore };
}

/** Frames embedded for the identity check by default (start, middle, end and between). */
export const IDENTITY_SAMPLES = 6;

async function identityScores(engine: FaceEngine, measurements: FrameMeasurement[], n: number, embed: (index: number) => Promise<Embedding>): Promise<Array<{ t: number; score: number }>> {
  const picks = sampleIndices(measurements, n);
  const embedded = await Promise.all(picks.map(async (i) => ({ t: measurements[i]!.t, face: measurements[i]!.faces[0]!, e: await embed(i) })));
  const ref = [...embedded].sort((a, b) => b.face.quality.score - a.face.quality.score)[0];
  if (!ref) return [];
  return embedded.map((s) => ({ t: s.t, score: engine.similarity(ref.e, s.e) }));
}
