import type { Ctx } from '../context.ts';
import { announce, delay, h, show } from '../ui.ts';

// Final screens. The redirect waits a few seconds so the user (and a screen reader) can read the
// result first; a link allows going on at once.

const REDIRECT_AFTER_S = 5;

/** Only http(s) redirects: the URL comes from the tenant's configuration, not from the user. */
export function safeRedirect(url: string | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url, location.href);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}

export async function doneScreen(ctx: Ctx, redirectUrl: string | null, navigate: (url: string) => void = (u) => location.assign(u)): Promise<void> {
  const { t } = ctx.i18n;
  const url = safeRedirect(redirectUrl);
  const countdown = h('p', { class: 'muted', 'data-testid': 'redirect-countdown' });
  show(
    ctx.shell,
    h(
      'section',
      { class: 'screen screen-message', 'data-screen': 'done' },
      h('div', { class: 'icon icon-ok', 'aria-hidden': 'true' }, '✓'),
      h('h1', {}, t('done.heading')),
      h('p', {}, t('done.body')),
      url ? countdown : h('p', { class: 'muted' }, t('done.close')),
      url ? h('div', { class: 'actions' }, h('a', { class: 'btn btn-primary', href: url, 'data-action': 'continue' }, t('done.continue'))) : null,
    ),
  );
  announce(ctx.shell, `${t('done.heading')}. ${t('done.body')}`);
  if (!url) return;
  for (let n = REDIRECT_AFTER_S; n > 0; n--) {
    countdown.textContent = t('done.redirect', { n });
    await delay(1000);
  }
  navigate(url);
}

/**
 * live_agent sessions: the queue and the call live on the call page (/capture/call/<token>, web/calls),
 * which shows the position, the wait and the call itself. `replace`: Back must not return here.
 */
export async function waitingRoom(ctx: Ctx, go: (url: string) => void = (u) => location.replace(u)): Promise<void> {
  // The device report (risk signals) is still on its way after the selfie: leaving would cancel it.
  await Promise.race([ctx.clientReported(), delay(3000)]);
  go(`/capture/call/${encodeURIComponent(ctx.api.token)}`);
}
