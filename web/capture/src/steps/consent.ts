import type { Ctx } from '../context.ts';
import { button, h, show } from '../ui.ts';

/**
 * Welcome + consent: what is captured, why, how long it is kept. Resolves 'start' when the user
 * agrees, or 'handoff' when they choose to continue on a phone (the phone asks for consent itself).
 */
export function consentStep(ctx: Ctx, opts: { offerHandoff: boolean } = { offerHandoff: false }): Promise<'start' | 'handoff'> {
  const { t } = ctx.i18n;
  const s = ctx.session;
  const items: string[] = [];
  if (s.steps.includes('document')) items.push(t(s.document_back_required ? 'consent.documentBack' : 'consent.document'));
  if (s.steps.includes('selfie')) items.push(t('consent.selfie'));
  if (s.steps.includes('video')) items.push(t(s.video_mode === 'live_agent' ? 'consent.live' : 'consent.video'));
  const expires = s.expires_at ? new Date(s.expires_at) : null;

  return new Promise((resolve) => {
    const box = h('input', { type: 'checkbox', id: 'agree', 'data-testid': 'consent-checkbox' });
    const err = h('p', { class: 'field-error', id: 'agree-error', role: 'alert' });
    const start = button(t('consent.start'), () => {
      if (!box.checked) {
        err.textContent = t('consent.mustAgree');
        box.setAttribute('aria-invalid', 'true');
        box.setAttribute('aria-describedby', 'agree-error');
        box.focus();
        return;
      }
      resolve('start');
    }, 'primary', { 'data-action': 'start' });
    const handoff = opts.offerHandoff ? button(t('handoff.offer'), () => resolve('handoff'), 'secondary', { 'data-action': 'handoff' }) : null;
    show(
      ctx.shell,
      h(
        'section',
        { class: 'screen screen-consent', 'data-screen': 'consent' },
        h('h1', {}, t('consent.heading')),
        h('p', {}, t('consent.intro')),
        h('ul', { class: 'checklist' }, ...items.map((i) => h('li', {}, i))),
        h('p', { class: 'muted' }, t('consent.why')),
        h('p', { class: 'muted' }, t('consent.retention')),
        expires && !Number.isNaN(expires.getTime()) ? h('p', { class: 'muted' }, t('consent.expires', { time: ctx.i18n.time(expires) })) : null,
        h('label', { class: 'consent-box', for: 'agree' }, box, h('span', {}, t('consent.agree'))),
        err,
        h('div', { class: 'actions' }, start, handoff),
      ),
    );
  });
}
