import { $ } from './call-client.ts';
import { DashError, PATHS, h, type DashApi } from './dash-api.ts';

// Settings → Agents (admins): the question script, working hours, the no-agent fallback and the
// queue/offer timeouts (the agent_* project settings, docs/live-calls-api.md §5). One time range
// for the ticked days: the common case; the API takes several ranges per day if a project needs them.

type Day = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
const DAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const DAY_LABEL: Record<Day, string> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };

export interface AgentSettings {
  agent_working_hours: { timezone: string; days: Partial<Record<Day, Array<[string, string]>>> } | null;
  agent_fallback: 'self_record' | 'callback' | 'wait';
  agent_queue_timeout_seconds: number;
  agent_offer_timeout_seconds: number;
  agent_questions: Array<{ id: string; text: string }>;
  agent_questions_per_call: number;
}

const val = (id: string) => $<HTMLInputElement>(id).value;
const setVal = (id: string, v: string | number) => ($<HTMLInputElement>(id).value = String(v));

function fill(s: AgentSettings) {
  setVal('set-questions', s.agent_questions.map((q) => q.text).join('\n'));
  setVal('set-per-call', s.agent_questions_per_call);
  setVal('set-fallback', s.agent_fallback);
  setVal('set-queue-timeout', Math.round(s.agent_queue_timeout_seconds / 60));
  setVal('set-offer-timeout', s.agent_offer_timeout_seconds);
  const wh = s.agent_working_hours;
  $<HTMLInputElement>('set-always').checked = wh === null;
  setVal('set-tz', wh?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone);
  const first = wh ? DAYS.map((d) => wh.days[d]?.[0]).find(Boolean) : undefined;
  if (first) {
    setVal('set-from', first[0]);
    setVal('set-to', first[1]);
  }
  $('set-days').replaceChildren(...DAYS.map((d) => h('label', {}, h('input', { type: 'checkbox', value: d, checked: wh ? !!wh.days[d]?.length : d !== 'sat' && d !== 'sun' }), ` ${DAY_LABEL[d]}`)));
}

/** Reads the form; a message names the first field that is wrong (the server validates again). */
function read(previous: AgentSettings): AgentSettings | string {
  const lines = val('set-questions').split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines.length > 50) return 'At most 50 questions.';
  if (lines.some((l) => l.length > 300)) return 'A question is longer than 300 characters.';
  // Keep the ids of unchanged questions: answers already given in calls refer to them.
  const byText = new Map(previous.agent_questions.map((q) => [q.text, q.id]));
  const used = new Set<string>();
  const questions = lines.map((text, i) => {
    let id = byText.get(text) ?? `q${i + 1}`;
    while (used.has(id)) id = `${id}_`;
    used.add(id);
    return { id, text };
  });
  const perCall = Number(val('set-per-call'));
  if (!Number.isInteger(perCall) || perCall < 0 || perCall > 20) return 'Questions per call: a whole number from 0 to 20.';
  const queueMin = Number(val('set-queue-timeout'));
  if (!Number.isInteger(queueMin) || queueMin < 1 || queueMin > 240) return 'Queue timeout: 1 to 240 minutes.';
  const offerS = Number(val('set-offer-timeout'));
  if (!Number.isInteger(offerS) || offerS < 5 || offerS > 300) return 'Offer timeout: 5 to 300 seconds.';
  let hours: AgentSettings['agent_working_hours'] = null;
  if (!$<HTMLInputElement>('set-always').checked) {
    const from = val('set-from');
    const to = val('set-to');
    if (!/^\d\d:\d\d$/.test(from) || !/^\d\d:\d\d$/.test(to) || from >= to) return 'Working hours: “from” must be before “to”.';
    const days = [...document.querySelectorAll<HTMLInputElement>('#set-days input:checked')].map((i) => i.value as Day);
    if (!days.length) return 'Tick at least one working day, or “Always open”.';
    const tz = val('set-tz').trim();
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
    } catch {
      return `Unknown time zone “${tz}” (use a name like Europe/Berlin).`;
    }
    hours = { timezone: tz, days: Object.fromEntries(days.map((d) => [d, [[from, to]]])) };
  }
  return { agent_working_hours: hours, agent_fallback: val('set-fallback') as AgentSettings['agent_fallback'], agent_queue_timeout_seconds: queueMin * 60, agent_offer_timeout_seconds: offerS, agent_questions: questions, agent_questions_per_call: perCall };
}

export async function openSettings(api: DashApi): Promise<void> {
  $('settings').hidden = false;
  $('settings-error').hidden = true;
  let current: AgentSettings;
  try {
    current = await api.get<AgentSettings>(PATHS.agentSettings);
  } catch (e) {
    $('settings-error').hidden = false;
    $('settings-error').textContent = `The settings did not load: ${e instanceof DashError ? `${e.message} (${e.code})` : String(e)}`;
    return;
  }
  fill(current);
  $<HTMLInputElement>('set-questions').focus();
  $<HTMLFormElement>('settings-form').onsubmit = (ev) => {
    ev.preventDefault();
    const next = read(current);
    $('settings-error').hidden = typeof next !== 'string';
    if (typeof next === 'string') return void ($('settings-error').textContent = next);
    $('settings-state').textContent = 'Saving…';
    api.patch<AgentSettings>(PATHS.agentSettings, next)
      .then((saved) => {
        current = saved;
        fill(saved);
        $('settings-state').textContent = `Saved at ${new Date().toLocaleTimeString()}`;
      })
      .catch((e: unknown) => {
        $('settings-state').textContent = '';
        $('settings-error').hidden = false;
        $('settings-error').textContent = e instanceof DashError ? `${e.message} (${e.code})` : String(e);
      });
  };
  $('close-settings').onclick = () => ($('settings').hidden = true);
}
