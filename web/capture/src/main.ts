import { ApiError, CaptureApi, DEFAULT_PAGE_SETTINGS, type CaptureSession } from './api.ts';
import { collectClientInfo, measureFrameJitter } from './client-info.ts';
import { Halt, type Ctx } from './context.ts';
import { EmbedEvents } from './embed-events.ts';
import { createI18n, pickLang } from './i18n.ts';
import { consentStep } from './steps/consent.ts';
import { documentStep } from './steps/document.ts';
import { doneScreen, waitingRoom } from './steps/done.ts';
import { errorKind, showError, withRecovery, type ErrorKind } from './steps/errors.ts';
import { followPhone, handoffStep } from './steps/handoff.ts';
import { selfieStep } from './steps/selfie.ts';
import { videoStep } from './steps/video.ts';
import { applyBranding, mountShell, setProgress, type Shell } from './ui.ts';

// Entry point of the capture page: read the token from /capture/{token}, load the session, then
// run consent and only the steps of the session's profile, in its order, skipping the ones the
// server already has (a reload resumes where the user left off).

export function tokenFromPath(pathname: string): string | null {
  const m = /^\/capture\/([^/?#]+)\/?$/.exec(pathname);
  return m?.[1] ? decodeURIComponent(m[1]) : null;
}

interface Task {
  id: string;
  run(ctx: Ctx): Promise<void>;
}

export function plan(s: CaptureSession): Task[] {
  const done = new Set(s.completed_steps);
  const tasks: Task[] = [];
  for (const step of s.steps) {
    if (step === 'document') {
      if (!done.has('document') && !done.has('document_front')) tasks.push({ id: 'document_front', run: (c) => documentStep(c, 'front') });
      if (s.document_back_required && !done.has('document') && !done.has('document_back')) tasks.push({ id: 'document_back', run: (c) => documentStep(c, 'back') });
    }
    if (step === 'selfie' && !done.has('selfie')) tasks.push({ id: 'selfie', run: selfieStep });
    if (step === 'video' && s.video_mode === 'self_record' && !done.has('video')) tasks.push({ id: 'video', run: videoStep });
  }
  return tasks;
}

/** A session that can no longer take captures maps to the screen that explains why. */
function closedKind(status: string): ErrorKind | null {
  if (status === 'pending' || status === 'in_progress') return null;
  if (status === 'expired') return 'session_expired';
  if (status === 'canceled') return 'session_canceled';
  return 'session_already_completed';
}

async function loadSession(shell: Shell, api: CaptureApi): Promise<CaptureSession> {
  const en = createI18n(pickLang(undefined, navigator.languages ?? [navigator.language]));
  for (;;) {
    try {
      return await api.session();
    } catch (e) {
      // Before the session is known the browser language is our best guess for error screens.
      await showError(shell, en, errorKind(e));
    }
  }
}

async function finish(ctx: Ctx): Promise<void> {
  let redirect: string | null = ctx.session.redirect_url;
  let waiting = false;
  await withRecovery(ctx, async () => {
    try {
      let r;
      try {
        r = await ctx.api.complete(ctx.completeBody);
      } catch (e) {
        // The report only narrows the server's search; a server that refuses it (older or newer
        // contract) still verifies the whole video, so complete without it rather than fail the user.
        if (!(e instanceof ApiError && e.code === 'validation_failed' && ctx.completeBody)) throw e;
        console.warn('capture report refused', e.message);
        ctx.completeBody = null;
        r = await ctx.api.complete(null);
      }
      redirect = r.redirect_url;
      waiting = r.waiting_room === true;
      ctx.events.emit('completed', { session_id: r.session_id, status: r.status });
    } catch (e) {
      // A double tap or a retry after a lost response: the session is complete, which is the goal.
      if (!(e instanceof ApiError && e.code === 'session_already_completed')) throw e;
      waiting = ctx.session.video_mode === 'live_agent' && ctx.session.steps.includes('video');
    }
  });
  // live_agent: documents and selfie are in; the user now waits for the call (a later issue).
  if (waiting) return waitingRoom(ctx);
  // Embedded: the host page hears `completed` and decides where to go; the frame stays put.
  await doneScreen(ctx, ctx.events.embedded ? null : redirect);
}

export async function boot(root: HTMLElement): Promise<void> {
  const browserLang = pickLang(undefined, navigator.languages ?? [navigator.language]);
  const shell = mountShell(root, createI18n(browserLang).t('app.title'));
  const token = tokenFromPath(location.pathname);
  if (!token) return showError(shell, createI18n(browserLang), 'token_invalid');
  const api = new CaptureApi(token);
  const session = await loadSession(shell, api);
  // Both are optional for the flow: an older server (or a failed call) means no embedding events,
  // no upload fallback and no hand-off, never a blocked user.
  const [settings, handoff] = await Promise.all([api.pageSettings().catch(() => DEFAULT_PAGE_SETTINGS), api.handoffState().catch(() => null)]);
  const events = EmbedEvents.forWindow(settings.embed_origins);
  const i18n = createI18n(pickLang(session.language, []));
  document.documentElement.lang = i18n.lang;
  document.title = i18n.t('app.title');
  root.querySelector('.brand')!.textContent = i18n.t('app.title');
  applyBranding(root, settings.branding);
  let reported = false;
  let report: Promise<void> = Promise.resolve();
  const ctx: Ctx = {
    completeBody: null,
    api,
    session,
    i18n,
    shell,
    settings,
    events,
    reportClient(label, video) {
      if (reported) return;
      reported = true;
      // Fire and forget: risk signals must never block the user's capture (the jitter sample takes ≤ 1.5 s).
      report = (video ? measureFrameJitter(video) : Promise.resolve({}))
        .then((jitter) => api.clientInfo({ ...collectClientInfo(label), ...jitter }))
        .catch((e: unknown) => console.warn('client-info failed', e));
    },
    clientReported: () => report,
  };
  if (session.waiting_room && (session.status === 'pending' || session.status === 'in_progress')) return waitingRoom(ctx);
  const closed = closedKind(session.status);
  if (closed) {
    events.emit(closed === 'session_canceled' ? 'canceled' : 'error', { code: closed, message: `session ${session.status}` });
    return showError(shell, i18n, closed, events.embedded ? null : session.redirect_url);
  }
  // This device handed the session to a phone earlier (a reload): it can only follow.
  if (handoff?.state === 'opened' && !handoff.can_upload) return followPhone(ctx);
  const tasks = plan(session);
  // Offered on computers only (a touch screen as the main pointer is taken for a phone), and never
  // to a phone that arrived through a hand-off link: that is where the capture happens.
  const coarse = typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  const offerHandoff = handoff !== null && !handoff.is_handoff_device && !coarse;
  try {
    for (;;) {
      if ((await consentStep(ctx, { offerHandoff })) === 'start') break;
      let outcome = 'back' as 'back' | 'followed';
      await withRecovery(ctx, async () => {
        outcome = await handoffStep(ctx);
      });
      if (outcome === 'followed') return;
    }
    events.emit('started', { session_id: session.session_id });
    for (const [i, task] of tasks.entries()) {
      setProgress(shell, i18n.t('app.stepOf', { n: i + 1, total: tasks.length }));
      await withRecovery(ctx, () => task.run(ctx));
      events.emit('step_completed', { step: task.id });
    }
    setProgress(shell, '');
    await finish(ctx);
  } catch (e) {
    if (!(e instanceof Halt)) throw e;
  }
}

const root = typeof document !== 'undefined' ? document.getElementById('app') : null;
if (root) void boot(root);
