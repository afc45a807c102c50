import { openCamera, type Camera } from '../camera.ts';
import type { Ctx } from '../context.ts';
import { loadHuman } from '../face-guide.ts';
import { recordingSupported, startRecording } from '../recorder.ts';
import { announce, button, choice, delay, h, show } from '../ui.ts';
import { captureView, type CaptureView } from './capture-view.ts';
import { ChallengePrompter } from './challenges.ts';
import { uploadVideo } from './video-upload.ts';

// Self-record video: countdown, phrase on screen the whole time, server-issued challenges shown at
// their scheduled second with live feedback, automatic stop at video_max_duration, then a
// resumable upload with progress.

const COUNTDOWN_S = 3;
/** Leave the user this long after the last challenge appears before "Finish" is offered. */
const AFTER_LAST_CHALLENGE_S = 3;

/** The phrase to say, or null when the server scheduled none (challenges only). */
export function phraseText(ctx: Ctx): string | null {
  return ctx.session.phrase?.text || null;
}

interface Prompts {
  box: HTMLElement;
  challenge: HTMLElement;
  timer: HTMLElement;
  bar: HTMLElement;
}

function prompts(ctx: Ctx, view: CaptureView): Prompts {
  const { t } = ctx.i18n;
  const challenge = h('p', { class: 'challenge', 'data-testid': 'challenge' });
  const timer = h('p', { class: 'timer', 'data-testid': 'timer' });
  const bar = h('div', { class: 'timebar-fill' });
  const phrase = phraseText(ctx);
  const box = h(
    'div',
    { class: 'prompts' },
    phrase ? h('p', { class: 'say-label' }, t('video.say')) : null,
    phrase ? h('p', { class: ctx.session.phrase?.kind === 'digits' ? 'phrase digits' : 'phrase', 'data-testid': 'phrase' }, phrase) : null,
    challenge,
    h('div', { class: 'timebar', 'aria-hidden': 'true' }, bar),
    timer,
  );
  view.stage.after(box);
  return { box, challenge, timer, bar };
}

async function countdown(ctx: Ctx, view: CaptureView): Promise<void> {
  for (let n = COUNTDOWN_S; n > 0; n--) {
    const msg = ctx.i18n.t('video.countdown', { n });
    view.feedback.textContent = msg;
    view.stage.dataset['count'] = String(n);
    announce(ctx.shell, msg);
    await delay(1000);
  }
  delete view.stage.dataset['count'];
}

/** Record until the user finishes or the maximum duration; resolves with the file. */
async function record(ctx: Ctx, view: CaptureView, cam: Camera): Promise<Blob> {
  const { t } = ctx.i18n;
  const max = ctx.session.video_max_duration;
  const p = prompts(ctx, view);
  const prompter = new ChallengePrompter(ctx, p.challenge);
  const minFinish = prompter.minFinish(max, AFTER_LAST_CHALLENGE_S);
  view.root.classList.add('is-recording');
  await countdown(ctx, view);
  const rec = startRecording(cam.stream);
  const t0 = performance.now();
  view.stage.classList.add('recording');
  prompter.startFeedback(view.video);
  const finish = button(t('video.finish'), () => {}, 'primary', { 'data-action': 'finish', disabled: true });
  view.actions.replaceChildren(finish);
  const stopped = choice([{ el: finish, value: 'finish' as const }]);
  let userStop = false;
  void stopped.then(() => (userStop = true));
  view.feedback.textContent = '';
  for (let el = 0; !userStop && el < max; el = (performance.now() - t0) / 1000) {
    prompter.tick(el);
    p.timer.textContent = t('video.recording', { s: Math.max(0, Math.ceil(max - el)) });
    p.bar.style.width = `${Math.min(100, (el / max) * 100)}%`;
    if (el >= minFinish) finish.disabled = false;
    await Promise.race([delay(200), stopped]);
  }
  prompter.stop();
  view.stage.classList.remove('recording');
  const blob = await rec.stop();
  p.box.remove();
  view.root.classList.remove('is-recording');
  announce(ctx.shell, t('video.done'));
  return blob;
}

export async function videoStep(ctx: Ctx): Promise<void> {
  const { t } = ctx.i18n;
  if (!recordingSupported()) {
    show(ctx.shell, h('section', { class: 'screen screen-message', 'data-screen': 'error', 'data-error': 'unsupported' }, h('h1', {}, t('err.generic.title')), h('p', {}, t('video.unsupported'))));
    return new Promise(() => {});
  }
  void loadHuman();
  for (;;) {
    const view = captureView(ctx, { screen: 'video', heading: t('video.heading'), hint: t('video.intro', { seconds: ctx.session.video_max_duration }), overlay: 'oval', mirror: true });
    show(ctx.shell, view.root);
    let cam: Camera;
    try {
      cam = await openCamera(view.video, 'user', true);
      ctx.reportClient(cam.label, view.video);
    } catch (e) {
      ctx.reportClient(null);
      throw e;
    }
    view.feedback.textContent = '';
    const start = button(t('video.start'), () => {}, 'primary', { 'data-action': 'record', class: 'btn btn-primary btn-shutter' });
    view.actions.replaceChildren(start);
    await choice([{ el: start, value: 'start' as const }]);
    view.actions.replaceChildren();
    let blob: Blob;
    try {
      blob = await record(ctx, view, cam);
    } finally {
      cam.stop();
    }
    if ((await uploadVideo(ctx, blob)) === 'done') return;
  }
}
