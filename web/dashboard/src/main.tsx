import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { get, post, setCsrf, whenSignedOut } from './api.ts';
import { NewPassword, SignIn, TotpEnrol } from './auth.tsx';
import { Detail } from './detail/detail.tsx';
import { Overview } from './overview.tsx';
import { Queue } from './queue.tsx';
import { href, useRoute } from './router.ts';
import { Sessions } from './sessions.tsx';
import { Settings } from './settings/settings.tsx';
import type { Me, Role } from './types.ts';

// The dashboard app: who is signed in decides the screen (sign-in, a pending password or TOTP
// step, or the dashboard); the URL fragment decides the page. performance.mark('vkyc:ready') is set
// by each page when its data is on screen (scripts/dashboard-measure.ts reads it).

type State = { kind: 'loading' } | { kind: 'signed_out' } | { kind: 'in'; me: Me; enrol: boolean };

const has = (me: Me, ...roles: Role[]) => me.roles.some((r) => roles.includes(r));

function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });
  const refresh = async () => {
    try {
      const me = await get<Me>('/me');
      setCsrf(me.csrf_token);
      setState({ kind: 'in', me, enrol: false });
    } catch {
      setCsrf(null);
      setState({ kind: 'signed_out' });
    }
  };
  useEffect(() => {
    whenSignedOut(() => { setCsrf(null); setState({ kind: 'signed_out' }); });
    void refresh();
  }, []);
  if (state.kind === 'loading') return <p class="boot">Loading…</p>;
  if (state.kind === 'signed_out') return <SignIn onDone={refresh} />;
  const { me } = state;
  if (me.pending.includes('password_change')) return <NewPassword onDone={refresh} />;
  if (me.pending.includes('totp_enrolment')) return <TotpEnrol required onDone={refresh} />;
  if (state.enrol) return <TotpEnrol required={false} onDone={refresh} />;
  return <Shell me={me} onEnrol={() => setState({ ...state, enrol: true })} onSignedOut={() => { setCsrf(null); setState({ kind: 'signed_out' }); }} onProject={refresh} />;
}

function Shell({ me, onEnrol, onSignedOut, onProject }: { me: Me; onEnrol: () => void; onSignedOut: () => void; onProject: () => void }) {
  const route = useRoute();
  const page = route.path[0] ?? (has(me, 'admin', 'reviewer') ? 'queue' : 'sessions');
  const canDecide = has(me, 'admin', 'reviewer');
  const nav: Array<[string, string, boolean]> = [
    ['queue', 'Review queue', has(me, 'admin', 'reviewer', 'auditor')],
    ['sessions', 'Sessions', true],
    ['overview', 'Overview', true],
    ['settings', 'Settings', has(me, 'admin')],
  ];
  async function signOut() {
    await post('/logout').catch(() => undefined);
    onSignedOut();
  }
  async function switchProject(id: string) {
    await post('/me/project', { project_id: id });
    location.hash = '';
    onProject();
  }
  // Moves focus to the page's heading on navigation, so a keyboard or screen-reader user lands on the new content.
  useEffect(() => { document.querySelector<HTMLElement>('main h2')?.focus(); }, [page, route.path[1]]);
  return (
    <>
      <a class="skip" href="#main">Skip to content</a>
      <header class="top">
        <span class="brand">vkyc <span>reviews</span></span>
        <nav aria-label="Pages" class="pages">
          {nav.filter(([, , show]) => show).map(([id, text]) => (
            <a key={id} href={href(id)} aria-current={page === id ? 'page' : undefined}>{text}</a>
          ))}
          {has(me, 'agent', 'admin') && <a href="/dashboard/call">Live calls</a>}
        </nav>
        <div id="account" class="account">
          {me.projects.length > 1 ? (
            <>
              <label for="project" class="inline">Project</label>
              <select id="project" value={me.project?.id} onChange={(e) => switchProject((e.currentTarget as HTMLSelectElement).value)}>
                {me.projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
              </select>
            </>
          ) : <span class="muted">{me.project?.name}</span>}
          <span id="who">{me.user.display_name} · {me.roles.join(', ')}</span>
          {!me.user.totp_enabled && <button id="totp-start" class="secondary" type="button" onClick={onEnrol}>Set up two-factor</button>}
          <button id="logout" type="button" class="secondary" onClick={signOut}>Sign out</button>
        </div>
      </header>
      <main id="main">
        {page === 'queue' && <Queue me={me} />}
        {page === 'sessions' && !route.path[1] && <Sessions query={route.query} />}
        {page === 'sessions' && route.path[1] && <Detail id={route.path[1]} me={me} canDecide={canDecide} />}
        {page === 'overview' && <Overview query={route.query} />}
        {page === 'settings' && has(me, 'admin') && <Settings tab={route.path[1] ?? 'users'} me={me} />}
      </main>
    </>
  );
}

const root = document.getElementById('root');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
