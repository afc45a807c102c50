import type { Ctx } from '../context.ts';
import { h, show } from '../ui.ts';
import { captureView, showStill } from './capture-view.ts';
import { reviewAndUpload } from './review.ts';

// Photo-upload fallback of the document steps (project setting document_upload_fallback): a file
// input instead of the camera. The file goes through the same PUT as a camera still, so the server
// sniffs, decodes and gates it exactly like one (it is never trusted for being a "photo").

/** The server's default MAX_IMAGE_BYTES (src/config/config.ts); checked here only to spare a doomed upload. */
export const MAX_UPLOAD_BYTES = 15 * 1024 * 1024;
const MB = Math.round(MAX_UPLOAD_BYTES / (1024 * 1024));

function pickFile(input: HTMLInputElement): Promise<File> {
  return new Promise((resolve) => {
    input.addEventListener('change', () => {
      const f = input.files?.[0];
      if (f) resolve(f);
    });
  });
}

/** Resolves once a photo of this side is stored. `cameraFailed`: say why the camera is not offered. */
export async function documentUploadStep(ctx: Ctx, side: 'front' | 'back', cameraFailed: boolean): Promise<void> {
  const { t } = ctx.i18n;
  for (;;) {
    const view = captureView(ctx, { screen: `document-${side}`, heading: t(side === 'front' ? 'doc.frontHeading' : 'doc.backHeading'), hint: t('doc.uploadHint', { mb: MB }), overlay: 'card', mirror: false });
    view.root.dataset.mode = 'upload';
    const input = h('input', { type: 'file', accept: 'image/*', id: `doc-file-${side}`, class: 'file-input', 'data-testid': 'document-file' });
    const label = h('label', { class: 'btn btn-primary file-label', for: input.id }, t('doc.chooseFile'));
    view.stage.replaceChildren(h('div', { class: 'upload-drop' }, input, label));
    view.feedback.textContent = cameraFailed ? t('doc.cameraUnavailable') : '';
    show(ctx.shell, view.root);
    let file: File;
    for (;;) {
      file = await pickFile(input);
      if (file.size <= MAX_UPLOAD_BYTES) break;
      view.feedback.textContent = t('doc.fileTooLarge', { mb: MB });
      view.feedback.classList.add('warn');
      input.value = '';
    }
    const revoke = showStill(view, file, t('doc.previewAlt'), false);
    const outcome = await reviewAndUpload(ctx, view, () => ctx.api.putImage(side === 'front' ? 'document/front' : 'document/back', file), null, 'doc.chooseAnother');
    revoke();
    if (outcome === 'used') return;
  }
}
