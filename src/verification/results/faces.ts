import { z } from 'zod';
import { findingsSchema, measured } from './finding.ts';

const pose = z.object({ yaw: measured, pitch: measured, roll: measured });

/** `faces` when there was no video to analyse. */
const skipped = z.object({ skipped: z.literal(true), reason: z.literal('no_video_frames') });

/** `faces`: the identity track, the best frames for matching, the passive (advisory) liveness. */
const analysed = z.object({
  skipped: z.undefined().optional(),
  frames_analyzed: z.number().int().nonnegative(),
  track: z.object({
    ok: z.boolean(),
    reasons: z.array(z.enum(['no_face', 'multiple_faces', 'face_changed'])),
    faceFrameRatio: measured,
    multiFaceFrameRatio: measured,
    identity: z.array(z.object({ t: z.number(), score: measured })),
    minIdentityScore: measured,
  }),
  best_frames: z.array(z.object({
    index: z.number().int().nonnegative(),
    t: z.number(),
    quality: z.object({ faceSize: measured, sharpness: measured, brightness: measured, occlusion: measured, score: z.number() }),
    pose,
  })),
  passive: z.object({
    score: measured,
    frames: z.number(),
    antispoof: measured,
    liveness: measured,
    reason: z.enum(['not_run', 'no_face']).optional(),
    weak: z.literal(true),
  }),
  evidence: z.array(z.string()),
  /** Per-frame measurements (faces.ts compact): evidence for reviewers, read by no stage. */
  per_frame: z.array(z.looseObject({ t: measured, faces: z.number(), ms: z.number() })),
  timings_ms: z.object({ analyze: z.number(), per_frame_mean: z.number(), total: z.number() }),
  findings: findingsSchema,
});

export const facesResult = z.union([skipped, analysed]);
