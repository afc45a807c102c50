import { newDeliveryId, newEventId } from '../domain/ids.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import type { Db } from '../storage/db.ts';

export const EVENT_TYPES = ['video.completed', 'video.reviewed'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/**
 * Records an event and one delivery job per subscribed endpoint. Call it inside the transaction that
 * made the change the event reports: either both commit or neither does, so no event is lost and
 * none is sent for a change that rolled back.
 */
export async function emitEvent(
  deps: Pick<Deps, 'clock' | 'queueFor'>,
  tx: Db,
  projectId: string,
  type: EventType,
  data: Record<string, unknown>,
): Promise<string> {
  const now = iso(deps.clock.now());
  const id = newEventId();
  const payload = { event: type, data, timestamp: now, webhook_id: id };
  await tx.insertInto('webhook_events').values({ id, project_id: projectId, type, payload: JSON.stringify(payload), created_at: now }).execute();
  const hooks = await tx.selectFrom('webhooks').select(['id', 'events']).where('project_id', '=', projectId).where('enabled', '=', 1).execute();
  const queue = deps.queueFor(tx);
  for (const h of hooks) {
    const events = JSON.parse(h.events) as string[];
    if (!events.includes('*') && !events.includes(type)) continue;
    const deliveryId = newDeliveryId();
    await tx.insertInto('webhook_deliveries').values({
      id: deliveryId, event_id: id, webhook_id: h.id, project_id: projectId, status: 'pending', attempts: 0, next_attempt_at: now, created_at: now, updated_at: now,
    }).execute();
    // Grouped by project: the webhook worker pool shares its slots fairly between projects.
    await queue.enqueue('deliver-webhook', { deliveryId }, { group: projectId });
  }
  return id;
}
