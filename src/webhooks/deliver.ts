import { catalogue, RetryAtError, UnrecoverableError, type JobContext } from '../queue/catalogue.ts';
import type { WebhookOutcome } from '../metrics/port.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { DeliveryError, postPinned } from './pinned-post.ts';
import { openWebhookSecret } from '../storage/secret-box.ts';
import { signWebhook } from './sign.ts';
import { assertPublicUrl, SsrfError } from './ssrf.ts';

/**
 * Timeout of one delivery attempt, connect + TLS + until the status line arrives. Receivers should
 * answer at once and do the work later (Standard Webhooks asks for a fast 2xx; Svix, Stripe and
 * GitHub wait 10–15 s). 10 s: an attack run held deliveries 15 s each on receivers that never answered.
 */
export const WEBHOOK_ATTEMPT_TIMEOUT_MS = 10_000;

/** The deliver-webhook job: one signed POST; a non-2xx answer or a network error is retried by the queue. */
export function makeDeliverWebhook(deps: Deps) {
  return async ({ deliveryId }: { deliveryId: string }, job: JobContext) => {
    const d = await deps.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst();
    if (!d || d.status === 'delivered') return;
    const hook = await deps.db.selectFrom('webhooks').selectAll().where('id', '=', d.webhook_id).executeTakeFirst();
    const event = await deps.db.selectFrom('webhook_events').selectAll().where('id', '=', d.event_id).executeTakeFirst();
    if (!hook || !event || hook.enabled !== 1) {
      await mark(deps, d.id, 'canceled', d.attempts, null);
      return;
    }
    const started = performance.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      // Checked at send time too (DNS may have changed since registration); the POST then connects
      // to exactly the address checked here.
      const target = await assertPublicUrl(hook.url, { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE, lookup: deps.lookup });
      const ts = Math.floor(deps.clock.now().getTime() / 1000);
      const secret = openWebhookSecret(deps.secret, hook.id, hook.secret);
      status = await postPinned(target, {
        timeoutMs: deps.webhookTimeoutMs,
        signal: job.signal,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'vkyc-webhooks/1',
          'webhook-id': event.id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signWebhook([secret], event.id, ts, event.payload),
        },
        body: event.payload,
      });
      if (status < 200 || status >= 300) error = 'http_status';
    } catch (e) {
      // Stopped mid-attempt (shutdown, lost lease): not the receiver's failure. The worker gives the
      // job back and it runs again at once, so nothing is logged and next_attempt_at stays as it was.
      if (e instanceof DeliveryError && e.code === 'aborted') throw e;
      // Only codes reach the tenant-visible log: raw socket messages would tell a prober more than
      // "it did not work" (which ports are closed vs filtered).
      if (e instanceof SsrfError) error = `refused_${e.code}`;
      else if (e instanceof DeliveryError) error = e.code;
      else {
        error = 'internal_error';
        deps.log.error('webhook delivery failed unexpectedly', { delivery: d.id, err: e instanceof Error ? e.message : String(e) });
      }
    }
    const attempts = d.attempts + 1;
    await deps.db.insertInto('delivery_attempts').values({ delivery_id: d.id, attempted_at: iso(deps.clock.now()), status_code: status, error, duration_ms: Math.round(performance.now() - started) }).execute();
    if (!error) return mark(deps, d.id, 'delivered', attempts, null);
    if (job.attempt >= job.maxAttempts) {
      await mark(deps, d.id, 'failed', attempts, null);
      throw new UnrecoverableError(error);
    }
    // One computation of the retry time: the delivery log shows it and the queue runs the job then.
    const retryAt = new Date(deps.clock.now().getTime() + catalogue['deliver-webhook'].retry.backoff(job.attempt));
    await mark(deps, d.id, 'retrying', attempts, retryAt);
    throw new RetryAtError(error, retryAt);
  };
}

async function mark(deps: Deps, id: string, status: WebhookOutcome, attempts: number, next: Date | null) {
  deps.metrics?.webhookDelivery(status);
  await deps.db.updateTable('webhook_deliveries').set({ status, attempts, next_attempt_at: next ? iso(next) : null, updated_at: iso(deps.clock.now()) }).where('id', '=', id).execute();
}
