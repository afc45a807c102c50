import { useState } from 'preact/hooks';
import { get, patch, post } from '../api.ts';
import { when } from '../format.ts';
import type { Me, Role } from '../types.ts';
import { errText, useLoad } from './use-load.tsx';

// Users of this project: create (the one-time password is shown once), roles, disable, reset a
// password or two-factor, unlock a locked login.

interface User { id: string; login: string; display_name: string; roles: Role[]; disabled: boolean; totp_enabled: boolean; must_change_password: boolean; last_login_at: string | null; locked_for_seconds?: number }
const ROLES: Role[] = ['admin', 'reviewer', 'agent', 'auditor'];

export function Users({ me }: { me: Me }) {
  const { data, error, reload } = useLoad(() => get<{ data: User[] }>('/users'));
  const [shown, setShown] = useState<{ login: string; password: string } | null>(null);
  const [msg, setMsg] = useState('');
  async function create(e: Event) {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    const roles = ROLES.filter((r) => f.get(`role-${r}`));
    try {
      const u = await post<{ login: string; one_time_password: string }>('/users', { login: String(f.get('login')), display_name: String(f.get('display_name') || f.get('login')), roles });
      setShown({ login: u.login, password: u.one_time_password });
      form.reset();
      setMsg('');
      void reload();
    } catch (err) { setMsg(errText(err)); }
  }
  async function act(u: User, what: string, fn: () => Promise<unknown>) {
    try { const r = await fn(); if (what === 'reset-password') setShown({ login: u.login, password: (r as { one_time_password: string }).one_time_password }); else setMsg(`${u.login}: done.`); void reload(); } catch (err) { setMsg(errText(err)); }
  }
  const toggleRole = (u: User, r: Role) => act(u, 'roles', () => patch(`/users/${u.id}`, { roles: u.roles.includes(r) ? u.roles.filter((x) => x !== r) : [...u.roles, r] }));
  return (
    <div class="settings-grid">
      <section class="card" aria-labelledby="h-users">
        <h3 id="h-users">Users</h3>
        {error && <p class="error" role="alert">{error}</p>}
        <p role="status" class="small">{msg}</p>
        {shown && <div class="secret" role="status" id="one-time"><p>One-time password for <b>{shown.login}</b> (shown once; they choose their own at first sign-in):</p><code class="mono big">{shown.password}</code><button type="button" class="secondary" onClick={() => setShown(null)}>I have passed it on</button></div>}
        <div class="table-wrap">
          <table class="compact" id="users"><caption class="sr-only">Users of this project</caption>
            <thead><tr><th scope="col">User</th>{ROLES.map((r) => <th scope="col" key={r}>{r}</th>)}<th scope="col">Two-factor</th><th scope="col">Last sign-in</th><th scope="col">Actions</th></tr></thead>
            <tbody>{(data?.data ?? []).map((u) => (
              <tr key={u.id} class={u.disabled ? 'disabled' : undefined}>
                <td><b>{u.display_name}</b><div class="muted small">{u.login}{u.disabled ? ' · disabled' : ''}{u.locked_for_seconds ? ' · locked' : ''}</div></td>
                {ROLES.map((r) => <td key={r}><input type="checkbox" checked={u.roles.includes(r)} onChange={() => toggleRole(u, r)} aria-label={`${u.login} has the role ${r}`} disabled={u.id === me.user.id && r === 'admin'} /></td>)}
                <td>{u.totp_enabled ? 'on' : 'off'}</td>
                <td class="small">{when(u.last_login_at)}</td>
                <td><div class="row tight">
                  {u.id !== me.user.id && <button type="button" class="small-btn secondary" onClick={() => act(u, 'disable', () => patch(`/users/${u.id}`, { disabled: !u.disabled }))}>{u.disabled ? 'Enable' : 'Disable'}</button>}
                  <button type="button" class="small-btn secondary" onClick={() => act(u, 'reset-password', () => post(`/users/${u.id}/reset-password`))}>Reset password</button>
                  {u.totp_enabled && <button type="button" class="small-btn secondary" onClick={() => act(u, 'reset-totp', () => post(`/users/${u.id}/reset-totp`))}>Reset two-factor</button>}
                  {!!u.locked_for_seconds && <button type="button" class="small-btn secondary" onClick={() => act(u, 'unlock', () => post(`/users/${u.id}/unlock`))}>Unlock</button>}
                </div></td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </section>
      <section class="card" aria-labelledby="h-new-user">
        <h3 id="h-new-user">Add a user</h3>
        <form onSubmit={create} id="new-user">
          <label for="nu-login">Login</label><input id="nu-login" name="login" required autocomplete="off" />
          <label for="nu-name">Display name</label><input id="nu-name" name="display_name" autocomplete="off" />
          <fieldset><legend>Roles</legend>{ROLES.map((r) => <label class="radio" key={r}><input type="checkbox" name={`role-${r}`} defaultChecked={r === 'reviewer'} /> {r}</label>)}</fieldset>
          <button type="submit">Create user</button>
        </form>
      </section>
    </div>
  );
}
