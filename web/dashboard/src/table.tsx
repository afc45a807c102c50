import { href } from './router.ts';
import { label, num, relative, shortId, when, whenShort } from './format.ts';
import type { SessionRow } from './types.ts';

// The session table shared by the list and the queue: each row links to the evidence viewer.

export type SortKey = 'created_at' | 'updated_at' | 'decided_at' | 'face_score';

export function Badge({ value }: { value: string | null | undefined }) {
  // No result yet (the session is open or running): a dash, not a grey "None" badge that reads like a verdict.
  if (!value) return <span class="muted" title="No result yet">—</span>;
  return <span class={`badge ${value}`}>{label(value)}</span>;
}

function SortHeader({ k, text, sort, order, onSort, narrow }: { k: SortKey; text: string; sort?: SortKey; order?: 'asc' | 'desc'; onSort?: (k: SortKey) => void; narrow?: boolean }) {
  const cls = narrow ? 'hide-narrow' : undefined;
  if (!onSort) return <th scope="col" class={cls}>{text}</th>;
  const active = sort === k;
  return (
    <th scope="col" class={cls} aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" class="sort" onClick={() => onSort(k)} data-sort={k}>
        {text} <span aria-hidden="true">{active ? (order === 'asc' ? '▲' : '▼') : '↕'}</span>
      </button>
    </th>
  );
}

export function SessionTable(p: { rows: SessionRow[]; fresh?: Set<string>; sort?: SortKey; order?: 'asc' | 'desc'; onSort?: (k: SortKey) => void; actions?: (r: SessionRow) => preact.ComponentChildren; caption: string }) {
  return (
    <div class="table-wrap">
      <table class="sessions">
        <caption class="sr-only">{p.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Status</th>
            <th scope="col">Result</th>
            <th scope="col">Reasons</th>
            <th scope="col" class="hide-narrow">Mode · language</th>
            <SortHeader k="face_score" text="Face score" {...p} />
            <SortHeader k="created_at" text="Created" {...p} />
            <SortHeader k="decided_at" text="Decided" {...p} narrow />
            {p.actions && <th scope="col">Review</th>}
          </tr>
        </thead>
        <tbody id="rows">
          {p.rows.map((r) => (
            <tr key={r.id} data-id={r.id} class={p.fresh?.has(r.id) ? 'fresh' : undefined}>
              <td>
                <a href={href(`sessions/${r.id}`)} class="mono" title={r.id} aria-label={`Session ${r.id}`}>{shortId(r.id)}…</a>
                {(r.external_id || r.account_id) && <div class="muted small">{[r.external_id, r.account_id].filter(Boolean).join(' · ')}</div>}
                {p.fresh?.has(r.id) && <span class="badge new">new</span>}
              </td>
              <td>{label(r.state && r.state !== r.status ? r.state : r.status)}</td>
              <td>{r.pending_approval ? <span class="badge pending">Awaiting 2nd reviewer</span> : <Badge value={r.result} />}</td>
              <td class="small">{(r.reasons ?? []).map((c) => label(c)).join(', ') || '—'}</td>
              <td class="small hide-narrow">{label(r.video_mode)}{r.language ? ` · ${r.language}` : ''}</td>
              <td class="num">{num(r.face_score ?? null, 1)}</td>
              <td class="small" title={when(r.created_at)}>{whenShort(r.created_at)}</td>
              <td class="small hide-narrow" title={r.decided_at ? when(r.decided_at) : undefined}>{r.decided_at ? whenShort(r.decided_at) : '—'}{r.decided_by ? <div class="muted">{r.decided_by === 'auto' ? 'automatic' : r.decided_by}</div> : null}</td>
              {p.actions && <td>{p.actions(r)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
      {p.rows.length === 0 && <p class="empty">No sessions match.</p>}
    </div>
  );
}

export const claimText = (r: SessionRow) => (r.review_claim ? `${r.review_claim.mine ? 'You' : r.review_claim.by.name ?? r.review_claim.by.id} · expires ${relative(r.review_claim.expires_at)}` : '');
