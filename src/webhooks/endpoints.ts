import { z } from 'zod';
import { AppError } from '../domain/errors.ts';
import { newWebhookId } from '../domain/ids.ts';
import { newWebhookSecret } from '../domain/signing.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { EVENT_TYPES } from './events.ts';
import { assertPublicUrl, SsrfError } from './ssrf.ts';
import { sealWebhookSecret } from '../storage/secret-box.ts';
import { writeOutbox } from '../outbox/outbox.ts';

export const createWebhookBody = z.strictObject({
  url: z.url({ protocol: /^https?$/ }).max(2048),
  events: z.array(z.enum([...EVENT_TYPES, '*'])).min(1).default(['*']),
  description: z.string().max(500).optional(),
});

export async function createWebhook(deps: Deps, projectId: string, body: z.infer<typeof createWebhookBody>) {
  try {
    await assertPublicUrl(body.url, { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE, lookup: deps.lookup });
  } catch (e) {
    if (e instanceof SsrfError) throw new AppError('webhook_url_refused', e.message);
    throw e;
  }
  const id = newWebhookId();
  const secret = newWebhookSecret();
  const row = {
    id, project_id: projectId, url: body.url, events: JSON.stringify(body.events), secret: sealWebhookSecret(deps.secret, id, secret),
    description: body.description ?? null, enabled: 1, created_at: iso(deps.clock.now()),
  };
  await deps.db.insertInto('webhooks').values(row).execute();
  // The secret is shown here once, in clear; it is stored encrypted and listings never include it.
  return { id: row.id, object: 'webhook' as const, url: row.url, events: body.events, description: row.description, secret, created_at: row.created_at };
}

export async function listWebhooks(deps: Deps, projectId: string) {
  const rows = await deps.db.selectFrom('webhooks').selectAll().where('project_id', '=', projectId).orderBy('created_at').execute();
  return { object: 'list' as const, data: rows.map((r) => ({ id: r.id, object: 'webhook' as const, url: r.url, events: JSON.parse(r.events) as string[], description: r.description, enabled: r.enabled === 1, created_at: r.created_at })) };
}

export async function deleteWebhook(deps: Deps, projectId: string, id: string) {
  const res = await deps.db.deleteFrom('webhooks').where('id', '=', id).where('project_id', '=', projectId).executeTakeFirst();
  if (Number(res.numDeletedRows) !== 1) throw new AppError('webhook_not_found', `no webhook ${id}`);
  return { id, object: 'webhook' as const, deleted: true };
}

export async function listDeliveries(deps: Deps, projectId: string, webhookId: string) {
  const hook = await deps.db.selectFrom('webhooks').select('id').where('id', '=', webhookId).where('project_id', '=', projectId).executeTakeFirst();
  if (!hook) throw new AppError('webhook_not_found', `no webhook ${webhookId}`);
  const deliveries = await deps.db.selectFrom('webhook_deliveries').innerJoin('webhook_events', 'webhook_events.id', 'webhook_deliveries.event_id')
    .select(['webhook_deliveries.id', 'webhook_deliveries.event_id', 'webhook_events.type', 'webhook_deliveries.status', 'webhook_deliveries.attempts', 'webhook_deliveries.next_attempt_at', 'webhook_deliveries.created_at', 'webhook_deliveries.updated_at'])
    .where('webhook_deliveries.webhook_id', '=', webhookId).where('webhook_deliveries.project_id', '=', projectId)
    .orderBy('webhook_deliveries.created_at', 'desc').limit(100).execute();
  const ids = deliveries.map((d) => d.id);
  const attempts = ids.length ? await deps.db.selectFrom('delivery_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('id').execute() : [];
  return {
    object: 'list' as const,
    data: deliveries.map((d) => ({ ...d, object: 'delivery' as const, attempt_log: attempts.filter((a) => a.delivery_id === d.id).map(({ delivery_id: _d, ...a }) => a) })),
  };
}

/** Manual re-send: a fresh delivery job for the same event (also after permanent failure). */
export async function resendDelivery(deps: Deps, projectId: string, deliveryId: string) {
  const d = await deps.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).where('project_id', '=', projectId).executeTakeFirst();
  if (!d) throw new AppError('not_found', `no delivery ${deliveryId}`);
  const now = iso(deps.clock.now());
  // The job goes through the outbox so the delivery is never `pending` without one. No dedupe key:
  // a resend while an earlier job waits for its backoff should go now, not at that job's time.
  const ids = await deps.db.transaction().execute(async (tx) => {
    await tx.updateTable('webhook_deliveries').set({ status: 'pending', next_attempt_at: now, updated_at: now }).where('id', '=', d.id).execute();
    return writeOutbox(tx, now, projectId, null, [{ kind: 'job', name: 'deliver-webhook', payload: { deliveryId: d.id }, group: projectId }]);
  });
  await deps.relay.dispatch(ids);
  return { id: d.id, object: 'delivery' as const, status: 'pending' as const };
}
