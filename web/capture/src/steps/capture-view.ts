import type { Ctx } from '../context.ts';
import { h } from '../ui.ts';

// The camera screen skeleton shared by the document, selfie and video steps: heading, hint, a
// preview with an overlay (card frame or face oval), a feedback line and an action row.

export interface CaptureView {
  root: HTMLElement;
  video: HTMLVideoElement;
  stage: HTMLElement;
  feedback: HTMLElement;
  actions: HTMLElement;
  hint: HTMLElement;
}

export function captureView(ctx: Ctx, opts: { screen: string; heading: string; hint: string; overlay: 'card' | 'oval'; mirror: boolean }): CaptureView {
  const video = h('video', { class: opts.mirror ? 'preview mirror' : 'preview', autoplay: true, muted: true, playsinline: true, 'aria-label': ctx.i18n.t('camera.preview') });
  const overlay = opts.overlay === 'card' ? h('div', { class: 'overlay-card', 'aria-hidden': 'true' }) : h('div', { class: 'overlay-oval', 'aria-hidden': 'true' });
  const stage = h('div', { class: `stage stage-${opts.overlay}` }, video, overlay);
  // Feedback changes several times a second; it is announced through the shell's live region only
  // when the message changes, so this element itself is not live (no chatter for screen readers).
  const feedback = h('p', { class: 'feedback', 'data-testid': 'feedback' }, ctx.i18n.t('camera.starting'));
  const actions = h('div', { class: 'actions' });
  const hint = h('p', { class: 'hint' }, opts.hint);
  const root = h('section', { class: 'screen screen-capture', 'data-screen': opts.screen }, h('h1', {}, opts.heading), hint, stage, feedback, actions);
  return { root, video, stage, feedback, actions, hint };
}

/** Replace the live preview with a still image for review. */
export function showStill(view: CaptureView, blob: Blob, alt: string, mirror: boolean): () => void {
  const url = URL.createObjectURL(blob);
  const img = h('img', { class: mirror ? 'still mirror' : 'still', src: url, alt });
  view.stage.replaceChildren(img);
  return () => URL.revokeObjectURL(url);
}
