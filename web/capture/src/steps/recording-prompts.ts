import type { SequenceView } from '../challenge-sequence.ts';
import type { Ctx } from '../context.ts';
import { h } from '../ui.ts';
import { challengeText } from './challenges.ts';
import type { CaptureView } from './capture-view.ts';

// What the video screen shows around the preview: the phrase (from before recording starts until
// the user has said it), the current instruction with "k of n", "Done ✓" or a retry prompt, the
// time bar, and why "Finish" is not available yet. The instruction area is a polite live region:
// screen readers hear each new instruction and each "Done ✓"; the timer is outside it (it changes
// every fraction of a second and would drown everything else).

/** The phrase to say, or null when the server scheduled none (challenges only). */
export function phraseText(ctx: Ctx): string | null {
  return ctx.session.phrase?.text || null;
}

export interface RecordingPrompts {
  box: HTMLElement;
  timer: HTMLElement;
  bar: HTMLElement;
  finishWhy: HTMLElement;
  /** Recording started: "You will say" becomes "Say out loud". */
  recording(): void;
  /** The phrase was said: it leaves the screen, the instructions take its place. */
  phraseDone(): void;
  waitingForFace(loading: boolean): void;
  challenge(v: SequenceView): void;
  allDone(): void;
}

export function recordingPrompts(ctx: Ctx, view: CaptureView): RecordingPrompts {
  const { t } = ctx.i18n;
  const phrase = phraseText(ctx);
  const sayLabel = h('p', { class: 'say-label', id: 'say-label' }, t('video.willSay'));
  const phraseBox = phrase
    ? h('div', { class: 'phrase-box', 'data-testid': 'phrase-box' }, sayLabel, h('p', { class: ctx.session.phrase?.kind === 'digits' ? 'phrase digits' : 'phrase', 'data-testid': 'phrase', 'aria-describedby': 'say-label' }, phrase))
    : null;
  const step = h('p', { class: 'challenge-step', 'data-testid': 'challenge-progress' });
  const note = h('p', { class: 'challenge-note', 'data-testid': 'challenge-note' });
  const challenge = h('p', { class: 'challenge', 'data-testid': 'challenge' });
  const live = h('div', { class: 'challenge-box', 'aria-live': 'polite', 'aria-atomic': 'true' }, step, note, challenge);
  const timer = h('p', { class: 'timer', 'data-testid': 'timer' });
  const bar = h('div', { class: 'timebar-fill' });
  const timebar = h('div', { class: 'timebar', 'aria-hidden': 'true' }, bar);
  const total = ctx.session.challenges.length;
  const willFollow = total && !phrase ? h('p', { class: 'say-label' }, t('video.willFollow', { total })) : null;
  const box = h('div', { class: 'prompts' }, phraseBox, willFollow, live, timebar, timer);
  timebar.hidden = true;
  const finishWhy = h('p', { class: 'finish-why', id: 'finish-why', 'data-testid': 'finish-why' });
  view.stage.after(box);
  let shown = '';
  const set = (key: string, s: string, n: string, c: string | (Node | string)[]): void => {
    if (key === shown) return;
    shown = key;
    step.textContent = s;
    note.textContent = n;
    if (typeof c === 'string') challenge.textContent = c;
    else challenge.replaceChildren(...c);
  };
  return {
    box,
    timer,
    bar,
    finishWhy,
    recording() {
      sayLabel.textContent = t('video.say');
      // "Instruction 1 of n" takes over from the announcement.
      willFollow?.remove();
      timebar.hidden = false;
    },
    phraseDone() {
      phraseBox?.remove();
    },
    waitingForFace(loading) {
      set(loading ? 'loading' : 'wait', '', '', t(loading ? 'face.loading' : 'video.lookAtCamera'));
    },
    challenge(v) {
      if (v.phase === 'finished') return;
      const text = challengeText(ctx, v.type);
      const progress = t('challenge.progress', { n: v.index + 1, total: v.total });
      if (v.phase === 'done') set(`done${v.index}`, progress, '', [text, h('span', { class: 'ok', 'data-testid': 'challenge-done' }, ` ${t('challenge.ok')}`)]);
      else if (v.phase === 'retry') set(`retry${v.index}`, progress, t('challenge.retry'), text);
      else set(`do${v.index}`, progress, '', text);
    },
    allDone() {
      set('all', '', '', [h('span', { class: 'ok', 'data-testid': 'all-done' }, t('video.allDone'))]);
    },
  };
}
