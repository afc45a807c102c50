import { $, play, startCall, type CallEvent, type CallHandle } from './call-client.ts';
import { pickLang, translator, type MessageKey, type T } from './i18n/index.ts';

// The user's side of a live call: /capture/call/<capture token>. The token stays in the page and
// goes to the server in the `join` message (and the capture API's Authorization header) only.
// Screens: waiting room (queue position, estimated wait, leave) with the location consent card →
// the call (agent large, own preview, connection state, hang up) → ended; or the fallback screen
// (self-record or a callback request) when no agent is available, outside working hours or after
// the queue timeout. Protocol: docs/live-calls-api.md §1.

type Screen = 'starting' | 'waiting' | 'fallback' | 'in-call' | 'ended';
const SCREENS = ['waiting', 'fallback', 'in-call', 'ended'] as const;

/** The server's rule (docs/live-calls-api.md): + then digits, 6–20 characters once spacing is dropped. */
const PHONE = /^\+[1-9]\d{5,18}$/;
/** How long the browser may take to find the position before we give up (ms). */
const GEO_TIMEOUT_MS = 15_000;

const token = decodeURIComponent(location.pathname.split('/').pop() ?? '');
// Remembered for reloads of this tab only: a reload must not ask again, another tab may.
const consentKey = `vkyc-geo-consent:${token.slice(-16)}`;
const browserLangs = [...(navigator.languages ?? [navigator.language])];
let t: T = translator(pickLang(browserLangs));
let lang = pickLang(browserLangs);
let screen: Screen = 'starting';
let call: CallHandle | null = null;
let position: { latitude: number; longitude: number; accuracy_m: number } | null = null;

function show(next: Screen) {
  screen = next;
  $('main').dataset.screen = next;
  for (const s of SCREENS) $(s).hidden = s !== next;
  // The own preview stays visible while waiting (the user checks the framing); in the call it is the corner picture.
  $('preview-box').hidden = next !== 'waiting' && next !== 'fallback';
  if (next !== 'waiting') $('geo').hidden = true;
}

function status(key: MessageKey, kind: 'wait' | 'ok' | 'bad', vars?: Record<string, string | number>) {
  const el = $('state');
  el.hidden = false;
  el.textContent = t(key, vars);
  el.className = `state ${kind}`;
}

function translatePage() {
  document.documentElement.lang = lang;
  document.title = t('title');
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as MessageKey);
  $('remote').setAttribute('aria-label', t('camera.agent'));
  for (const id of ['local', 'preview']) $(id).setAttribute('aria-label', t('camera.you'));
  $<HTMLAnchorElement>('back-to-capture').href = `/capture/${encodeURIComponent(token)}`;
}

/** The session's language from the capture API (the one the capture page used); the browser's if that fails. */
async function loadLanguage() {
  try {
    const res = await fetch('/v1/capture/session', { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' });
    if (!res.ok) return;
    const s = (await res.json()) as { language?: unknown };
    if (typeof s.language !== 'string') return;
    lang = pickLang([s.language]);
    t = translator(lang);
  } catch {
    // Offline for a moment: the browser's language is a fine default.
  }
}

function onQueue(m: Record<string, unknown>) {
  if (screen === 'starting') show('waiting');
  if (screen !== 'waiting') return;
  // The card says it all while waiting; the status line comes back for problems and the call.
  $('state').hidden = true;
  const pos = typeof m.position === 'number' ? m.position : null;
  $('position').textContent = pos === null ? t('waiting.joining') : pos <= 1 ? t('waiting.next') : t('waiting.position', { n: pos });
  const eta = typeof m.eta_seconds === 'number' ? m.eta_seconds : null;
  $('eta').textContent = eta === null ? t('waiting.etaUnknown') : eta < 60 ? t('waiting.etaSoon') : t('waiting.eta', { min: Math.round(eta / 60) });
  maybeAskLocation();
}

const REASON_KEY: Record<string, MessageKey> = { outside_hours: 'fallback.outsideHours', queue_timeout: 'fallback.queueTimeout', no_agent: 'fallback.noAgent' };

function onUnavailable(m: Record<string, unknown>) {
  const reasonKey = REASON_KEY[String(m.reason)] ?? 'fallback.noAgent';
  const opensAt = typeof m.opens_at === 'string' && !Number.isNaN(Date.parse(m.opens_at)) ? new Date(m.opens_at) : null;
  const opens = opensAt ? t('fallback.opensAt', { time: new Intl.DateTimeFormat(lang, { weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(opensAt) }) : '';
  if (m.fallback !== 'self_record' && m.fallback !== 'callback') {
    // `wait`: the user stays queued; the message only explains why nothing moves.
    $('eta').textContent = `${t('waiting.unavailableWait')} ${opens}`.trim();
    return;
  }
  show('fallback');
  status(reasonKey, 'bad');
  $('fallback-h').textContent = t(reasonKey);
  $('fallback-hours').hidden = !opens;
  $('fallback-hours').textContent = opens;
  $('fb-record').hidden = m.fallback !== 'self_record';
  $('fb-callback').hidden = m.fallback !== 'callback';
}

function inCall(agentName?: string) {
  if (screen === 'ended') return;
  if (screen !== 'in-call') show('in-call');
  if (agentName) $('peer').textContent = t('call.assigned', { name: agentName });
}

/** The server requeues the user after these (docs/live-calls-api.md §1): the page rejoins and waits again. */
const REQUEUED = ['agent_left', 'agent_hung_up', 'agent_did_not_return', 'server_stopping'] as const;

function ended(reason: string) {
  if ((REQUEUED as readonly string[]).includes(reason)) {
    // Requeued by the server: back to the waiting room; a `queue` message follows.
    $<HTMLVideoElement>('remote').srcObject = null;
    show('waiting');
    $('position').textContent = t('waiting.joining');
    return;
  }
  show('ended');
  call?.close();
  if (/^(capture_token_|session_|step_not_in_profile)/.test(reason)) {
    // The server refused this page for good (expired link, canceled session…): its message stays shown.
    $('ended-body').textContent = $('state').textContent ?? '';
    $('back-to-capture').hidden = true;
    return;
  }
  const left = reason === 'user_left_queue';
  $('ended-body').textContent = t(left ? 'ended.left' : 'ended.body');
  $('back-to-capture').hidden = !left;
  status(left ? 'ended.left' : 'ended.heading', 'ok');
  $<HTMLButtonElement>('hangup').disabled = true;
  for (const v of ['local', 'preview']) for (const tr of ($<HTMLVideoElement>(v).srcObject as MediaStream | null)?.getTracks() ?? []) tr.stop();
}

/** The consent card shows once per tab session; nothing is asked of the browser before "Share". */
function maybeAskLocation() {
  const decided = sessionStorage.getItem(consentKey);
  if (decided === 'yes' && !position) return void locate();
  if (decided || screen !== 'waiting') return;
  $('geo').hidden = false;
}

function locate() {
  if (!('geolocation' in navigator)) return geoState('geo.failed');
  navigator.geolocation.getCurrentPosition(
    (p) => {
      position = { latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy_m: Math.min(100_000, Math.round(p.coords.accuracy)) };
      sendLocation();
    },
    () => geoState('geo.failed'),
    { enableHighAccuracy: true, timeout: GEO_TIMEOUT_MS, maximumAge: 60_000 },
  );
}

function sendLocation() {
  if (position) call?.send({ type: 'location', ...position });
  else if (sessionStorage.getItem(consentKey) === 'no') call?.send({ type: 'location', denied: true });
}

function geoState(key: MessageKey) {
  $('geo-state').hidden = false;
  $('geo-state').textContent = t(key);
}

function onEvent(local: MediaStream) {
  return (e: CallEvent) => {
    switch (e.type) {
      case 'joining':
        if (e.rejoined && screen === 'in-call') status('call.rejoining', 'wait');
        sendLocation(); // a new socket: the server keeps the last one, but may have restarted
        return;
      case 'connection':
        // The user's peer connects while waiting too (recording starts at join): only the call screen shows it.
        if (screen !== 'in-call') return;
        if (e.state === 'connected') status('call.connected', 'ok');
        else if (e.state === 'failed') status('call.failed', 'bad');
        else status('call.connecting', 'wait');
        return;
      case 'lost':
        if (screen !== 'ended') status('call.lost', 'bad');
        return;
      case 'remote':
        play($<HTMLVideoElement>('remote'), e.stream, $<HTMLButtonElement>('unmute'));
        $<HTMLVideoElement>('local').srcObject = local;
        return;
      case 'peer':
        if (e.role !== 'agent') return;
        if (e.state === 'connected') {
          inCall();
          status('call.connected', 'ok');
        }
        if (screen === 'in-call') $('peer').textContent = t(e.state === 'connected' ? 'call.agentJoined' : e.state === 'reconnecting' ? 'call.agentReconnecting' : 'call.agentWaiting');
        return;
      case 'ended':
        return ended(e.reason);
      case 'error':
        console.warn(`vkyc call: ${e.code}: ${e.message}`);
        status('error.generic', 'bad', { message: e.message });
        return;
      case 'message':
        return onMessage(e.message);
    }
  };
}

function onMessage(m: { type: string } & Record<string, unknown>) {
  switch (m.type) {
    case 'queue':
      return onQueue(m);
    case 'assigned':
      return inCall(typeof m.agent_name === 'string' ? m.agent_name : undefined);
    case 'unavailable':
      return onUnavailable(m);
    case 'location_saved':
      return geoState(position ? 'geo.saved' : 'geo.declined');
    case 'callback_saved':
      $('ended-body').textContent = t('fallback.callbackSent');
      $('back-to-capture').hidden = true;
      status('fallback.callbackSent', 'ok');
      show('ended');
      call?.close();
      return;
    case 'switched':
      // Fallback self_record: the capture flow takes over on this server's capture page.
      call?.close();
      location.assign(`/capture/${encodeURIComponent(token)}`);
      return;
  }
}

function wireButtons() {
  $('leave').onclick = () => {
    if (!confirm(t('waiting.leaveConfirm'))) return;
    call?.send({ type: 'leave_queue' });
    ended('user_left_queue');
  };
  $('hangup').onclick = () => {
    if (confirm(t('call.hangupConfirm'))) call?.hangUp();
  };
  $('geo-yes').onclick = () => {
    sessionStorage.setItem(consentKey, 'yes');
    $('geo').hidden = true;
    locate();
  };
  $('geo-no').onclick = () => {
    sessionStorage.setItem(consentKey, 'no');
    $('geo').hidden = true;
    sendLocation();
    geoState('geo.declined');
  };
  $('fb-record').onclick = () => call?.send({ type: 'fallback', choice: 'self_record' });
  $('fb-callback').onclick = () => {
    $('callback-form').hidden = false;
    $('phone').focus();
  };
  $<HTMLFormElement>('callback-form').onsubmit = (ev) => {
    ev.preventDefault();
    const phone = $<HTMLInputElement>('phone').value.replace(/[\s().-]/g, '');
    const bad = !PHONE.test(phone);
    $('phone-error').hidden = !bad;
    $('phone').setAttribute('aria-invalid', String(bad));
    if (!bad) call?.send({ type: 'callback', phone });
  };
}

/**
 * A safety net beside the socket: if the session was decided while this page was reconnecting (the
 * `ended` went to a socket that no longer existed), the capture API says so. Waiting and in-call
 * sessions are `in_progress`; anything past it means the call is over.
 */
const SESSION_POLL_MS = 10_000;
async function watchSession() {
  if (screen !== 'waiting' && screen !== 'in-call') return;
  try {
    const res = await fetch('/v1/capture/session', { headers: { authorization: `Bearer ${token}` }, credentials: 'omit' });
    if (!res.ok) return;
    const s = (await res.json()) as { status?: unknown };
    if (typeof s.status === 'string' && s.status !== 'pending' && s.status !== 'in_progress') ended('agent_decided');
  } catch {
    // offline for a moment: the socket's own reconnect handles it
  }
}

async function main() {
  await loadLanguage();
  translatePage();
  status('camera.starting', 'wait');
  wireButtons();
  let local: MediaStream;
  try {
    local = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 480 } });
  } catch {
    status('camera.denied', 'bad');
    return;
  }
  $<HTMLVideoElement>('preview').srcObject = local;
  show('waiting');
  status('waiting.joining', 'wait');
  $('position').textContent = t('waiting.joining');
  call = startCall({ wsPath: '/v1/capture/call/ws', join: { role: 'user', token }, local, rejoinAfter: REQUEUED, on: onEvent(local) });
  setInterval(() => void watchSession(), SESSION_POLL_MS);
}

void main();
