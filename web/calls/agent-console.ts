import { $ } from './call-client.ts';
import { fmtSeconds, h } from './dash-api.ts';

// Renders the console snapshot (docs/live-calls-api.md §2): my status, the queue, the agents and the
// callback requests, and the incoming offer. Pure rendering: the actions are wired in agent.ts.

export interface QueueItem { session_id: string; position: number; priority: number; waiting_seconds: number; state: 'waiting' | 'offered' | 'assigned'; connected: boolean; agent_id: string | null }
export interface AgentItem { user_id: string; name: string; status: 'available' | 'busy' | 'away' | 'offline'; session_id: string | null; idle_since: string | null }
export interface CallbackItem { id: string; session_id: string; phone: string; preferred_time: string | null; note: string | null; created_at: string; done_at: string | null }
export interface ConsoleSnapshot {
  me: { user_id: string; name: string; status: AgentItem['status']; session_id: string | null; offer: { session_id: string; expires_at: string } | null };
  queue: QueueItem[];
  agents: AgentItem[];
  callbacks: CallbackItem[];
  open: boolean;
}

const STATE_LABEL: Record<QueueItem['state'], string> = { waiting: 'waiting', offered: 'offered to an agent', assigned: 'with an agent' };

export function renderConsole(s: ConsoleSnapshot, onCallbackDone: (id: string) => void) {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name=availability]')) input.checked = input.value === s.me.status;
  $('availability').dataset.status = s.me.status;
  const waiting = s.queue.filter((q) => q.state !== 'assigned');
  $('queue-count').textContent = String(waiting.length);
  $('queue').replaceChildren(
    ...s.queue.map((q) =>
      h('tr', { 'data-session': q.session_id, class: q.state },
        h('td', {}, String(q.position)),
        h('td', {}, h('code', {}, q.session_id), q.connected ? '' : h('span', { class: 'pill warn', title: 'The user’s page is not connected (reloading or offline)' }, 'offline')),
        h('td', { class: 'waited', 'data-since': String(Date.now() - q.waiting_seconds * 1000), 'data-state': STATE_LABEL[q.state] }, `${fmtSeconds(q.waiting_seconds)} · ${STATE_LABEL[q.state]}`),
        h('td', {}, q.priority ? String(q.priority) : '–'),
      ),
    ),
  );
  $('queue-empty').hidden = s.queue.length > 0;
  const busy = s.me.session_id !== null;
  $<HTMLButtonElement>('accept-next').disabled = busy || waiting.length === 0 || s.me.status === 'away';
  $('agents').replaceChildren(
    ...s.agents.map((a) =>
      h('li', { class: `agent-row ${a.status}` }, h('span', { class: `dot ${a.status}`, 'aria-hidden': 'true' }), h('strong', {}, a.name), ` — ${a.status}`, a.session_id ? h('span', { class: 'muted' }, ` (in a call)`) : a.status === 'available' && a.idle_since ? h('span', { class: 'muted' }, ` idle since ${new Date(a.idle_since).toLocaleTimeString()}`) : ''),
    ),
  );
  $('agents-empty').hidden = s.agents.length > 0;
  const open = s.callbacks.filter((c) => !c.done_at);
  $('callbacks').replaceChildren(
    ...open.map((c) => {
      const done = h('button', { type: 'button', class: 'small' }, 'Done');
      done.onclick = () => onCallbackDone(c.id);
      return h('li', {}, h('a', { href: `tel:${c.phone}` }, c.phone), ' ', h('code', { class: 'muted' }, c.session_id), c.preferred_time ? ` · ${new Date(c.preferred_time).toLocaleString()}` : '', c.note ? ` · ${c.note}` : '', ' ', done);
    }),
  );
  $('callbacks-empty').hidden = open.length > 0;
  if (!s.open) $('state').textContent = 'Outside working hours: users see the fallback.';
  renderOffer(s.me.offer);
}

export function renderOffer(offer: { session_id: string; expires_at: string } | null) {
  $('offer').hidden = !offer;
  if (!offer) return;
  $('offer').dataset.session = offer.session_id;
  $('offer').dataset.expires = offer.expires_at;
  const secs = Math.max(0, Math.round((Date.parse(offer.expires_at) - Date.now()) / 1000));
  $('offer-text').textContent = `A user is waiting for you (session ${offer.session_id}). Accept within ${secs} s, or it goes to the next agent.`;
}

/** Waiting times tick between snapshots (the server sends one only when something changes). */
export function tickWaiting() {
  const offer = $('offer');
  if (!offer.hidden && offer.dataset.session && offer.dataset.expires) renderOffer({ session_id: offer.dataset.session, expires_at: offer.dataset.expires });
  for (const td of document.querySelectorAll<HTMLElement>('#queue td.waited')) {
    const since = Number(td.dataset.since);
    if (Number.isFinite(since)) td.textContent = `${fmtSeconds(Math.max(0, (Date.now() - since) / 1000))} · ${td.dataset.state ?? ''}`;
  }
}
