import { useEffect, useState } from 'preact/hooks';
import { get, isMissing, post } from '../api.ts';
import { label, when } from '../format.ts';
import { useLive, useThrottled } from '../live.ts';
import { href } from '../router.ts';
import type { Evidence, Me } from '../types.ts';
import { DecidePanel } from './decide.tsx';
import { DocumentEvidence } from './document.tsx';
import { fromSession } from './fallback.ts';
import { fromEvidence } from './normalize.ts';
import { FacePairs } from './scorebar.tsx';
import { VideoEvidence } from './video.tsx';

// The evidence viewer: one answer (GET /sessions/{id}/evidence) drawn as what a reviewer checks —
// the reasons in words with their evidence, the document and its MRZ checks, the face pairs against
// their thresholds, the recording with its timeline — with device info, webhooks, the audit trail
// and the raw JSON one click away. The decision panel stays beside it.

export function Detail({ id, me, canDecide }: { id: string; me: Me; canDecide: boolean }) {
  const [ev, setEv] = useState<Evidence | null>(null);
  const [error, setError] = useState('');
  async function load() {
    try {
      setEv(fromEvidence(await get<unknown>(`/sessions/${id}/evidence`)));
    } catch (e) {
      // A server without the evidence endpoint: the plain session, drawn with what it has.
      if (isMissing(e)) {
        try { setEv(fromSession(await get(`/sessions/${id}`))); } catch (e2) { setError(e2 instanceof Error ? e2.message : String(e2)); }
      } else setError(e instanceof Error ? e.message : String(e));
    }
    performance.mark('vkyc:ready');
  }
  useEffect(() => { setEv(null); void load(); }, [id]);
  const refetch = useThrottled(() => void load(), 800);
  useLive((e) => { if (e.session_id === id || e.type === 'ready') refetch(); });
  if (error) return <section><h2 tabIndex={-1}>Session {id}</h2><p class="error" role="alert">{error}</p><a href={href('sessions')}>Back to sessions</a></section>;
  if (!ev) return <section><h2 tabIndex={-1}>Session {id}</h2><p class="muted">Loading evidence…</p></section>;
  const s = ev.session;
  const img = (k: keyof Evidence['media']) => ev.media[k]?.url;
  // The audit names people by id: put the names the session knows (reviewer, claimer, first approver, me) next to them.
  const names = new Map<string, string>([[me.user.id, me.user.display_name]]);
  for (const a of [s.reviewed_by, s.review_claim?.actor, s.review_claim?.by, s.pending_approval?.by]) if (a?.name) names.set(a.id, a.name);
  const who = (a: string | { id: string; name?: string }) => (typeof a === 'string' ? names.get(a) ?? a : a.name ?? names.get(a.id) ?? a.id);
  return (
    <div class="detail">
      <div class="detail-head">
        <nav aria-label="Breadcrumb" class="crumbs"><a href={href('queue')}>Queue</a> / <a href={href('sessions')}>Sessions</a> / <span class="mono">{s.id}</span></nav>
        <h2 tabIndex={-1} id="detail-title">Session <span class="mono">{s.id}</span></h2>
        <p class="summary">
          <span class={`badge ${s.result}`}>{label(s.result)}</span> {label(s.state || s.status)} · {label(s.profile.video_mode)}{s.profile.video_language ? ` · ${s.profile.video_language}` : ''} · created {when(s.created_at)}
          {s.external_id && <> · external id <span class="mono">{s.external_id}</span></>}
          {s.account_id && <> · account <span class="mono">{s.account_id}</span></>}
        </p>
        <nav aria-label="Sections" class="sections">
          {[['reasons', 'Reasons'], ['document', 'Document'], ['faces', 'Faces'], ['video', 'Video'], ['device', 'Device'], ['webhooks', 'Webhooks'], ['audit', 'Audit trail'], ['raw', 'Raw JSON']].map(([a, t]) => <a key={a} href={`#/sessions/${s.id}`} onClick={(e) => { e.preventDefault(); document.getElementById(`sec-${a}`)?.scrollIntoView(); document.getElementById(`sec-${a}`)?.focus(); }}>{t}</a>)}
        </nav>
      </div>
      <div class="evidence">
        <section id="sec-reasons" tabIndex={-1} class="card" aria-labelledby="h-reasons">
          <h3 id="h-reasons">Why the system decided {label(s.decision?.result ?? s.result)}</h3>
          {ev.reasons.length === 0 ? <p class="muted">No findings: every check passed{s.decision ? '' : ' or has not run yet'}.</p> : (
            <ul class="reasons" id="reasons">
              {ev.reasons.map((r, i) => (
                <li key={i} class={`sev-${r.severity}`}>
                  <span class={`badge ${r.severity === 'decline' ? 'declined' : r.severity === 'review' ? 'needs_review' : ''}`}>{r.severity === 'decline' ? 'Decline' : r.severity === 'review' ? 'Review' : label(r.severity)}</span>{' '}
                  {r.sentence}
                  {r.evidence !== undefined && r.evidence !== null && <details><summary>Evidence</summary><EvidenceList value={r.evidence} /></details>}
                </li>
              ))}
            </ul>
          )}
          {ev.risk && <p class="small">Risk score <b>{String(ev.risk.risk_score ?? '—')}</b>{Array.isArray(ev.risk.risk_flags) && ev.risk.risk_flags.length ? ` · flags: ${(ev.risk.risk_flags as string[]).map(label).join(', ')}` : ''}</p>}
        </section>

        <section id="sec-document" tabIndex={-1} class="card" aria-labelledby="h-document">
          <h3 id="h-document">Identity document</h3>
          <DocumentEvidence ev={ev} />
        </section>

        <section id="sec-faces" tabIndex={-1} class="card" aria-labelledby="h-faces">
          <h3 id="h-faces">Face comparisons</h3>
          {ev.faces ? <FacePairs pairs={ev.faces.pairs} images={{ best_frame: img('best_frame'), selfie: img('selfie'), document_portrait: img('document_portrait') ?? img('document_front') }} /> : <p class="muted">Face matching has not run.</p>}
        </section>

        <section id="sec-video" tabIndex={-1} class="card" aria-labelledby="h-video">
          <h3 id="h-video">Video</h3>
          {ev.video ? <VideoEvidence v={ev.video} lang={s.profile.video_language} /> : <p class="muted">No video in this session.</p>}
        </section>

        <section id="sec-device" tabIndex={-1} class="card" aria-labelledby="h-device">
          <h3 id="h-device">Device and client</h3>
          {ev.client ? <EvidenceList value={ev.client} /> : <p class="muted">The capture page reported nothing.</p>}
        </section>

        <section id="sec-webhooks" tabIndex={-1} class="card" aria-labelledby="h-webhooks">
          <h3 id="h-webhooks">Webhook deliveries</h3>
          <Deliveries rows={ev.webhooks} canResend={canDecide} onDone={load} />
        </section>

        <section id="sec-audit" tabIndex={-1} class="card" aria-labelledby="h-audit">
          <h3 id="h-audit">Audit trail</h3>
          <table class="compact" id="audit"><caption class="sr-only">Audit trail</caption>
            <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Who</th><th scope="col">Details</th></tr></thead>
            <tbody>{ev.audit.map((a, i) => <tr key={i}><td class="small">{when(a.created_at)}</td><td>{label(a.action.replace(/\./g, '_'))}</td><td>{who(a.actor)}</td><td>{a.details ? <details><summary>Show</summary><EvidenceList value={a.details} /></details> : ''}</td></tr>)}</tbody>
          </table>
        </section>

        <section id="sec-raw" tabIndex={-1} class="card" aria-labelledby="h-raw">
          <h3 id="h-raw">Raw data</h3>
          <details id="raw"><summary>Raw JSON (as the API returns it)</summary><pre>{JSON.stringify(ev, null, 2)}</pre></details>
        </section>
      </div>
      <aside class="side" aria-label="Decision">
        <DecidePanel ev={ev} me={me} canDecide={canDecide} onChanged={load} />
      </aside>
    </div>
  );
}

/** A small object as a definition list (nested values as JSON): evidence for people, not parsers. */
export function EvidenceList({ value }: { value: unknown }) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return <pre>{JSON.stringify(value, null, 2)}</pre>;
  return (
    <dl class="kv">
      {Object.entries(value as Record<string, unknown>).map(([k, v]) => (
        <div key={k}><dt>{label(k)}</dt><dd>{v !== null && typeof v === 'object' ? <code>{JSON.stringify(v)}</code> : String(v)}</dd></div>
      ))}
    </dl>
  );
}

function Deliveries({ rows, canResend, onDone }: { rows: Evidence['webhooks']; canResend: boolean; onDone: () => void }) {
  const [msg, setMsg] = useState('');
  if (!rows.length) return <p class="muted">No webhook was sent for this session.</p>;
  async function resend(id: string) {
    try { await post(`/deliveries/${id}/resend`); setMsg('Queued for re-sending.'); onDone(); } catch (e) { setMsg(e instanceof Error ? e.message : String(e)); }
  }
  return (
    <>
      <table class="compact" id="deliveries"><caption class="sr-only">Webhook deliveries</caption>
        <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Created</th>{canResend && <th scope="col"><span class="sr-only">Action</span></th>}</tr></thead>
        <tbody>{rows.map((d) => <tr key={d.id}><td class="mono">{d.event}</td><td><span class={`badge ${d.status === 'delivered' ? 'approved' : d.status === 'failed' ? 'declined' : ''}`}>{label(d.status)}</span></td><td>{d.attempts}</td><td class="small">{when(d.created_at)}</td>{canResend && <td><button type="button" class="small-btn secondary" onClick={() => resend(d.id)} aria-label={`Re-send ${d.event}`}>Re-send</button></td>}</tr>)}</tbody>
      </table>
      <p role="status" class="small">{msg}</p>
    </>
  );
}
