import { CameraError, canvasToJpeg, grabFrame, openCamera } from '../camera.ts';
import type { Ctx } from '../context.ts';
import type { MessageKey } from '../i18n.ts';
import { assess, type Quality } from '../quality.ts';
import { announce, button, choice, show } from '../ui.ts';
import { captureView, showStill } from './capture-view.ts';
import { documentUploadStep } from './document-upload.ts';
import { reviewAndUpload } from './review.ts';

// Document photo (front or back): rear camera, card-shaped frame, live blur/glare/darkness hints
// (advisory, see quality.ts), manual shutter, preview with retake. With the project's
// document_upload_fallback a file input replaces a camera that fails, or is offered beside it.

const QUALITY_EVERY_MS = 400;

function qualityMessage(ctx: Ctx, q: Quality): string {
  const issue = q.issues[0];
  return ctx.i18n.t(issue ? (`quality.${issue}` as MessageKey) : 'quality.ok');
}

export async function documentStep(ctx: Ctx, side: 'front' | 'back'): Promise<void> {
  const { t } = ctx.i18n;
  for (;;) {
    const view = captureView(ctx, { screen: `document-${side}`, heading: t(side === 'front' ? 'doc.frontHeading' : 'doc.backHeading'), hint: t('doc.hint'), overlay: 'card', mirror: false });
    show(ctx.shell, view.root);
    let cam;
    try {
      cam = await openCamera(view.video, 'environment');
      ctx.reportClient(cam.label, view.video);
    } catch (e) {
      ctx.reportClient(null);
      if (e instanceof CameraError && ctx.settings.document_upload_fallback !== 'off') return documentUploadStep(ctx, side, true);
      throw e;
    }
    let last = '';
    let lastQuality: Quality | null = null;
    const timer = setInterval(() => {
      lastQuality = assess(view.video);
      const msg = qualityMessage(ctx, lastQuality);
      view.feedback.textContent = msg;
      view.feedback.classList.toggle('warn', lastQuality.issues.length > 0);
      if (msg !== last) announce(ctx.shell, msg);
      last = msg;
    }, QUALITY_EVERY_MS);
    const shoot = button(t('doc.capture'), () => {}, 'primary', { 'data-action': 'capture', class: 'btn btn-primary btn-shutter' });
    const always = ctx.settings.document_upload_fallback === 'always';
    const upload = always ? button(t('doc.uploadInstead'), () => {}, 'secondary', { 'data-action': 'upload-instead' }) : null;
    view.actions.replaceChildren(shoot, ...(upload ? [upload] : []));
    const picked = await choice([{ el: shoot, value: 'shoot' as const }, ...(upload ? [{ el: upload, value: 'upload' as const }] : [])]);
    clearInterval(timer);
    if (picked === 'upload') {
      cam.stop();
      return documentUploadStep(ctx, side, false);
    }
    const canvas = grabFrame(view.video, 1920);
    cam.stop();
    const q = assess(canvas);
    const blob = await canvasToJpeg(canvas);
    const revoke = showStill(view, blob, t('doc.previewAlt'), false);
    const warning = q.issues.length ? `${qualityMessage(ctx, q)} ${t('doc.qualityWarn')}` : null;
    const outcome = await reviewAndUpload(ctx, view, () => ctx.api.putImage(side === 'front' ? 'document/front' : 'document/back', blob), warning);
    revoke();
    if (outcome === 'used') return;
  }
}
