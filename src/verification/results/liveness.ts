import { z } from 'zod';
import { findingsSchema, measured } from './finding.ts';

const challengeResult = z.object({
  index: z.number(),
  type: z.string(),
  passed: z.boolean(),
  /** The neutral measures the challenge was compared with: evidence only. */
  baseline: z.unknown(),
  value: measured,
  threshold: z.number(),
  atT: measured,
  confidence: measured,
  framesWithFace: z.number(),
  failure: z.string().optional(),
});

/** One anti-replay / camera check (liveness/replay.ts CheckOutcome): its evidence is shown, never read. */
const check = z.object({ reason: z.string(), flagged: z.boolean(), blocking: z.boolean(), evidence: z.unknown() });

/** `liveness`: the capture plan's challenges, integrity checks, AV sync; 0–100 score or null. */
export const livenessResult = z.object({
  liveness_score: z.number().nullable(),
  skipped: z.literal(true).optional(),
  passed: z.boolean().optional(),
  schedule: z.array(z.object({ type: z.string(), at_seconds: z.number() })).optional(),
  challenges: z.object({ passed: z.boolean(), score: measured, baseline: z.unknown(), results: z.array(challengeResult) }).optional(),
  checks: z.array(check).optional(),
  av_sync: z.object({
    synced: z.boolean().nullable(), correlation: measured, lag_seconds: measured, note: z.string().nullable(),
    // Evidence (issue 20): where it was measured and on how much (optional: results stored before it lack them).
    window_seconds: z.array(z.number()).nullable().optional(), frames: z.number().optional(), speech_seconds: z.number().optional(),
    windows: z.number().optional(), curve: z.array(z.object({ lag: z.number(), r: z.number() })).optional(),
  }).nullable().optional(),
  passive_score: z.number().nullable().optional(),
  findings: findingsSchema,
});
