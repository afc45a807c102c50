import { z } from 'zod';
import { findingsSchema } from './finding.ts';

/** Why a present video cannot be used (stages/probe.ts). */
export const UNUSABLE_REASONS = ['no_video_track', 'too_short', 'resolution_too_low', 'unreadable'] as const;

/** `probe`: `{ present: false }` without a video, else ffprobe's facts and whether the video is usable. */
export const probeResult = z.object({
  present: z.boolean(),
  usable: z.boolean().optional(),
  unusable_reason: z.enum(UNUSABLE_REASONS).nullable().optional(),
  format: z.string().optional(),
  duration_seconds: z.number().nullable().optional(),
  video: z.object({ codec: z.string(), width: z.number(), height: z.number(), fps: z.number().nullable(), rotation: z.number() }).nullable().optional(),
  audio: z.object({ codec: z.string(), sample_rate: z.number(), channels: z.number() }).nullable().optional(),
  findings: findingsSchema.optional(),
});
