import { z } from 'zod';
import { LANGUAGES } from '../domain/languages.ts';
import { RESULTS, SESSION_STATES, SESSION_STATUSES } from '../domain/session.ts';

// The dashboard's list query (issue 15 item 2), validated once here; review/list-sessions.ts turns
// it into SQL on the columns migration 012 added.

export const SORTS = ['created_at', 'updated_at', 'decided_at', 'face_score'] as const;
export type Sort = (typeof SORTS)[number];

/** Filters shared by the list and the facets. */
export const filterFields = {
  status: z.enum(SESSION_STATUSES).optional(),
  state: z.enum(SESSION_STATES).optional(),
  result: z.enum(RESULTS).optional(),
  /** A finding or reviewer reason code: letters, digits and underscores (it is matched inside `,a,b,`). */
  reason: z.string().regex(/^[a-z0-9_]{1,100}$/, 'a reason code').optional(),
  mode: z.enum(['self_record', 'live_agent']).optional(),
  language: z.enum(LANGUAGES).optional(),
  created_after: z.iso.datetime({ offset: true }).optional(),
  created_before: z.iso.datetime({ offset: true }).optional(),
  external_id: z.string().min(1).max(255).optional(),
  account_id: z.string().min(1).max(255).optional(),
  /** A session id, or its first 8+ characters; also an exact external_id. */
  q: z.string().trim().min(1).max(255).optional(),
  pending_second_approval: z.enum(['true', 'false']).optional(),
};

export const facetsQuery = z.strictObject(filterFields);
export type Filters = z.infer<typeof facetsQuery>;

export const dashListQuery = z.strictObject({
  ...filterFields,
  sort: z.enum(SORTS).default('created_at'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});
export type DashListQuery = z.infer<typeof dashListQuery>;

export const queueQuery = z.strictObject({
  kind: z.enum(['review', 'second_approval']).default('review'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(512).optional(),
});
export type QueueQuery = z.infer<typeof queueQuery>;
