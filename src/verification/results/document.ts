import { z } from 'zod';
import { findingsSchema, measured } from './finding.ts';

const check = z.object({ name: z.string(), valid: z.boolean() });

/** What the MRZ reading stores (documents/read-document.ts DocumentReading). */
const reading = z.object({
  format: z.string(),
  fields: z.object({
    document_type: z.string(),
    issuing_country: z.string(),
    document_number: z.string(),
    surname: z.string(),
    given_names: z.string(),
    nationality: z.string().nullable(),
    birth_date: z.string().nullable(),
    sex: z.enum(['M', 'F', 'X']),
    expiry_date: z.string().nullable(),
    personal_number: z.string().optional(),
  }),
  confidence: z.record(z.string(), measured),
  mrz: z.object({
    lines: z.array(z.string()).readonly(),
    valid: z.boolean(),
    checks: z.array(check).readonly(),
    errors: z.array(z.string()).readonly(),
    warnings: z.array(z.string()).readonly(),
  }),
  expired: z.boolean(),
  timings_ms: z.object({ decode: z.number(), detect: z.number(), recognize: z.number(), total: z.number() }),
});

/** `document`: the MRZ reading (null when unread), its comparison with the session's expected data. */
export const documentResult = z.object({
  skipped: z.literal(true).optional(),
  read: z.boolean().optional(),
  error: z.string().nullable().optional(),
  reading: reading.nullable().optional(),
  comparisons: z.array(z.object({
    field: z.enum(['first_name', 'last_name', 'birth_date', 'document_number', 'nationality']),
    expected: z.string(),
    document: z.string().nullable(),
    match: z.boolean(),
    similarity: z.number(),
  })).optional(),
  findings: findingsSchema,
});
