import { z } from 'zod';
import { FINDING_CODES, type StageFinding } from '../../domain/findings.ts';

/** A finding as stages store it: a code of the closed list (domain/findings.ts), never a free string. */
export const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  message: z.string(),
  details: z.unknown().optional(),
  blocking: z.boolean().optional(),
  severity: z.enum(['decline', 'review']).optional(),
}) satisfies z.ZodType<StageFinding>;

export const findingsSchema = z.array(findingSchema);

/** JSON turns NaN and ±Infinity into null: a measured number read back may be null. */
export const measured = z.number().nullable();
