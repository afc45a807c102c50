import { useState } from 'preact/hooks';
import { del, get, post } from '../api.ts';
import { when } from '../format.ts';
import { errText, Missing, useLoad } from './use-load.tsx';

// API keys for machines (the /v1 API): create (the key is shown once), list, revoke.

interface Key { id: string; prefix: string; mode: string; created_at: string; revoked_at: string | null }

export function ApiKeys() {
  const { data, error, missing, reload } = useLoad(() => get<{ data: Key[] }>('/api-keys'));
  const [created, setCreated] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  if (missing) return <Missing what="API key management" />;
  async function create(e: Event) {
    e.preventDefault();
    const mode = String(new FormData(e.currentTarget as HTMLFormElement).get('mode'));
    try { setCreated((await post<{ key: string }>('/api-keys', { mode })).key); void reload(); } catch (err) { setMsg(errText(err)); }
  }
  async function revoke(k: Key) {
    if (!confirm(`Revoke ${k.prefix}…? Integrations using it stop working at once.`)) return;
    try { await del(`/api-keys/${k.id}`); void reload(); } catch (err) { setMsg(errText(err)); }
  }
  return (
    <section class="card" aria-labelledby="h-keys">
      <h3 id="h-keys">API keys</h3>
      <p class="muted small">For your servers calling the /v1 API. The dashboard itself never uses one.</p>
      {error && <p class="error" role="alert">{error}</p>}
      <p role="status" class="small">{msg}</p>
      {created && <div class="secret" role="status" id="new-key"><p>The new key, shown this once: copy it into your server's secret store now.</p><code class="mono big">{created}</code><button type="button" class="secondary" onClick={() => setCreated(null)}>Done</button></div>}
      <form class="row" onSubmit={create}>
        <label for="key-mode" class="inline">Mode</label>
        <select id="key-mode" name="mode"><option value="live">live</option><option value="test">test</option></select>
        <button type="submit">Create key</button>
      </form>
      <table class="compact" id="keys"><caption class="sr-only">API keys</caption>
        <thead><tr><th scope="col">Key</th><th scope="col">Mode</th><th scope="col">Created</th><th scope="col">State</th><th scope="col"><span class="sr-only">Action</span></th></tr></thead>
        <tbody>{(data?.data ?? []).map((k) => <tr key={k.id}><td class="mono">{k.prefix}…</td><td>{k.mode}</td><td class="small">{when(k.created_at)}</td><td>{k.revoked_at ? `revoked ${when(k.revoked_at)}` : 'active'}</td><td>{!k.revoked_at && <button type="button" class="small-btn secondary danger" onClick={() => revoke(k)}>Revoke</button>}</td></tr>)}</tbody>
      </table>
    </section>
  );
}
