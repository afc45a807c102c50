import type { CheckOutcome, ReplayReason } from './outcome.ts';
import type { ChallengeVerdict } from './verify-challenges.ts';

/**
 * The closed list of liveness reason codes (the liveness API's `reasons`, the recorded video's
 * assessment): the capture's own, every anti-replay check's, and the face match's.
 */
export type LivenessReason =
  | 'challenge_failed' | 'multiple_faces' | 'no_face' | 'av_desync'
  | 'face_match_unavailable' | 'face_mismatch'
  | ReplayReason;

/**
 * The reasons of one capture (API frames or a recorded video), shared so both modes decide alike:
 * failed challenges, more than one face, no face in most frames, and every flagged check; those
 * that block the capture are listed in `blocking` too.
 */
export function captureReasons(challenges: ChallengeVerdict, frames: ReadonlyArray<{ faces: number; face: unknown }>, checks: readonly CheckOutcome[]) {
  const reasons: LivenessReason[] = [];
  const blocking: LivenessReason[] = [];
  const add = (r: LivenessReason, blocks: boolean) => {
    if (!reasons.includes(r)) reasons.push(r);
    if (blocks && !blocking.includes(r)) blocking.push(r);
  };
  if (!challenges.passed) add('challenge_failed', true);
  if (frames.some((f) => f.faces > 1)) add('multiple_faces', true);
  if (frames.filter((f) => !f.face).length * 2 > frames.length) add('no_face', true);
  for (const c of checks) if (c.flagged) add(c.reason, c.blocking);
  return { reasons, blocking, add };
}
