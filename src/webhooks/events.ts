import { newDeliveryId, newEventId } from '../domain/ids.ts';
import type { OutboxMessage } from '../outbox/outbox.ts';
import type { Db } from '../storage/db.ts';

/** `video.resubmission_requested`: a reviewer declined and asks for a new capture (issue 15). */
export const EVENT_TYPES = ['video.completed', 'video.reviewed', 'video.resubmission_requested'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Records an event and one delivery row per subscribed endpoint in the caller's transaction (the
 * session store's, so the event commits with the change it reports), and returns the delivery jobs
 * for the caller's outbox: the queue cannot join the transaction, the outbox can.
 */
export async function recordEvent(tx: Db, at: string, projectId: string, sessionId: string | null, type: EventType, data: Record<string, unknown>): Promise<OutboxMessage[]> {
  const id = newEventId();
  const payload = { event: type, data, timestamp: at, webhook_id: id };
  await tx.insertInto('webhook_events').values({ id, project_id: projectId, session_id: sessionId, type, payload: JSON.stringify(payload), created_at: at }).execute();
  const hooks = await tx.selectFrom('webhooks').select(['id', 'events']).where('project_id', '=', projectId).where('enabled', '=', 1).execute();
  const jobs: OutboxMessage[] = [];
  for (const h of hooks) {
    const events = JSON.parse(h.events) as string[];
    if (!events.includes('*') && !events.includes(type)) continue;
    const deliveryId = newDeliveryId();
    await tx.insertInto('webhook_deliveries').values({
      id: deliveryId, event_id: id, webhook_id: h.id, project_id: projectId, status: 'pending', attempts: 0, next_attempt_at: at, created_at: at, updated_at: at,
    }).execute();
    // Grouped by project: the webhook worker pool shares its slots fairly between projects. The
    // dedupe key makes a second hand-over of the same outbox row a no-op.
    jobs.push({ kind: 'job', name: 'deliver-webhook', payload: { deliveryId }, dedupeKey: `deliver:${deliveryId}`, group: projectId });
  }
  return jobs;
}
