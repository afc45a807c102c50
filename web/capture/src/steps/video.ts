import type { CompleteBody } from '../api.ts';
import { openCamera, type Camera } from '../camera.ts';
import type { Ctx } from '../context.ts';
import { loadHuman } from '../face-guide.ts';
import { recordingSupported, startRecording } from '../recorder.ts';
import { micLevel, SpeechPause } from '../speech-pause.ts';
import { announce, button, choice, delay, h, show } from '../ui.ts';
import { captureView, type CaptureView } from './capture-view.ts';
import { ChallengeRunner } from './challenges.ts';
import { phraseText, recordingPrompts, type RecordingPrompts } from './recording-prompts.ts';
import { uploadVideo } from './video-upload.ts';

// Self-record video. The phrase is on screen before recording starts ("You will say: …") and until
// the user says they are done (button) or stops speaking; then the server's challenges, one at a
// time, each waiting for the user (challenges.ts); recording stops by itself once everything is
// done ("All done — sending…"), at video_max_duration at the latest. What the page saw and when
// goes to `complete` as ctx.completeBody (docs/capture-api.md).

const COUNTDOWN_S = 3;
/** Never move on from the phrase by voice alone sooner than this: nobody reads and says it faster. */
const MIN_PHRASE_S = 2;
/** Keep recording this long after the last "Done ✓": the server looks up to 1.5 s past seen_at. */
const END_TAIL_S = 1.5;
/** Loop period: fine enough for the contract's times (a camera frame is 33–125 ms). */
const TICK_MS = 150;

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

type Phase = 'phrase' | 'challenges' | 'ending';

/** Why "Finish" is not available yet, in the user's words (empty once it is). */
function finishWhy(ctx: Ctx, phase: Phase, remaining: number): string {
  if (phase === 'ending') return '';
  if (phase === 'phrase') return ctx.i18n.t(remaining ? 'video.finishWhy.phraseThen' : 'video.finishWhy.phrase', { n: remaining });
  return ctx.i18n.t('video.finishWhy.challenges', { n: remaining });
}

/** Record until everything is done, the user finishes, or the maximum duration. */
async function record(ctx: Ctx, view: CaptureView, cam: Camera, p: RecordingPrompts): Promise<{ blob: Blob; body: CompleteBody }> {
  const { t } = ctx.i18n;
  const max = ctx.session.video_max_duration;
  view.root.classList.add('is-recording');
  await countdown(ctx, view);
  const rec = startRecording(cam.stream);
  const t0 = performance.now();
  const clock = (): number => (performance.now() - t0) / 1000;
  const runner = new ChallengeRunner(ctx, clock);
  runner.watchFrom(view.video);
  view.stage.classList.add('recording');
  p.recording();
  view.feedback.textContent = '';
  const hasPhrase = phraseText(ctx) !== null;
  let phase: Phase = hasPhrase ? 'phrase' : 'challenges';
  const phraseWindow = hasPhrase ? { from: 0, to: 0 } : null;
  let challengesFrom = 0;
  let endAt = Infinity;
  const mic = hasPhrase ? micLevel(cam.stream) : null;
  const pause = new SpeechPause();
  let saidIt = false;
  let userStop = false;
  const said = button(t('video.phraseDone'), () => (saidIt = true), 'primary', { 'data-action': 'phrase-done' });
  const finish = button(t('video.finish'), () => (userStop = true), hasPhrase ? 'secondary' : 'primary', { 'data-action': 'finish', disabled: true, 'aria-describedby': 'finish-why' });
  view.actions.replaceChildren(...(hasPhrase ? [said, finish] : [finish]));
  view.actions.after(p.finishWhy);
  for (let el = 0; !userStop && el < max; el = clock()) {
    if (phase === 'phrase' && (saidIt || (el >= MIN_PHRASE_S && mic !== null && pause.push(mic.level(), el)))) {
      // The server requires to > from (a tap in the very first tick would otherwise send 0 → 0).
      phraseWindow!.to = Math.max(0.01, round(el));
      phase = 'challenges';
      challengesFrom = el;
      p.phraseDone();
      said.remove();
      finish.className = 'btn btn-primary';
    }
    if (phase === 'challenges') {
      if (!runner.types.length) phase = 'ending';
      else if (!runner.ready(el - challengesFrom)) p.waitingForFace(runner.loading);
      else {
        const v = runner.sequence(el).tick(el);
        p.challenge(v);
        if (v.phase === 'finished') phase = 'ending';
      }
      if (phase === 'ending') {
        endAt = el + END_TAIL_S;
        // Nothing left to press: the recording stops by itself in a moment.
        view.actions.replaceChildren();
        p.allDone();
        announce(ctx.shell, t('video.allDone'));
      }
    }
    if (phase === 'ending' && el >= endAt) break;
    const why = finishWhy(ctx, phase, runner.remaining);
    p.finishWhy.textContent = why;
    finish.disabled = why !== '';
    p.timer.textContent = t('video.recording', { s: Math.max(0, Math.ceil(max - el)) });
    p.bar.style.width = `${Math.min(100, (el / max) * 100)}%`;
    await delay(TICK_MS);
  }
  const end = clock();
  runner.stop();
  mic?.close();
  if (phraseWindow && phase === 'phrase') phraseWindow.to = Math.max(0.01, round(end));
  view.stage.classList.remove('recording');
  const blob = await rec.stop();
  p.box.remove();
  p.finishWhy.remove();
  view.root.classList.remove('is-recording');
  announce(ctx.shell, t('video.done'));
  return { blob, body: { phrase_window: phraseWindow, challenge_events: runner.events.map((e) => ({ ...e })) } };
}

const round = (x: number): number => Math.round(x * 100) / 100;

export async function videoStep(ctx: Ctx): Promise<void> {
  const { t } = ctx.i18n;
  if (!recordingSupported()) {
    show(ctx.shell, h('section', { class: 'screen screen-message', 'data-screen': 'error', 'data-error': 'unsupported' }, h('h1', {}, t('err.generic.title')), h('p', {}, t('video.unsupported'))));
    return new Promise(() => {});
  }
  void loadHuman();
  for (;;) {
    const view = captureView(ctx, { screen: 'video', heading: t('video.heading'), hint: t(phraseText(ctx) ? 'video.intro' : 'video.introNoPhrase', { seconds: ctx.session.video_max_duration }), overlay: 'oval', mirror: true });
    show(ctx.shell, view.root);
    // The phrase is readable from the first moment, while the camera starts and before recording.
    const prompts = recordingPrompts(ctx, view);
    let cam: Camera;
    try {
      cam = await openCamera(view.video, 'user', true);
      ctx.reportClient(cam.label);
    } catch (e) {
      ctx.reportClient(null);
      throw e;
    }
    view.feedback.textContent = '';
    const start = button(t('video.start'), () => {}, 'primary', { 'data-action': 'record', class: 'btn btn-primary btn-shutter' });
    view.actions.replaceChildren(start);
    await choice([{ el: start, value: 'start' as const }]);
    view.actions.replaceChildren();
    let out: { blob: Blob; body: CompleteBody };
    try {
      out = await record(ctx, view, cam, prompts);
    } finally {
      cam.stop();
    }
    if ((await uploadVideo(ctx, out.blob)) === 'done') {
      ctx.completeBody = out.body;
      return;
    }
  }
}
