import { z } from 'zod';

/** `decode` (ephemeral): how much was decoded; the frames and WAV themselves stay in the run's scratch. */
export const decodeResult = z.object({
  frames: z.number().int().nonnegative(),
  fps: z.number().optional(),
  audio: z.boolean(),
  skipped: z.literal(true).optional(),
});
