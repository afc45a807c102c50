import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, post } from './api.ts';

// The screens before the dashboard: sign-in (password, then a TOTP code when the account has one),
// choosing one's own password after a one-time one, and enrolling an authenticator app. Nothing of
// the sessions is rendered behind them.

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function SignIn({ onDone }: { onDone: () => void }) {
  const [needTotp, setNeedTotp] = useState(false);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const totpRef = useRef<HTMLInputElement>(null);
  useEffect(() => { if (needTotp) totpRef.current?.focus(); }, [needTotp]);
  async function submit(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const body: Record<string, string> = { login: String(f.get('login')), password: String(f.get('password')) };
    const code = String(f.get('totp_code') ?? '').trim();
    if (code) body.totp_code = code;
    setBusy(true);
    try {
      await post('/login', body);
      setError('');
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'totp_required') { setNeedTotp(true); setError(''); }
      else setError(errText(err));
    } finally { setBusy(false); }
  }
  return (
    <main class="narrow" id="login">
      <h1 class="brand">vkyc <span>reviews</span></h1>
      <section class="card" aria-labelledby="login-title">
        <h2 id="login-title">Sign in</h2>
        <form id="login-form" onSubmit={submit} noValidate={false}>
          <label for="login-name">Login</label>
          <input id="login-name" name="login" autocomplete="username" required autoFocus />
          <label for="login-password">Password</label>
          <input id="login-password" name="password" type="password" autocomplete="current-password" required />
          {needTotp && (
            <div id="totp-field">
              <label for="login-totp">6-digit code from your authenticator app</label>
              <input id="login-totp" ref={totpRef} name="totp_code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required />
            </div>
          )}
          <button type="submit" disabled={busy}>{needTotp ? 'Verify and sign in' : 'Sign in'}</button>
          <p id="login-error" class="error" role="alert">{error}</p>
        </form>
        <p class="muted small">No account yet? The operator creates one with <code>vkyc users create</code>, or an administrator from Settings.</p>
      </section>
    </main>
  );
}

export function NewPassword({ onDone }: { onDone: () => void }) {
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    if (f.get('new_password') !== f.get('again')) { setError('The two new passwords differ.'); return; }
    try {
      await post('/me/password', { current_password: f.get('current_password'), new_password: f.get('new_password') });
      onDone();
    } catch (err) { setError(errText(err)); }
  }
  return (
    <main class="narrow" id="password">
      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title">Choose a new password</h2>
        <p>Your password was set by an administrator and works once. Choose your own: at least 12 characters, not containing your login.</p>
        <form id="password-form" onSubmit={submit}>
          <label for="pw-current">Current (one-time) password</label>
          <input id="pw-current" name="current_password" type="password" autocomplete="current-password" required autoFocus />
          <label for="pw-new">New password</label>
          <input id="pw-new" name="new_password" type="password" autocomplete="new-password" minLength={12} required />
          <label for="pw-again">New password again</label>
          <input id="pw-again" name="again" type="password" autocomplete="new-password" minLength={12} required />
          <button type="submit">Save password</button>
          <p id="password-error" class="error" role="alert">{error}</p>
        </form>
      </section>
    </main>
  );
}

export function TotpEnrol({ required, onDone }: { required: boolean; onDone: () => void }) {
  const [t, setT] = useState<{ secret: string; otpauth_uri: string } | null>(null);
  const [error, setError] = useState('');
  useEffect(() => { post<{ secret: string; otpauth_uri: string }>('/me/totp').then(setT, (e: unknown) => setError(errText(e))); }, []);
  async function submit(e: Event) {
    e.preventDefault();
    const code = String(new FormData(e.currentTarget as HTMLFormElement).get('code'));
    try { await post('/me/totp/confirm', { code }); onDone(); } catch (err) { setError(errText(err)); }
  }
  return (
    <main class="narrow" id="totp">
      <section class="card" aria-labelledby="totp-title">
        <h2 id="totp-title">Set up two-factor sign-in</h2>
        {required && <p id="totp-why">This project requires a second factor at sign-in.</p>}
        <p>Add this key to an authenticator app (open the link, or type the key by hand), then enter the 6-digit code it shows.</p>
        {t && <>
          <p><a id="totp-uri" href={t.otpauth_uri}>Open in authenticator app</a></p>
          <p>Key: <code id="totp-secret" class="mono">{t.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
        </>}
        <form id="totp-form" onSubmit={submit}>
          <label for="totp-code">Code</label>
          <input id="totp-code" name="code" inputMode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required autoFocus />
          <div class="row">
            <button type="submit">Turn on</button>
            {!required && <button id="totp-cancel" type="button" class="secondary" onClick={onDone}>Later</button>}
          </div>
          <p id="totp-error" class="error" role="alert">{error}</p>
        </form>
      </section>
    </main>
  );
}
