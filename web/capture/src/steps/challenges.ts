import type { Ctx } from '../context.ts';
import { challengeSeen, loadHuman } from '../face-guide.ts';
import type { MessageKey } from '../i18n.ts';
import { announce, h } from '../ui.ts';
import { faceLoop } from './face-loop.ts';

// The server's challenge schedule during recording: shows challenge i from its `at_seconds` until
// the next one, and ticks it off when Human sees the movement (advisory; the server judges).

const KNOWN = new Set(['turn_left', 'turn_right', 'look_up', 'look_down', 'blink', 'smile', 'open_mouth', 'move_closer', 'nod']);

export function challengeText(ctx: Ctx, type: string): string {
  return KNOWN.has(type) ? ctx.i18n.t(`challenge.${type}` as MessageKey) : ctx.i18n.t('challenge.generic', { type: type.replace(/_/g, ' ') });
}

/** Index of the challenge on screen at `elapsed` seconds (schedule sorted), -1 before the first. */
export function currentChallenge(schedule: readonly { at_seconds: number }[], elapsed: number): number {
  let idx = -1;
  schedule.forEach((c, i) => {
    if (c.at_seconds <= elapsed) idx = i;
  });
  return idx;
}

export class ChallengePrompter {
  readonly schedule: { type: string; at_seconds: number }[];
  private current = -1;
  private seen = new Set<string>();
  private done = false;
  private loop: { stop(): void } | null = null;
  private running = true;

  constructor(
    private readonly ctx: Ctx,
    private readonly el: HTMLElement,
  ) {
    this.schedule = [...ctx.session.challenges].sort((a, b) => a.at_seconds - b.at_seconds);
  }

  /** Seconds after which the user may stop: a few seconds to perform the last challenge. */
  minFinish(max: number, afterLast: number): number {
    const lastAt = this.schedule[this.schedule.length - 1]?.at_seconds ?? 0;
    return Math.min(max, Math.max(lastAt + afterLast, 3));
  }

  /** Feedback starts whenever Human is ready (it may still be loading): recording never waits. */
  startFeedback(video: HTMLVideoElement): void {
    void loadHuman().then((human) => {
      if (!human || !this.running) return;
      this.loop = faceLoop(human, video, ({ detection }) => this.onGestures(detection.gestures));
    });
  }

  tick(elapsed: number): void {
    const idx = currentChallenge(this.schedule, elapsed);
    if (idx === this.current || idx < 0) return;
    this.current = idx;
    this.seen = new Set();
    this.done = false;
    const text = challengeText(this.ctx, this.schedule[idx]!.type);
    this.el.textContent = text;
    announce(this.ctx.shell, text);
  }

  private onGestures(gestures: string[]): void {
    const c = this.schedule[this.current];
    if (!c || this.done) return;
    if (challengeSeen(c.type, gestures, this.seen) === true) {
      this.done = true;
      const ok = this.ctx.i18n.t('challenge.ok');
      this.el.append(h('span', { class: 'ok' }, ` ${ok}`));
      announce(this.ctx.shell, ok);
    }
  }

  stop(): void {
    this.running = false;
    this.loop?.stop();
  }
}
