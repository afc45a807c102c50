import { UnrecoverableError, type JobContext, webhookBackoff } from '../queue/catalogue.ts';
import { iso } from '../domain/time.ts';
import type { Deps } from '../deps.ts';
import { signWebhook } from './sign.ts';
import { assertPublicUrl, SsrfError } from './ssrf.ts';

/** Timeout of one delivery attempt: receivers should answer fast and do the work later. */
const ATTEMPT_TIMEOUT_MS = 15_000;

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
      // Checked at send time too: DNS may have changed since the endpoint was registered.
      await assertPublicUrl(hook.url, { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE, lookup: deps.lookup });
      const ts = Math.floor(deps.clock.now().getTime() / 1000);
      const res = await deps.fetch(hook.url, {
        method: 'POST',
        redirect: 'manual', // a redirect could point anywhere, including private networks
        signal: AbortSignal.any([job.signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'vkyc-webhooks/1',
          'webhook-id': event.id,
          'webhook-timestamp': String(ts),
          'webhook-signature': signWebhook([hook.secret], event.id, ts, event.payload),
        },
        body: event.payload,
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (res.status < 200 || res.status >= 300) error = `receiver answered ${res.status}`;
    } catch (e) {
      error = e instanceof SsrfError ? `refused: ${e.message}` : e instanceof Error ? e.message : String(e);
    }
    const attempts = d.attempts + 1;
    await deps.db.insertInto('delivery_attempts').values({ delivery_id: d.id, attempted_at: iso(deps.clock.now()), status_code: status, error, duration_ms: Math.round(performance.now() - started) }).execute();
    if (!error) return mark(deps, d.id, 'delivered', attempts, null);
    const last = job.attempt >= job.maxAttempts;
    await mark(deps, d.id, last ? 'failed' : 'retrying', attempts, last ? null : new Date(deps.clock.now().getTime() + webhookBackoff(job.attempt, () => 0.5)));
    if (last) throw new UnrecoverableError(error);
    throw new Error(error);
  };
}

async function mark(deps: Deps, id: string, status: string, attempts: number, next: Date | null) {
  await deps.db.updateTable('webhook_deliveries').set({ status, attempts, next_attempt_at: next ? iso(next) : null, updated_at: iso(deps.clock.now()) }).where('id', '=', id).execute();
}
