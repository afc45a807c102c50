import { useEffect, useState } from 'preact/hooks';
import { ApiError, get, post } from '../api.ts';
import { label, relative, when } from '../format.ts';
import type { Evidence, Me, PendingApproval, ReviewReason } from '../types.ts';

// Deciding: approve / decline / request resubmission with a reason from the server's list plus
// notes. Approving what the pipeline declined is an override: it needs a second, explicit
// confirmation and a written reason (≥ 10 characters, the server's rule). With four-eyes on, an
// approval may wait for a second person; that person confirms or rejects it here.

type Action = 'approve' | 'decline' | 'request_resubmission';
const ACTIONS: Array<[Action, string]> = [['approve', 'Approve'], ['decline', 'Decline'], ['request_resubmission', 'Request resubmission']];
/** The server's minimum for an override's written reason (docs/dashboard-api.md). */
const OVERRIDE_NOTES_MIN = 10;

const msgOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function DecidePanel({ ev, me, canDecide, onChanged }: { ev: Evidence; me: Me; canDecide: boolean; onChanged: () => void }) {
  const s = ev.session;
  const [reasons, setReasons] = useState<ReviewReason[]>([]);
  const [action, setAction] = useState<Action>('approve');
  const [code, setCode] = useState('');
  const [notes, setNotes] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState('');
  const [done, setDone] = useState('');
  // The decision's own answer says whether it waits for a second reviewer: shown at once, before the reload.
  const [answered, setAnswered] = useState<PendingApproval | null>(null);
  useEffect(() => { get<{ data: ReviewReason[] }>('/review-reasons').then((r) => setReasons(r.data), () => setReasons([])); }, []);
  const autoDeclined = s.decision?.result === 'declined' && s.decision.decided_by === 'auto' && !s.reviewed_at;
  const override = action === 'approve' && autoDeclined;
  const forAction = reasons.filter((r) => r.actions.includes(action));
  const claim = s.review_claim;
  const claimer = claim ? claim.by ?? claim.actor : null;
  const claimActive = claim && new Date(claim.expires_at).getTime() > Date.now();
  const heldByOther = claimActive && claimer && claimer.id !== me.user.id;
  // The server's word when it gives one (evidence answers carry pending_approval); else the decision's answer.
  const pending = s.pending_approval !== undefined ? s.pending_approval : answered;

  async function claimIt() {
    try { await post(`/sessions/${s.id}/claim`); onChanged(); } catch (e) { setError(msgOf(e)); }
  }
  async function release() {
    try { await post(`/sessions/${s.id}/release`); onChanged(); } catch (e) { setError(msgOf(e)); }
  }
  async function submit(e: Event) {
    e.preventDefault();
    setError('');
    if (!code) { setError('Pick a reason from the list.'); return; }
    if (override && notes.trim().length < OVERRIDE_NOTES_MIN) { setError(`Overriding an automatic decline needs a written reason (at least ${OVERRIDE_NOTES_MIN} characters).`); return; }
    if (override && !confirming) { setConfirming(true); return; }
    try {
      const r = await post<{ final: boolean; pending_approval?: PendingApproval | null }>(`/sessions/${s.id}/decision`, { action, reason_code: code, ...(notes.trim() ? { notes: notes.trim() } : {}), ...(override ? { confirm_override: true } : {}) });
      setConfirming(false);
      if (!r.final && r.pending_approval) setAnswered(r.pending_approval);
      setDone(r.final ? 'Decision saved. The integrator is notified.' : 'Approval recorded. It waits for a second reviewer (four-eyes).');
      onChanged();
    } catch (err) {
      setConfirming(false);
      setError(err instanceof ApiError && err.code === 'override_confirmation_required' ? 'Confirm the override to approve an automatic decline.' : msgOf(err));
    }
  }
  if (pending) return <SecondApproval id={s.id} pending={pending} me={me} canConfirm={canDecide || me.roles.includes('auditor')} onChanged={onChanged} />;
  if (s.reviewed_at && s.reviewed_by) {
    return (
      <section class="card decide" aria-labelledby="decide-title" id="decided">
        <h3 id="decide-title">Decision</h3>
        <p><span class={`badge ${s.result}`}>{label(s.decision?.outcome ?? s.result)}</span> by {s.reviewed_by.name ?? s.reviewed_by.id}, {when(s.reviewed_at)}</p>
        {done && <p class="ok" role="status">{done}</p>}
      </section>
    );
  }
  if (!canDecide) return <section class="card decide"><h3>Decision</h3><p class="muted">Your role reads sessions; deciding needs the reviewer or admin role.</p></section>;
  return (
    <section class="card decide" aria-labelledby="decide-title">
      <h3 id="decide-title">Decide</h3>
      <div class="claimline" id="claim-status">
        {claimActive ? (heldByOther ? <p class="warn">Claimed by {claimer?.name ?? claimer?.id} until {when(claim.expires_at)} ({relative(claim.expires_at)}). You cannot decide it now.</p>
          : <p>You hold this session, expires {relative(claim!.expires_at)}. <button type="button" class="link" onClick={release}>Release</button></p>)
          : <p class="muted">Nobody holds this session. <button type="button" class="small-btn" id="claim" onClick={claimIt}>Claim it</button> (deciding claims it too).</p>}
      </div>
      {done && <p class="ok" role="status" id="decide-done">{done}</p>}
      <form id="decide-form" onSubmit={submit}>
        <fieldset>
          <legend>Action</legend>
          {ACTIONS.map(([a, text]) => (
            <label class="radio" key={a}>
              <input type="radio" name="action" value={a} checked={action === a} onChange={() => { setAction(a); setCode(''); setConfirming(false); }} disabled={!!heldByOther} /> {text}
            </label>
          ))}
        </fieldset>
        <label for="decide-reason">Reason</label>
        <select id="decide-reason" value={code} onChange={(e) => setCode((e.currentTarget as HTMLSelectElement).value)} required disabled={!!heldByOther}>
          <option value="">Choose a reason…</option>
          {forAction.map((r) => <option key={r.code} value={r.code}>{r.label}</option>)}
        </select>
        <label for="decide-notes">Notes{override ? ' (required: why you override the automatic decline)' : ' (optional)'}</label>
        <textarea id="decide-notes" rows={3} maxLength={5000} value={notes} onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)} required={override} aria-describedby={override ? 'override-warn' : undefined} />
        {override && <p class="warn" id="override-warn">The system declined this session ({s.decision?.reasons.map((r) => r.message).join('; ') || 'see the reasons above'}). Approving it overrides that decision.</p>}
        {confirming ? (
          <div class="confirm" role="alertdialog" aria-labelledby="confirm-title" id="override-confirm">
            <p id="confirm-title"><strong>Approve despite the automatic decline?</strong> Your name and reason are recorded in the audit trail.</p>
            <div class="row"><button type="submit" id="confirm-override" autoFocus>Yes, override and approve</button><button type="button" class="secondary" onClick={() => setConfirming(false)}>Cancel</button></div>
          </div>
        ) : <button type="submit" id="decide-submit" disabled={!!heldByOther}>{ACTIONS.find(([a]) => a === action)?.[1]}</button>}
        <p class="error" role="alert" id="decide-error">{error}</p>
      </form>
    </section>
  );
}

function SecondApproval({ id, pending, me, canConfirm, onChanged }: { id: string; pending: PendingApproval; me: Me; canConfirm: boolean; onChanged: () => void }) {
  const [notes, setNotes] = useState('');
  const [error, setError] = useState('');
  const mine = pending.by.id === me.user.id;
  async function answer(confirm: boolean) {
    try { await post(`/sessions/${id}/second-approval`, { confirm, ...(notes.trim() ? { notes: notes.trim() } : {}) }); onChanged(); } catch (e) { setError(msgOf(e)); }
  }
  return (
    <section class="card decide pending" aria-labelledby="second-title" id="second-approval">
      <h3 id="second-title">Awaiting a second reviewer (four-eyes)</h3>
      <p>{pending.by.name ?? pending.by.id} chose <strong>{label(pending.result)}</strong> {when(pending.at)}{pending.reason_code ? ` — ${label(pending.reason_code)}` : ''}.</p>
      {pending.notes && <blockquote>{pending.notes}</blockquote>}
      {mine ? <p class="muted" id="own-approval">You made this approval: another person must confirm it.</p> : canConfirm ? (
        <>
          <label for="second-notes">Notes (optional)</label>
          <textarea id="second-notes" rows={2} value={notes} onInput={(e) => setNotes((e.currentTarget as HTMLTextAreaElement).value)} />
          <div class="row">
            <button type="button" id="second-confirm" onClick={() => answer(true)}>Confirm approval</button>
            <button type="button" class="secondary danger" id="second-reject" onClick={() => answer(false)}>Reject — back to the queue</button>
          </div>
        </>
      ) : <p class="muted">Your role cannot confirm decisions.</p>}
      <p class="error" role="alert">{error}</p>
    </section>
  );
}
