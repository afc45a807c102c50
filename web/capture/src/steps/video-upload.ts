import { ApiError } from '../api.ts';
import type { Ctx } from '../context.ts';
import { announce, button, choice, h, show } from '../ui.ts';
import { resumableUpload, type UploadState } from '../uploader.ts';
import { rejectionMessage } from './review.ts';

// Upload screen: progress bar (role=progressbar for screen readers), automatic resume on short
// network drops, and a Retry button that resumes from the server's offset after longer ones.

/** Codes that mean "this recording cannot be used": record again instead of retrying the upload. */
const RERECORD = new Set(['video_too_long', 'media_unreadable', 'unsupported_media_type', 'payload_too_large']);

export async function uploadVideo(ctx: Ctx, blob: Blob): Promise<'done' | 'rerecord'> {
  const { t } = ctx.i18n;
  const state: UploadState = { uploadId: null, offset: 0 };
  const fill = h('div', { class: 'bar-fill' });
  const bar = h('div', { class: 'bar', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0', 'aria-label': t('upload.heading') }, fill);
  const label = h('p', { class: 'bar-label', 'data-testid': 'upload-progress' }, t('upload.progress', { pct: 0 }));
  const note = h('p', { class: 'feedback' });
  const actions = h('div', { class: 'actions' });
  show(ctx.shell, h('section', { class: 'screen screen-upload', 'data-screen': 'upload' }, h('h1', {}, t('upload.heading')), bar, label, note, actions));
  let lastPct = -1;
  const onProgress = (sent: number, total: number): void => {
    const pct = total ? Math.floor((sent / total) * 100) : 0;
    if (pct === lastPct) return;
    lastPct = pct;
    fill.style.width = `${pct}%`;
    bar.setAttribute('aria-valuenow', String(pct));
    label.textContent = t('upload.progress', { pct });
    note.textContent = '';
    // Announce in 25 % steps: every percent would flood a screen reader.
    if (pct % 25 === 0) announce(ctx.shell, label.textContent);
  };
  for (;;) {
    try {
      await resumableUpload({ token: ctx.api.token, base: ctx.api.base, blob, contentType: blob.type || 'video/webm', state, onProgress, onRetry: () => (note.textContent = t('upload.retrying')) });
      return 'done';
    } catch (e) {
      if (e instanceof ApiError && RERECORD.has(e.code)) {
        note.textContent = e.code === 'video_too_long' ? t('err.video_too_long') : rejectionMessage(ctx, e.code);
        announce(ctx.shell, note.textContent);
        const again = button(t('video.start'), () => {}, 'primary', { 'data-action': 'rerecord' });
        actions.replaceChildren(again);
        again.focus();
        await choice([{ el: again, value: 'x' as const }]);
        return 'rerecord';
      }
      const retryable = !(e instanceof ApiError) || e.code === 'network_error' || e.status >= 500 || e.status === 429 || e.code === 'upload_offset_mismatch' || e.code === 'upload_not_found';
      if (!retryable) throw e;
      if (e instanceof ApiError && e.code === 'upload_not_found') state.uploadId = null;
      note.textContent = t('upload.failed');
      note.classList.add('warn');
      announce(ctx.shell, t('upload.failed'));
      const retry = button(t('common.retry'), () => {}, 'primary', { 'data-action': 'retry' });
      actions.replaceChildren(retry);
      retry.focus();
      await choice([{ el: retry, value: 'retry' as const }]);
      actions.replaceChildren();
      note.classList.remove('warn');
      note.textContent = '';
    }
  }
}
