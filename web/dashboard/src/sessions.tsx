import { useEffect, useState } from 'preact/hooks';
import { get, qs } from './api.ts';
import { label } from './format.ts';
import { useLive, useThrottled } from './live.ts';
import { go } from './router.ts';
import { SessionTable, type SortKey } from './table.tsx';
import type { Facets, ListPage, SessionRow } from './types.ts';

// The session list: filters (each option shows how many sessions it would give, from /facets),
// search by id, sortable columns, "Load more" through the cursor, and live updates (a new session
// appears at the top without a reload). The filters live in the URL, so a filtered view can be shared.

const FILTERS = ['q', 'status', 'result', 'reason', 'mode', 'language', 'created_after', 'created_before', 'external_id', 'account_id', 'sort', 'order'] as const;
type Filter = (typeof FILTERS)[number];
const STATUSES = ['pending', 'in_progress', 'processing', 'completed', 'expired', 'canceled'];
const RESULTS = ['needs_review', 'approved', 'declined'];
const MODES = ['self_record', 'live_agent'];
const LANGUAGES = ['en', 'es', 'fr', 'de', 'pt'];

/** A date input's day → the ISO instant the API wants (start of the day, or its end for "to"). */
const dayToIso = (d: string, end: boolean) => (d ? new Date(`${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z`).toISOString() : undefined);

export function Sessions({ query }: { query: URLSearchParams }) {
  const f = Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ''])) as Record<Filter, string>;
  const [rows, setRows] = useState<SessionRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [facets, setFacets] = useState<Facets | null>(null);
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [error, setError] = useState('');
  const [loading, setLoading] = useState(true);
  const key = query.toString();
  const params = () => ({
    q: f.q, status: f.status, result: f.result, reason: f.reason, mode: f.mode, language: f.language,
    external_id: f.external_id, account_id: f.account_id,
    created_after: dayToIso(f.created_after, false), created_before: dayToIso(f.created_before, true),
  });
  async function load(more = false) {
    try {
      const page = await get<ListPage<SessionRow>>(`/sessions${qs({ ...params(), sort: f.sort, order: f.order, limit: 25, cursor: more ? cursor : undefined })}`);
      setRows((old) => {
        if (!more && old.length) {
          const before = new Set(old.map((r) => r.id));
          const added = page.data.filter((r) => !before.has(r.id)).map((r) => r.id);
          if (added.length) setFresh((s) => new Set([...s, ...added]));
        }
        return more ? [...old, ...page.data] : page.data;
      });
      setCursor(page.has_more ? page.next_cursor : null);
      setError('');
    } catch (e) { setError(e instanceof Error ? e.message : String(e)); }
    setLoading(false);
    performance.mark('vkyc:ready');
    get<Facets>(`/sessions/facets${qs(params())}`).then(setFacets, () => setFacets(null));
  }
  useEffect(() => { setRows([]); setFresh(new Set()); setLoading(true); void load(); }, [key]);
  const refetch = useThrottled(() => void load(), 1000);
  useLive((e) => { if (e.type === 'ready' || e.type === 'session.state_changed' || e.type === 'session.updated' || e.type === 'session.review_pending') refetch(); });

  function apply(e: Event) {
    e.preventDefault();
    const data = new FormData(e.currentTarget as HTMLFormElement);
    const next: Record<string, string> = {};
    for (const k of FILTERS) { const v = String(data.get(k) ?? f[k] ?? '').trim(); if (v) next[k] = v; }
    go('sessions', next);
  }
  const onSort = (k: SortKey) => go('sessions', { ...f, sort: k, order: f.sort === k && f.order !== 'asc' ? 'asc' : 'desc' });
  const count = (facet: keyof Omit<Facets, 'object' | 'total'>, v: string) => (facets ? ` (${facets[facet]?.[v] ?? 0})` : '');
  const opts = (facet: keyof Omit<Facets, 'object' | 'total'>, values: string[], anyText: string) => [
    <option key="" value="">{anyText}</option>,
    ...values.map((v) => <option key={v} value={v}>{label(v)}{count(facet, v)}</option>),
  ];
  const reasons = Object.keys(facets?.reason ?? {}).concat(f.reason && !facets?.reason?.[f.reason] ? [f.reason] : []);
  return (
    <section aria-labelledby="sessions-title">
      <div class="page-head">
        <h2 id="sessions-title" tabIndex={-1}>Sessions</h2>
        <p class="muted" aria-live="polite" id="total">{facets ? `${facets.total} matching` : ''}</p>
      </div>
      <form id="filters" class="filters card" onSubmit={apply} aria-label="Filters" key={key}>
        <div class="field wide"><label for="f-q">Search by session id</label><input id="f-q" name="q" defaultValue={f.q} placeholder="ses_…" /></div>
        <div class="field"><label for="f-status">Status</label><select id="f-status" name="status" defaultValue={f.status}>{opts('status', STATUSES, 'Any status')}</select></div>
        <div class="field"><label for="f-result">Result</label><select id="f-result" name="result" defaultValue={f.result}>{opts('result', RESULTS, 'Any result')}</select></div>
        <div class="field"><label for="f-reason">Reason</label><select id="f-reason" name="reason" defaultValue={f.reason}>{opts('reason', reasons, 'Any reason')}</select></div>
        <div class="field"><label for="f-mode">Mode</label><select id="f-mode" name="mode" defaultValue={f.mode}>{opts('mode', MODES, 'Any mode')}</select></div>
        <div class="field"><label for="f-language">Language</label><select id="f-language" name="language" defaultValue={f.language}>{opts('language', LANGUAGES, 'Any language')}</select></div>
        <div class="field"><label for="f-from">Created from</label><input id="f-from" name="created_after" type="date" defaultValue={f.created_after} /></div>
        <div class="field"><label for="f-to">Created to</label><input id="f-to" name="created_before" type="date" defaultValue={f.created_before} /></div>
        <div class="field"><label for="f-ext">External id</label><input id="f-ext" name="external_id" defaultValue={f.external_id} /></div>
        <div class="field"><label for="f-acc">Account id</label><input id="f-acc" name="account_id" defaultValue={f.account_id} /></div>
        <div class="field actions">
          <button type="submit">Apply filters</button>
          <button type="button" class="secondary" onClick={() => go('sessions')}>Clear</button>
        </div>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {loading ? <p class="muted">Loading…</p> : <SessionTable rows={rows} fresh={fresh} sort={(f.sort || 'created_at') as SortKey} order={f.order === 'asc' ? 'asc' : 'desc'} onSort={onSort} caption="Sessions matching the filters" />}
      {cursor && <button id="more" type="button" class="secondary" onClick={() => void load(true)}>Load more</button>}
    </section>
  );
}
