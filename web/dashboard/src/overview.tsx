import { useEffect, useState } from 'preact/hooks';
import { get, qs } from './api.ts';
import { DailyChart, Histogram } from './charts.tsx';
import { label, pct } from './format.ts';
import { go } from './router.ts';
import type { Stats } from './types.ts';

// The overview: how many sessions, how they ended, how long a decision takes, who decides how
// many, where the scores fall against their thresholds, and the most frequent reasons.

const duration = (s: number | null) => (s === null ? '—' : s < 120 ? `${Math.round(s)} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${(s / 3600).toFixed(1)} h`);

/** A neutral horizontal bar (SVG attributes: the CSP allows no style attributes); the number is printed beside it. */
const Bar = ({ value, max }: { value: number; max: number }) => (
  <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="hbar" aria-hidden="true"><rect width={(value / max) * 100} height="10" /></svg>
);

export function Overview({ query }: { query: URLSearchParams }) {
  const from = query.get('from') ?? '';
  const to = query.get('to') ?? '';
  const [st, setSt] = useState<Stats | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    get<Stats>(`/stats${qs({ from, to })}`).then((s) => { setSt(s); setError(''); performance.mark('vkyc:ready'); }, (e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, [from, to]);
  const maxReason = Math.max(1, ...(st?.top_reasons ?? []).map((r) => r.count));
  const maxThroughput = Math.max(1, ...(st?.reviewer_throughput ?? []).map((r) => r.decisions));
  return (
    <section aria-labelledby="overview-title">
      <div class="page-head">
        <h2 id="overview-title" tabIndex={-1}>Overview</h2>
        <form class="range" onSubmit={(e) => { e.preventDefault(); const f = new FormData(e.currentTarget as HTMLFormElement); go('overview', { from: String(f.get('from') ?? ''), to: String(f.get('to') ?? '') }); }}>
          <label for="o-from">From</label><input id="o-from" name="from" type="date" defaultValue={from || st?.from?.slice(0, 10)} key={`f${st?.from}`} />
          <label for="o-to">To</label><input id="o-to" name="to" type="date" defaultValue={to || st?.to?.slice(0, 10)} key={`t${st?.to}`} />
          <button type="submit">Show</button>
        </form>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {st && <>
        <div class="tiles" id="tiles">
          <div class="tile"><span>Sessions</span><b>{st.sessions_per_day.reduce((a, d) => a + d.total, 0)}</b></div>
          <div class="tile ok"><span>Approved (of decided)</span><b>{pct(st.rates.approved)}</b></div>
          <div class="tile warn"><span>Needs review (of decided)</span><b>{pct(st.rates.needs_review)}</b></div>
          <div class="tile bad"><span>Declined (of decided)</span><b>{pct(st.rates.declined)}</b></div>
          <div class="tile"><span>Median to decision (automatic)</span><b>{duration(st.median_seconds_to_decision.auto)}</b></div>
          <div class="tile"><span>Median to decision (human)</span><b>{duration(st.median_seconds_to_decision.human)}</b></div>
        </div>
        <div class="grid2">
          <section class="card" aria-labelledby="h-daily"><h3 id="h-daily">Sessions per day</h3><DailyChart days={st.sessions_per_day} /></section>
          <section class="card" aria-labelledby="h-scores"><h3 id="h-scores">Scores against thresholds</h3>
            {Object.keys(st.scores).length === 0 ? <p class="muted">No scores in this period.</p> : Object.entries(st.scores).map(([k, v]) => <Histogram key={k} name={label(k)} threshold={v.threshold} buckets={v.buckets} />)}
          </section>
          <section class="card" aria-labelledby="h-reasons"><h3 id="h-reasons">Top reasons</h3>
            {st.top_reasons.length === 0 ? <p class="muted">No reasons in this period.</p> : (
              <ul class="hbars">{st.top_reasons.map((r) => <li key={r.code}><span class="hb-label">{r.label || label(r.code)}</span><Bar value={r.count} max={maxReason} /><b>{r.count}</b></li>)}</ul>
            )}
          </section>
          <section class="card" aria-labelledby="h-throughput"><h3 id="h-throughput">Reviewer throughput</h3>
            {st.reviewer_throughput.length === 0 ? <p class="muted">No human decisions in this period.</p> : (
              <ul class="hbars">{st.reviewer_throughput.map((r) => <li key={r.user_id}><span class="hb-label">{r.name}</span><Bar value={r.decisions} max={maxThroughput} /><b>{r.decisions}</b></li>)}</ul>
            )}
          </section>
        </div>
      </>}
    </section>
  );
}
