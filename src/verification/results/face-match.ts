import { z } from 'zod';
import { findingsSchema } from './finding.ts';

export const FACE_SOURCES = ['video', 'selfie', 'document'] as const;
const source = z.enum(FACE_SOURCES);

/**
 * One compared pair. Results stored before pairs carried their own threshold, decline bound and
 * outcome (issue 13) have only a, b, score and match: those fields stay optional on read.
 */
const pair = z.object({
  pair: z.string().optional(),
  a: source,
  b: source,
  score: z.number(),
  threshold: z.number().optional(),
  decline_below: z.number().optional(),
  outcome: z.enum(['match', 'review', 'mismatch']).optional(),
  match: z.boolean(),
});

/** `face_match`: every pair of face sources with its score and threshold; the video result's number. */
export const faceMatchResult = z.object({
  face_match_score: z.number().nullable(),
  threshold: z.number(),
  pairs: z.array(pair),
  sources: z.array(source).optional(),
  evidence: z.array(z.string()).optional(),
  embedder: z.string().optional(),
  findings: findingsSchema.default([]),
});
