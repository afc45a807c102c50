import { ApiError } from '../api.ts';
import { CameraError } from '../camera.ts';
import { Halt, type Ctx } from '../context.ts';
import type { I18n, MessageKey } from '../i18n.ts';
import { button, h, show, type Shell } from '../ui.ts';
import { followPhone } from './handoff.ts';

// Every failure ends on a screen that says what to do next. Retrying helps for camera, network
// and rate-limit problems; it cannot help an expired, canceled or finished session, so those
// screens have no Retry (only a way back when the session has a redirect URL).

export type ErrorKind =
  | 'camera_denied'
  | 'camera_missing'
  | 'session_expired'
  | 'session_already_completed'
  | 'session_canceled'
  | 'token_invalid'
  | 'network'
  | 'rate_limited'
  | 'generic';

export function errorKind(e: unknown): ErrorKind {
  if (e instanceof CameraError) return e.kind;
  if (!(e instanceof ApiError)) return 'generic';
  switch (e.code) {
    case 'session_expired':
    case 'capture_token_expired':
      return 'session_expired';
    case 'session_already_completed':
      return 'session_already_completed';
    case 'session_canceled':
      return 'session_canceled';
    case 'capture_token_invalid':
    case 'unauthorized':
      return 'token_invalid';
    case 'rate_limited':
      return 'rate_limited';
    case 'network_error':
      return 'network';
    default:
      return e.status >= 500 ? 'network' : 'generic';
  }
}

const RETRYABLE: ReadonlySet<ErrorKind> = new Set(['camera_denied', 'camera_missing', 'network', 'rate_limited', 'generic']);

export function isRetryable(kind: ErrorKind): boolean {
  return RETRYABLE.has(kind);
}

/** Show the error screen; resolves when the user presses Retry (never, for terminal errors). */
export function showError(shell: Shell, i18n: I18n, kind: ErrorKind, redirectUrl: string | null = null): Promise<void> {
  const t = i18n.t;
  return new Promise((resolve) => {
    const actions: HTMLElement[] = [];
    if (isRetryable(kind)) actions.push(button(t('common.retry'), () => resolve(), 'primary', { 'data-action': 'retry' }));
    else if (redirectUrl) actions.push(h('a', { class: 'btn btn-primary', href: redirectUrl }, t('done.continue')));
    show(
      shell,
      h(
        'section',
        { class: 'screen screen-message', 'data-screen': 'error', 'data-error': kind },
        h('div', { class: 'icon icon-warn', 'aria-hidden': 'true' }, '!'),
        h('h1', {}, t(`err.${kind}.title` as MessageKey)),
        h('p', {}, t(`err.${kind}.body` as MessageKey)),
        h('div', { class: 'actions' }, ...actions),
      ),
    );
  });
}

/** Run a step; on failure show the matching screen and retry it when the user asks. */
export async function withRecovery(ctx: Ctx, run: () => Promise<void>): Promise<void> {
  for (;;) {
    try {
      return await run();
    } catch (e) {
      if (e instanceof Halt) throw e;
      // The user came back to this computer after the phone had opened the hand-off link: the
      // phone holds the capture now, so this page follows it instead of showing an error.
      if (e instanceof ApiError && e.code === 'capture_handed_off') {
        await followPhone(ctx);
        throw new Halt('handed off');
      }
      console.warn('step failed', e);
      const kind = errorKind(e);
      const message = e instanceof Error ? e.message : String(e);
      ctx.events.emit(kind === 'session_canceled' ? 'canceled' : 'error', { code: kind, message });
      // Embedded, the host page leaves on the `error` event: no link out of the frame.
      await showError(ctx.shell, ctx.i18n, kind, ctx.events.embedded ? null : ctx.session.redirect_url);
    }
  }
}
