import { useEffect, useState } from 'preact/hooks';
import { get, post, qs } from './api.ts';
import { relative } from './format.ts';
import { useLive, useThrottled } from './live.ts';
import { href } from './router.ts';
import { SessionTable } from './table.tsx';
import type { ListPage, Me, SessionRow } from './types.ts';

// The review queue: processed sessions waiting for a human, oldest first. A reviewer claims one
// (others see who holds it and when the hold expires), decides it in the evidence viewer, or
// releases it. The second tab lists approvals waiting for a four-eyes confirmation.

export function Queue({ me }: { me: Me }) {
  const [kind, setKind] = useState<'review' | 'second_approval'>('review');
  const [rows, setRows] = useState<SessionRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [msg, setMsg] = useState('');
  const [error, setError] = useState('');
  const canClaim = me.roles.includes('admin') || me.roles.includes('reviewer');
  async function load(more = false) {
    try {
      const page = await get<ListPage<SessionRow>>(`/queue${qs({ kind: kind === 'second_approval' ? kind : undefined, limit: 50, cursor: more ? cursor : undefined })}`);
      setRows((old) => (more ? [...old, ...page.data] : page.data));
      setCursor(page.has_more ? page.next_cursor : null);
      setError('');
    } catch (e) { setError(e instanceof Error ? e.message : String(e)); }
    performance.mark('vkyc:ready');
  }
  useEffect(() => { void load(); }, [kind]);
  const refetch = useThrottled(() => void load(), 1000);
  useLive(() => refetch());
  // Claim expiry is shown relative to now: refresh the words every 30 s.
  const [, tick] = useState(0);
  useEffect(() => { const t = setInterval(() => tick((n) => n + 1), 30_000); return () => clearInterval(t); }, []);

  async function act(r: SessionRow, what: 'claim' | 'release') {
    try {
      const a = await post<{ expires_at?: string }>(`/sessions/${r.id}/${what}`);
      setMsg(what === 'claim' ? `You hold ${r.id} until ${new Date(a.expires_at ?? '').toLocaleTimeString()}.` : `Released ${r.id}.`);
      await load();
    } catch (e) { setMsg(e instanceof Error ? e.message : String(e)); }
  }
  const actions = (r: SessionRow) => {
    const c = r.review_claim;
    return (
      <div class="claim">
        {c && <div class={`small ${c.mine ? 'mine' : 'muted'}`} data-claim={c.mine ? 'mine' : 'other'}>{c.mine ? 'Claimed by you' : `Claimed by ${c.by.name ?? c.by.id}`} · expires {relative(c.expires_at)}</div>}
        <div class="row tight">
          {canClaim && !c && kind === 'review' && <button type="button" class="small-btn" data-action="claim" onClick={() => act(r, 'claim')} aria-label={`Claim ${r.id}`}>Claim</button>}
          {canClaim && c?.mine && <button type="button" class="small-btn secondary" data-action="release" onClick={() => act(r, 'release')} aria-label={`Release ${r.id}`}>Release</button>}
          <a class="small-btn link" href={href(`sessions/${r.id}`)} aria-label={`Open ${r.id}`}>Open</a>
        </div>
      </div>
    );
  };
  return (
    <section aria-labelledby="queue-title">
      <div class="page-head">
        <h2 id="queue-title" tabIndex={-1}>Review queue</h2>
        {/* Two toggle buttons rather than an ARIA tab list: plain Tab/Enter, no arrow-key pattern to half-implement. */}
        <div role="group" aria-label="Which queue" class="tabs">
          <button type="button" aria-pressed={kind === 'review'} onClick={() => setKind('review')} id="tab-review">Needs review</button>
          <button type="button" aria-pressed={kind === 'second_approval'} onClick={() => setKind('second_approval')} id="tab-second">Awaiting second approval</button>
        </div>
      </div>
      <p class="muted small">Oldest first. Claim a session before you open it: nobody else can decide it while you hold it, and the hold ends by itself when it expires.</p>
      <p class="notice" role="status" id="queue-msg">{msg}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <SessionTable rows={rows} actions={actions} caption={kind === 'review' ? 'Sessions waiting for a review' : 'Approvals waiting for a second reviewer'} />
      {cursor && <button type="button" class="secondary" onClick={() => void load(true)}>Load more</button>}
    </section>
  );
}
