import { renderConsole, renderOffer, tickWaiting, type ConsoleSnapshot } from './agent-console.ts';
import { openSettings } from './agent-settings.ts';
import { openWorkspace, type WorkspaceHandle } from './agent-workspace.ts';
import { $ } from './call-client.ts';
import { DashApi, DashError, PATHS } from './dash-api.ts';
import { openFeed } from './feed.ts';
import type { FaceSample } from './workspace-panels.ts';

// The agent console, /dashboard/call (dashboard cookie): availability, the live queue, agents and
// callback requests, "accept next" and incoming offers; then the workspace of the call
// (agent-workspace.ts). `?session=ses_…` opens a call's workspace directly (an admin, or the
// agent's own call after a reload: the console also reopens it from `me.session_id`).

const api = new DashApi();
let workspace: { id: string; handle: Promise<WorkspaceHandle | null> } | null = null;

function status(text: string, kind: 'wait' | 'ok' | 'bad') {
  $('state').textContent = text;
  $('state').className = `state ${kind}`;
}

const errText = (e: unknown) => (e instanceof DashError ? `${e.message} (${e.code})` : String(e));

function showConsole() {
  $('console').hidden = false;
  $('workspace').hidden = true;
  $('after-call').hidden = true;
  workspace = null;
  status('Ready', 'ok');
}

function enterCall(sessionId: string) {
  if (workspace?.id === sessionId) return;
  $('console').hidden = true;
  $('workspace').hidden = false;
  $('after-call').hidden = true;
  for (const id of ['hangup', 'ask-location']) $<HTMLButtonElement>(id).disabled = false;
  const handle = openWorkspace(api, sessionId, () => {
    $('after-call').hidden = false;
  }).catch((e: unknown) => {
    status(`The call did not start: ${errText(e)}`, 'bad');
    return null;
  });
  workspace = { id: sessionId, handle };
}

function onFeed(m: { type: string } & Record<string, unknown>) {
  switch (m.type) {
    case 'console': {
      const snap = m as unknown as ConsoleSnapshot;
      renderConsole(snap, (id) => void api.post(PATHS.callbackDone(id)).catch((e: unknown) => status(errText(e), 'bad')));
      if (snap.me.session_id && !workspace) enterCall(snap.me.session_id);
      return;
    }
    case 'offer':
      renderOffer({ session_id: String(m.session_id), expires_at: String(m.expires_at) });
      return;
    case 'offer_withdrawn':
      if ($('offer').dataset.session === m.session_id) renderOffer(null);
      return;
    case 'workspace': {
      const open = workspace;
      if (open && open.id === m.session_id && m.face) void open.handle.then((w) => w?.onFace(m.face as FaceSample));
      return;
    }
  }
}

function wire(isAdmin: boolean) {
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name=availability]')) {
    // `busy` is the server's while a call lasts; the agent chooses available or away.
    if (input.value === 'busy') input.disabled = true;
    input.onchange = () => {
      api.post(PATHS.myStatus, { status: input.value }).catch((e: unknown) => status(`Status not changed: ${errText(e)}`, 'bad'));
    };
  }
  $<HTMLButtonElement>('accept-next').onclick = () => {
    api.post<{ session_id: string }>(PATHS.next)
      .then((r) => enterCall(r.session_id))
      .catch((e: unknown) => status(e instanceof DashError && e.code === 'queue_empty' ? 'Nobody is waiting.' : errText(e), 'bad'));
  };
  $<HTMLButtonElement>('offer-accept').onclick = () => {
    const id = $('offer').dataset.session ?? '';
    renderOffer(null);
    api.post<{ session_id: string }>(PATHS.offer(id, 'accept')).then((r) => enterCall(r.session_id)).catch((e: unknown) => status(`Too late: ${errText(e)}`, 'bad'));
  };
  $<HTMLButtonElement>('offer-decline').onclick = () => {
    const id = $('offer').dataset.session ?? '';
    renderOffer(null);
    void api.post(PATHS.offer(id, 'decline')).catch(() => undefined);
  };
  $<HTMLButtonElement>('back-to-queue').onclick = showConsole;
  const settings = $<HTMLButtonElement>('open-settings');
  settings.hidden = !isAdmin;
  settings.onclick = () => void openSettings(api);
}

async function main() {
  let me;
  try {
    me = await api.me();
  } catch (e) {
    if (e instanceof DashError && e.status === 401) {
      status('Sign in to the dashboard first.', 'bad');
      $('state').append(' ', Object.assign(document.createElement('a'), { href: '/dashboard', textContent: 'Sign in' }));
    } else status(errText(e), 'bad');
    return;
  }
  const isAdmin = me.roles.includes('admin');
  if (!isAdmin && !me.roles.includes('agent')) return status('Live calls are for users with the agent role: ask an admin.', 'bad');
  $('me').textContent = `${me.user.display_name ?? me.user.name ?? me.user.login}${me.project ? ` · ${me.project.name}` : ''}`;
  wire(isAdmin);
  $('availability').removeAttribute('disabled');
  const direct = new URLSearchParams(location.search).get('session');
  if (direct && /^ses_[A-Za-z0-9_-]{1,64}$/.test(direct)) enterCall(direct);
  else showConsole();
  setInterval(tickWaiting, 1000);
  openFeed(PATHS.consoleWs, onFeed, (open) => {
    if (!open) status('Live updates lost; reconnecting…', 'bad');
    else if (!workspace) status('Ready', 'ok');
  });
}

void main();
