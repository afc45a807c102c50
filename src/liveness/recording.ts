// Liveness of a self-record video: the capture page showed prompts at known times; the pipeline has
// decoded frames (with their time from the start of the recording) and a 16 kHz mono WAV. This
// puts the scheduled challenges, the frame-integrity checks and audio-visual sync together. Pure:
// the pipeline stage does the decoding and the face engine calls (see measureFrame in verify.ts).

import type { ChallengeThresholds } from '../domain/liveness-challenges.ts';
import type { DetectedFace, Embedding } from '../engines/face/port.ts';
import { audioVisualSync, type AvSyncOptions, type AvSyncResult, type PcmAudio } from './av-sync.ts';
import type { FrameSignature } from './frame-signature.ts';
import { checkDuplicates, checkFaceSwap, checkStill, FACE_SWAP_SPLIT_GAP, round, type ImageCheckOptions } from './replay.ts';
import type { CheckOutcome } from './outcome.ts';
import { verifyScheduledChallenges, type ChallengeVerdict, type ScheduledChallenge } from './verify-challenges.ts';
import { captureReasons, type LivenessReason } from './reasons.ts';
import { verifyReportedChallenges, type ReportedSearch } from './verify-reported.ts';

export interface RecordedFrame {
  /** seconds from the start of the recording */
  t: number;
  face: DetectedFace | null;
  faces: number;
  embedding: Embedding | null;
  signature: FrameSignature;
}

interface RecordingOptions {
  thresholds?: ChallengeThresholds;
  image?: ImageCheckOptions;
  faceSwapMaxDistance?: number;
  /** identitySplitGap limit (replay.ts FACE_SWAP_SPLIT_GAP). */
  faceSwapSplitGap?: number;
  avSync?: AvSyncOptions;
  /** Seconds a repeated stretch must lie after its original to count as a loop. Default 1. */
  loopMinSeconds?: number;
}

interface RecordingAssessment {
  passed: boolean;
  /** Challenge score, 0 when a blocking integrity check fired. */
  livenessScore: number;
  reasons: LivenessReason[];
  blocking: LivenessReason[];
  challenges: ChallengeVerdict;
  checks: CheckOutcome[];
  /** null when there was no audio track. */
  avSync: AvSyncResult | null;
}

export function assessRecording(input: {
  schedule: readonly ScheduledChallenge[];
  frames: readonly RecordedFrame[];
  audio?: PcmAudio | null;
  options?: RecordingOptions;
  /** Issue 13: the page's report (or none: an in-order search); without it, the fixed schedule windows. */
  search?: ReportedSearch;
  /** Packet timestamps of the recorded video (seconds), when the container has them. */
  containerTimes?: readonly number[] | null;
  /** Checks made outside the sampled frames (the every-frame loop scan, loop-scan.ts): they count like the others. */
  extraChecks?: readonly CheckOutcome[];
}): RecordingAssessment {
  const o = input.options ?? {};
  const frames = [...input.frames].sort((a, b) => a.t - b.t);
  const sigs = frames.map((f) => f.signature);
  const challengeOptions = o.thresholds ? { thresholds: o.thresholds } : {};
  const challenges = input.search
    ? verifyReportedChallenges(input.schedule, frames, input.search, challengeOptions)
    : verifyScheduledChallenges(input.schedule, frames, challengeOptions);
  const checks: CheckOutcome[] = [
    // Video repeats frames legitimately (a camera slower than the recording, stalls): only a frozen
    // stream or a loop blocks. A loop is ≥ 3 distinct images equal to images ≥ 1 s earlier (by time:
    // the pipeline samples prompt windows more densely).
    ...checkDuplicates(sigs, o.image, { times: frames.map((f) => f.t), containerTimes: input.containerTimes ?? null, loopMinSeconds: o.loopMinSeconds ?? 1, loopMinRun: 3 }),
    checkStill(sigs, o.image, frames.map((f) => f.embedding)),
    // A recording's embeddings are spread over time: a change of identity at one moment is a swap.
    checkFaceSwap(frames.map((f) => f.embedding), o.faceSwapMaxDistance, o.faceSwapSplitGap ?? FACE_SWAP_SPLIT_GAP),
    ...(input.extraChecks ?? []),
  ];
  const mouth = frames.flatMap((f) => (f.face && Number.isFinite(f.face.mouthOpen) ? [{ t: f.t, open: f.face.mouthOpen }] : []));
  const avSync = input.audio ? audioVisualSync(mouth, input.audio, o.avSync) : null;

  const { reasons, blocking, add } = captureReasons(challenges, frames, checks);
  // Audio-visual sync accepts about half of genuine talking windows (bench:av-sync): a non-blocking
  // reason kept as evidence; the liveness stage raises no finding from it (docs/speech.md).
  if (avSync?.synced === false) add('av_desync', false);
  const integrityFailed = checks.some((c) => c.flagged && c.blocking);
  return {
    passed: blocking.length === 0,
    livenessScore: integrityFailed ? 0 : round(challenges.score),
    reasons, blocking, challenges, checks, avSync,
  };
}
