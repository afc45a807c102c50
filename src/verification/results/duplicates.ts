import { z } from 'zod';
import { findingsSchema } from './finding.ts';

/** `duplicates`: the 1:N search of the session's face template and the accounts it links. */
export const duplicatesResult = z.object({
  template_source: z.enum(['video', 'selfie']).nullable(),
  matches: z.object({
    num_accounts_linked: z.number().int().nonnegative(),
    accounts_linked: z.array(z.object({
      account_id: z.string(),
      match_types: z.array(z.string()),
      session_ids: z.array(z.string()),
      face_score: z.number().nullable(),
    })),
  }),
  findings: findingsSchema,
});
