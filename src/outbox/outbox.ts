import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../storage/db.ts';

// The transactional outbox: effects that cannot join the SQL transaction of the change that causes
// them (a job for a queue that may be Redis; a realtime event) are written as rows in that same
// transaction and handed over after the commit by outbox/relay.ts. So a change and its effects
// commit together or not at all, and an effect is never sent for a change that rolled back.

export const outboxMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('job'),
    name: z.enum(['verify-session', 'deliver-webhook']),
    payload: z.record(z.string(), z.unknown()),
    /** The queue ignores a second job with the same key while the first exists: relaying twice is harmless. */
    dedupeKey: z.string().optional(),
    group: z.string().optional(),
  }),
  z.object({ kind: z.literal('realtime'), type: z.string(), data: z.record(z.string(), z.unknown()) }),
]);
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

export const newOutboxId = () => `obx_${randomUUID()}`;

/** Writes messages in the caller's transaction; returns their ids (the relay's fast path hands exactly these over). */
export async function writeOutbox(tx: Db, at: string, projectId: string, sessionId: string | null, messages: OutboxMessage[]): Promise<string[]> {
  if (messages.length === 0) return [];
  const rows = messages.map((m) => ({ id: newOutboxId(), project_id: projectId, session_id: sessionId, kind: m.kind, payload: JSON.stringify(m), created_at: at, locked_until: null }));
  await tx.insertInto('outbox').values(rows).execute();
  return rows.map((r) => r.id);
}
