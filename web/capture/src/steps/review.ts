import { ApiError, type Artifact } from '../api.ts';
import type { Ctx } from '../context.ts';
import type { MessageKey } from '../i18n.ts';
import { announce, button, choice } from '../ui.ts';
import type { CaptureView } from './capture-view.ts';

// Review a still (retake / use) and upload it. Rejections the user can fix by retaking (no face,
// unreadable document, unreadable file, and every upload quality gate of the server:
// src/sessions/image-quality.ts) stay on this screen with their own sentence; anything else
// propagates to the step's error screen.

export const RETAKE_CODES: ReadonlySet<string> = new Set([
  'no_face', 'multiple_faces', 'face_too_small', 'no_document', 'document_unreadable', 'multiple_documents', 'media_unreadable', 'not_an_image', 'image_too_large', 'unsupported_media_type', 'payload_too_large',
  'image_blurry', 'image_glare', 'selfie_eyes_closed',
]);

export function rejectionMessage(ctx: Ctx, code: string): string {
  const key = `err.rejected.${code}` as MessageKey;
  // t() gives undefined for a code without its own sentence (e.g. unsupported_media_type).
  const s = ctx.i18n.t(key) as string | undefined;
  return !s || s === key ? ctx.i18n.t('err.rejected.generic') : s;
}

/** 'use' after a successful upload, 'retake' when the user (or the server) asks for another photo. */
export async function reviewAndUpload(ctx: Ctx, view: CaptureView, upload: () => Promise<Artifact>, warning: string | null, retakeKey: MessageKey = 'doc.retake'): Promise<'used' | 'retake'> {
  const { t } = ctx.i18n;
  view.feedback.textContent = warning ?? '';
  view.feedback.classList.toggle('warn', !!warning);
  if (warning) announce(ctx.shell, warning);
  for (;;) {
    const retake = button(t(retakeKey), () => {}, 'secondary', { 'data-action': 'retake' });
    const use = button(t('doc.use'), () => {}, 'primary', { 'data-action': 'use' });
    view.actions.replaceChildren(retake, use);
    use.focus();
    const what = await choice([
      { el: retake, value: 'retake' as const },
      { el: use, value: 'use' as const },
    ]);
    if (what === 'retake') return 'retake';
    use.disabled = true;
    retake.disabled = true;
    use.setAttribute('aria-busy', 'true');
    view.feedback.classList.remove('warn');
    view.feedback.textContent = t('upload.sendingPhoto');
    announce(ctx.shell, t('upload.sendingPhoto'));
    try {
      await upload();
      return 'used';
    } catch (e) {
      if (e instanceof ApiError && RETAKE_CODES.has(e.code)) {
        const msg = rejectionMessage(ctx, e.code);
        view.feedback.textContent = msg;
        view.feedback.classList.add('warn');
        announce(ctx.shell, msg);
        return waitRetake(ctx, view, retakeKey);
      }
      throw e;
    }
  }
}

async function waitRetake(ctx: Ctx, view: CaptureView, retakeKey: MessageKey): Promise<'retake'> {
  const retake = button(ctx.i18n.t(retakeKey), () => {}, 'primary', { 'data-action': 'retake' });
  view.actions.replaceChildren(retake);
  retake.focus();
  return choice([{ el: retake, value: 'retake' as const }]);
}
