import { newDeliveryId, newEventId } from '../domain/ids.ts';
import { AppError } from '../domain/errors.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { writeOutbox } from '../outbox/outbox.ts';

// "Send a test event" for one endpoint (dashboard settings): a `webhook.test` event delivered only
// to that endpoint, signed and retried like any other, so the admin sees it in the delivery log.

export async function sendTestEvent(deps: Deps, projectId: string, webhookId: string) {
  const hook = await deps.db.selectFrom('webhooks').select('id').where('id', '=', webhookId).where('project_id', '=', projectId).executeTakeFirst();
  if (!hook) throw new AppError('webhook_not_found', `no webhook ${webhookId}`);
  const at = iso(deps.clock.now());
  const eventId = newEventId();
  const deliveryId = newDeliveryId();
  const payload = { event: 'webhook.test', data: { webhook_id: webhookId, message: 'a test event from the vkyc dashboard' }, timestamp: at, webhook_id: eventId };
  const ids = await deps.db.transaction().execute(async (tx) => {
    await tx.insertInto('webhook_events').values({ id: eventId, project_id: projectId, session_id: null, type: 'webhook.test', payload: JSON.stringify(payload), created_at: at }).execute();
    await tx.insertInto('webhook_deliveries').values({ id: deliveryId, event_id: eventId, webhook_id: webhookId, project_id: projectId, status: 'pending', attempts: 0, next_attempt_at: at, created_at: at, updated_at: at }).execute();
    return writeOutbox(tx, at, projectId, null, [{ kind: 'job', name: 'deliver-webhook', payload: { deliveryId }, dedupeKey: `deliver:${deliveryId}`, group: projectId }]);
  });
  await deps.relay.dispatch(ids);
  return { id: deliveryId, object: 'delivery' as const, event_id: eventId, type: 'webhook.test' as const, status: 'pending' as const };
}
