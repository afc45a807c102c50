import { useState } from 'preact/hooks';
import { del, get, post } from '../api.ts';
import { label, when } from '../format.ts';
import { errText, Missing, useLoad } from './use-load.tsx';

// Webhook endpoints: create (the signing secret is shown once), send a signed test event, read the
// delivery log with each attempt, re-send a delivery, delete an endpoint.

interface Endpoint { id: string; url: string; events?: string[]; description?: string | null; created_at: string }
interface Delivery { id: string; type: string; status: string; attempts: number; created_at: string; next_attempt_at: string | null; attempt_log: Array<{ attempted_at: string; status_code: number | null; error: string | null; duration_ms: number }> }

export function Webhooks() {
  const { data, error, missing, reload } = useLoad(() => get<{ data: Endpoint[] }>('/webhooks'));
  const [secret, setSecret] = useState<string | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  if (missing) return <Missing what="webhook management" />;
  async function create(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    try {
      const r = await post<{ secret?: string }>('/webhooks', { url: String(f.get('url')), ...(f.get('description') ? { description: String(f.get('description')) } : {}) });
      setSecret(r.secret ?? null);
      form.reset();
      void reload();
    } catch (err) { setMsg(errText(err)); }
  }
  const run = async (text: string, fn: () => Promise<unknown>) => { try { await fn(); setMsg(text); void reload(); } catch (err) { setMsg(errText(err)); } };
  return (
    <div class="settings-grid">
      <section class="card" aria-labelledby="h-hooks">
        <h3 id="h-hooks">Webhook endpoints</h3>
        {error && <p class="error" role="alert">{error}</p>}
        <p role="status" class="small" id="hook-msg">{msg}</p>
        {secret && <div class="secret" role="status"><p>Signing secret, shown this once (verify the <code>webhook-signature</code> header with it):</p><code class="mono big">{secret}</code><button type="button" class="secondary" onClick={() => setSecret(null)}>Done</button></div>}
        {(data?.data ?? []).length === 0 && <p class="muted">No endpoint yet.</p>}
        <ul class="endpoints">{(data?.data ?? []).map((w) => (
          <li key={w.id} class="card inner">
            <div class="row spread"><span class="mono">{w.url}</span><span class="muted small">since {when(w.created_at)}</span></div>
            {w.description && <p class="small">{w.description}</p>}
            <div class="row tight">
              <button type="button" class="small-btn" onClick={() => run('Test event sent.', () => post(`/webhooks/${w.id}/test`))}>Send test event</button>
              <button type="button" class="small-btn secondary" aria-expanded={open === w.id} onClick={() => setOpen(open === w.id ? null : w.id)}>Delivery log</button>
              <button type="button" class="small-btn secondary danger" onClick={() => confirm(`Delete ${w.url}?`) && run('Endpoint deleted.', () => del(`/webhooks/${w.id}`))}>Delete</button>
            </div>
            {open === w.id && <DeliveryLog id={w.id} onResend={(d) => run(`${d.type} queued again.`, () => post(`/deliveries/${d.id}/resend`))} />}
          </li>
        ))}</ul>
      </section>
      <section class="card" aria-labelledby="h-new-hook">
        <h3 id="h-new-hook">Add an endpoint</h3>
        <form onSubmit={create}>
          <label for="wh-url">URL (https)</label><input id="wh-url" name="url" type="url" required placeholder="https://example.com/kyc-events" />
          <label for="wh-desc">Description</label><input id="wh-desc" name="description" />
          <button type="submit">Add endpoint</button>
        </form>
      </section>
    </div>
  );
}

function DeliveryLog({ id, onResend }: { id: string; onResend: (d: Delivery) => void }) {
  const { data, error } = useLoad(() => get<{ data: Delivery[] }>(`/webhooks/${id}/deliveries`));
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p class="muted">Loading…</p>;
  if (!data.data.length) return <p class="muted small">Nothing delivered yet.</p>;
  return (
    <table class="compact"><caption class="sr-only">Deliveries</caption>
      <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts (last answer)</th><th scope="col">Created</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
      <tbody>{data.data.map((d) => {
        const last = d.attempt_log.at(-1);
        return <tr key={d.id}><td class="mono">{d.type}</td><td>{label(d.status)}{d.next_attempt_at && d.status !== 'delivered' ? <div class="muted small">next try {when(d.next_attempt_at)}</div> : null}</td><td>{d.attempts}{last ? ` (${last.status_code ? `HTTP ${last.status_code}` : last.error ?? 'no answer'}, ${last.duration_ms} ms)` : ''}</td><td class="small">{when(d.created_at)}</td><td><button type="button" class="small-btn secondary" onClick={() => onResend(d)}>Re-send</button></td></tr>;
      })}</tbody>
    </table>
  );
}
