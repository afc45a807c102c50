import { canvasToJpeg, grabFrame, openCamera } from '../camera.ts';
import type { Ctx } from '../context.ts';
import { loadHuman, SteadyTracker, type FaceState } from '../face-guide.ts';
import type { MessageKey } from '../i18n.ts';
import { announce, button, choice, show } from '../ui.ts';
import { captureView, showStill } from './capture-view.ts';
import { faceLoop } from './face-loop.ts';
import { reviewAndUpload } from './review.ts';

// Selfie: front camera, oval guide driven by Human, automatic shutter when one face is centred,
// steady, sharp, well lit and with open eyes. A manual button appears when Human cannot load, and after MANUAL_AFTER_MS
// anyway, so a detector that never agrees can never trap the user.

const MANUAL_AFTER_MS = 10_000;

const STATE_KEY: Record<FaceState, MessageKey> = {
  none: 'face.none',
  many: 'face.many',
  far: 'face.far',
  close: 'face.close',
  center: 'face.center',
  dark: 'face.dark',
  blur: 'face.blur',
  eyes_closed: 'face.eyesClosed',
  ok: 'face.hold',
};

/** Wait for auto-capture or the manual button; resolves with how the photo was taken. */
async function waitShutter(ctx: Ctx, video: HTMLVideoElement, feedback: HTMLElement, actions: HTMLElement, stage: HTMLElement): Promise<'auto' | 'manual'> {
  const { t } = ctx.i18n;
  const manual = button(t('selfie.capture'), () => {}, 'primary', { 'data-action': 'capture', class: 'btn btn-primary btn-shutter' });
  const showManual = (): void => {
    if (!manual.isConnected) actions.replaceChildren(manual);
  };
  const timer = setTimeout(showManual, MANUAL_AFTER_MS);
  feedback.textContent = t('face.loading');
  const human = await loadHuman();
  if (!human) {
    feedback.textContent = t('face.unavailable');
    announce(ctx.shell, t('face.unavailable'));
    showManual();
  }
  return new Promise((resolve) => {
    let loop: { stop(): void } | null = null;
    let lastState: FaceState | null = null;
    const done = (how: 'auto' | 'manual'): void => {
      loop?.stop();
      clearTimeout(timer);
      resolve(how);
    };
    // The manual shutter obeys the eyes gate too: a selfie with closed eyes cannot be matched.
    manual.addEventListener('click', () => {
      if (lastState !== 'eyes_closed') return done('manual');
      feedback.textContent = t('face.eyesClosed');
      announce(ctx.shell, t('face.eyesClosed'));
    });
    if (!human) return;
    const steady = new SteadyTracker();
    let previous = '';
    let announced = '';
    loop = faceLoop(human, video, ({ detection, state }) => {
      lastState = state;
      const msg = t(STATE_KEY[state]);
      feedback.textContent = msg;
      stage.dataset['face'] = state;
      // Screen readers hear a message only once it held for two detections: a face on the edge
      // of the oval would otherwise flip between "centre your face" and "hold still" every frame.
      if (msg === previous && msg !== announced) {
        announce(ctx.shell, msg);
        announced = msg;
      }
      previous = msg;
      if (steady.push(state, detection.faces[0])) done('auto');
    });
  });
}

export async function selfieStep(ctx: Ctx): Promise<void> {
  const { t } = ctx.i18n;
  for (;;) {
    const view = captureView(ctx, { screen: 'selfie', heading: t('selfie.heading'), hint: t('selfie.hint'), overlay: 'oval', mirror: true });
    show(ctx.shell, view.root);
    let cam;
    try {
      cam = await openCamera(view.video, 'user');
      ctx.reportClient(cam.label);
    } catch (e) {
      ctx.reportClient(null);
      throw e;
    }
    const how = await waitShutter(ctx, view.video, view.feedback, view.actions, view.stage);
    const canvas = grabFrame(view.video, 1280);
    cam.stop();
    if (how === 'auto') announce(ctx.shell, t('face.captured'));
    const blob = await canvasToJpeg(canvas);
    const revoke = showStill(view, blob, t('selfie.previewAlt'), true);
    const outcome = await reviewAndUpload(ctx, view, () => ctx.api.putImage('selfie', blob), null);
    revoke();
    if (outcome === 'used') return;
  }
}
