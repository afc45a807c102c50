import { ApiError, type CaptureSession } from '../api.ts';
import { readSessionEvents } from '../session-events.ts';
import type { Ctx } from '../context.ts';
import type { MessageKey } from '../i18n.ts';
import { announce, button, delay, h, show } from '../ui.ts';
import { doneScreen } from './done.ts';
import { showError } from './errors.ts';

// Desktop-to-phone hand-off (docs/embed.md). The desktop shows a QR code of a single-use link and
// polls the hand-off state; once the phone opened it the desktop only follows: the server pushes
// the session's view (GET /v1/capture/events, Server-Sent Events), the page ticks the steps the
// phone finished and ends (done screen / `completed` event) when the phone submits. When the stream
// cannot be used (a proxy that buffers it, an old server), the page polls the session instead.

/** Two small GETs every 2 s fit the capture rate limit (600 a minute per token) with room to spare. */
const POLL_MS = 2000;
/** Streams that failed in a row before the page stops trying and only polls. */
const STREAM_ATTEMPTS = 3;

/** The QR screen. 'back': the user continues on this device; 'followed': the phone finished. */
export async function handoffStep(ctx: Ctx): Promise<'back' | 'followed'> {
  const { t } = ctx.i18n;
  let back = false;
  for (;;) {
    const link = await ctx.api.createHandoff();
    const expires = new Date(link.expires_at);
    const qr = h('img', { class: 'qr', 'data-testid': 'handoff-qr', src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(link.qr_svg)}`, alt: t('handoff.qrAlt', { url: link.url }), width: 240, height: 240 });
    const status = h('p', { class: 'muted', 'data-testid': 'handoff-status' }, t('handoff.expires', { time: ctx.i18n.time(expires) }));
    const actions = h('div', { class: 'actions' });
    let renew = false;
    const backBtn = button(t('handoff.back'), () => { back = true; }, 'secondary', { 'data-action': 'handoff-back' });
    actions.append(backBtn);
    show(ctx.shell, h('section', { class: 'screen screen-handoff', 'data-screen': 'handoff' },
      h('h1', {}, t('handoff.heading')),
      h('p', {}, t('handoff.body')),
      h('div', { class: 'qr-box' }, qr),
      h('p', { class: 'handoff-link' }, h('a', { href: link.url, 'data-testid': 'handoff-url', rel: 'noreferrer', target: '_blank' }, link.url)),
      status,
      actions));
    for (;;) {
      if (back) return 'back';
      if (renew) break;
      if (Date.now() >= expires.getTime()) {
        status.textContent = t('handoff.expired');
        announce(ctx.shell, t('handoff.expired'));
        if (!actions.querySelector('[data-action="handoff-new"]')) actions.prepend(button(t('handoff.newCode'), () => { renew = true; }, 'primary', { 'data-action': 'handoff-new' }));
      } else {
        try {
          const st = await ctx.api.handoffState();
          if (st.state === 'opened') {
            await followPhone(ctx);
            return 'followed';
          }
        } catch (e) {
          // A dropped poll is retried on the next tick; only a closed session ends the wait.
          if (e instanceof ApiError && e.status < 500 && e.code !== 'rate_limited' && e.code !== 'network_error') throw e;
        }
      }
      await delay(POLL_MS);
    }
  }
}

/** Which artifacts make a step done (document: front, and back when the profile asks for it). */
function stepsDone(s: CaptureSession): Array<{ step: 'document' | 'selfie' | 'video'; done: boolean }> {
  const have = new Set(s.completed_steps);
  const out: Array<{ step: 'document' | 'selfie' | 'video'; done: boolean }> = [];
  for (const step of s.steps) {
    if (step === 'document') out.push({ step, done: have.has('document_front') && (!s.document_back_required || have.has('document_back')) });
    else if (step === 'selfie') out.push({ step, done: have.has('selfie') });
    else if (step === 'video' && s.video_mode === 'self_record') out.push({ step, done: have.has('video') });
  }
  return out;
}

const STEP_EVENTS = new Set(['document_front', 'document_back', 'selfie', 'video']);

const isOpen = (s: CaptureSession) => (s.status === 'pending' || s.status === 'in_progress') && !s.waiting_room;

/** The desktop after the phone took over: "document ✓ selfie ✓ video ✓", then done. */
export async function followPhone(ctx: Ctx): Promise<void> {
  const { t } = ctx.i18n;
  const list = h('ul', { class: 'checklist follow-list', 'data-testid': 'follow-steps' });
  const screen = h('section', { class: 'screen screen-message', 'data-screen': 'handoff-follow', 'data-follow': 'stream' },
    h('div', { class: 'spinner', 'aria-hidden': 'true' }),
    h('h1', {}, t('handoff.following')),
    h('p', {}, t('handoff.followBody')),
    list);
  show(ctx.shell, screen);
  let last = '';
  /** Shows a view; true once the session no longer takes captures (its end is then `last`). */
  const seen = (s: CaptureSession): boolean => {
    const steps = stepsDone(s);
    const text = steps.map((x) => `${x.step}:${x.done}`).join(',');
    if (text !== last) {
      last = text;
      list.replaceChildren(...steps.map((x) => h('li', { 'data-step': x.step, 'data-done': String(x.done), class: x.done ? 'done' : 'pending' },
        `${t(`handoff.step.${x.step}` as MessageKey)} ${x.done ? '✓' : '…'}`, h('span', { class: 'sr-only' }, ` ${t(x.done ? 'handoff.stepDone' : 'handoff.stepPending')}`))));
      // Same step names as on the device that captures: the artifact kinds.
      for (const kind of s.completed_steps) if (STEP_EVENTS.has(kind)) ctx.events.emit('step_completed', { step: kind });
      announce(ctx.shell, steps.filter((x) => x.done).map((x) => t(`handoff.step.${x.step}` as MessageKey)).join(', '));
    }
    return !isOpen(s);
  };
  const end = await follow(ctx, seen, () => screen.setAttribute('data-follow', 'poll'));
  // Canceled or expired while the phone was at it: say so here too, it is not a completion.
  if (end.status === 'canceled' || end.status === 'expired') {
    const kind = end.status === 'canceled' ? 'session_canceled' : 'session_expired';
    ctx.events.emit(end.status === 'canceled' ? 'canceled' : 'error', { code: kind, message: `session ${end.status}` });
    await showError(ctx.shell, ctx.i18n, kind, ctx.events.embedded ? null : end.redirect_url);
    return;
  }
  ctx.events.emit('completed', { session_id: end.session_id, status: end.status });
  return doneScreen(ctx, ctx.events.embedded ? null : end.redirect_url);
}

/**
 * Feeds `seen` with the session's views until it returns true; answers that last view. The stream
 * first (reconnected when the server ends it after its 10 minutes); after STREAM_ATTEMPTS failures
 * in a row, polling only (`polling` is called once, the screen records it for tests and support).
 */
async function follow(ctx: Ctx, seen: (s: CaptureSession) => boolean, polling: () => void): Promise<CaptureSession> {
  const at: { final: CaptureSession | null; views: number } = { final: null, views: 0 };
  const take = (s: CaptureSession) => {
    at.views++;
    if (seen(s)) at.final = s;
    return at.final !== null;
  };
  let failures = 0;
  for (;;) {
    if (failures < STREAM_ATTEMPTS) {
      at.views = 0;
      try {
        await readSessionEvents(ctx.api, take);
        if (at.final) return at.final;
        // Ended after its time limit: open the next one. Ended with nothing in it: something in
        // between closes streams, which counts as a failure (no tight reconnect loop).
        if (at.views > 0) {
          failures = 0;
          continue;
        }
      } catch {
        // counted below
      }
      if (++failures === STREAM_ATTEMPTS) polling();
    }
    try {
      if (take(await ctx.api.session()) && at.final) return at.final;
    } catch {
      // Keep following: the phone is unaffected by this page's network.
    }
    await delay(POLL_MS);
  }
}
