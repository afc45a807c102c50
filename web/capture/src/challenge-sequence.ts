// The order of a recording's challenges as a small clock-driven state machine: one challenge at a
// time, "Done ✓" once it is seen, a retry prompt after `timeoutS`, a bounded number of tries, then
// the next one. Times are seconds since MediaRecorder start, the origin of the complete-body
// contract (docs/capture-api.md). Pure: the caller passes the time, so tests need no timers.

export interface ChallengeEvent {
  type: string;
  index: number;
  /** First moment the prompt was on screen. */
  shown_at: number;
  /** Moment the page saw it performed; null when every try timed out. */
  seen_at: number | null;
}

export type SequenceView =
  | { phase: 'doing' | 'retry' | 'done'; index: number; total: number; type: string }
  | { phase: 'finished'; total: number };

export interface SequenceOptions {
  /** Seconds to wait for one try (the session's challenge_timeout_seconds). */
  timeoutS: number;
  /** Tries per challenge, the first included. */
  maxTries: number;
  /** How long "Done ✓" stays before the next prompt: long enough to read, short enough to keep pace. */
  doneHoldS?: number;
}

/** 2 tries: one retry prompt helps someone who missed the instruction; more would only stall. */
export const MAX_TRIES = 2;
/** ~1 s to read "Done ✓" (a two-word confirmation; a longer hold felt sluggish on the test bench). */
export const DONE_HOLD_S = 1;

export class ChallengeSequence {
  readonly events: ChallengeEvent[] = [];
  private index = 0;
  private tries = 1;
  private tryStart = 0;
  private seenAt: number | null = null;
  private started = false;

  constructor(
    private readonly types: readonly string[],
    private readonly opts: SequenceOptions,
  ) {}

  get finished(): boolean {
    return this.started && this.index >= this.types.length;
  }

  /** How many challenges are still to do (the current one included until it is seen). */
  get remaining(): number {
    return Math.max(0, this.types.length - this.index - (this.seenAt !== null ? 1 : 0));
  }

  get current(): string | null {
    return this.started ? (this.types[this.index] ?? null) : null;
  }

  start(t: number): void {
    if (this.started) return;
    this.started = true;
    this.begin(t);
  }

  private begin(t: number): void {
    this.tries = 1;
    this.tryStart = t;
    this.seenAt = null;
    const type = this.types[this.index];
    if (type !== undefined) this.events.push({ type, index: this.index, shown_at: round(t), seen_at: null });
  }

  /** The page saw the current challenge performed at `t`. */
  seen(t: number): void {
    if (!this.started || this.finished || this.seenAt !== null) return;
    this.seenAt = t;
    const e = this.events[this.index];
    if (e) e.seen_at = round(t);
  }

  /** Advance on timeouts and after the "Done ✓" hold; returns what to show now. */
  tick(t: number): SequenceView {
    const total = this.types.length;
    if (!this.started) return { phase: 'doing', index: 0, total, type: this.types[0] ?? '' };
    if (this.seenAt !== null && t - this.seenAt >= (this.opts.doneHoldS ?? DONE_HOLD_S)) this.next(t);
    else if (this.seenAt === null && t - this.tryStart >= this.opts.timeoutS) {
      if (this.tries < this.opts.maxTries) {
        this.tries++;
        this.tryStart = t;
      } else this.next(t);
    }
    if (this.index >= total) return { phase: 'finished', total };
    const type = this.types[this.index]!;
    const phase = this.seenAt !== null ? 'done' : this.tries > 1 ? 'retry' : 'doing';
    return { phase, index: this.index, total, type };
  }

  private next(t: number): void {
    this.index++;
    if (this.index < this.types.length) this.begin(t);
  }
}

/** Contract times carry 2 decimals: 10 ms is finer than any camera frame. */
const round = (t: number): number => Math.round(t * 100) / 100;
