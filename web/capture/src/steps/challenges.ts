import type { Human } from '@vladmandic/human';
import { ChallengeSequence, MAX_TRIES } from '../challenge-sequence.ts';
import { ChallengeWatch } from '../challenge-watch.ts';
import type { Ctx } from '../context.ts';
import { enableSmile, loadHuman } from '../face-guide.ts';
import type { MessageKey } from '../i18n.ts';
import { faceLoop } from './face-loop.ts';

// The recording's challenges, waiting for the user: Human watches the preview, ChallengeWatch
// decides from the same measures as the server whether the current challenge was performed, and
// ChallengeSequence moves on (Done ✓, retry prompt, bounded tries). The page's "seen" is only a
// hint for the server, which verifies every challenge on the recorded video.

const KNOWN = new Set(['turn_left', 'turn_right', 'look_up', 'look_down', 'blink', 'smile', 'open_mouth', 'move_closer', 'nod']);

/**
 * Without a face model (Human failed to load) the page cannot see anything: each prompt stays this
 * long, as the fixed schedule did (src/sessions/capture-plan.ts CHALLENGE_SPACING_SECONDS), and is
 * reported unseen.
 */
export const BLIND_SPACING_S = 4;
/** Once the model runs, wait at most this long for a face (the neutral baseline) before prompting. */
export const BASELINE_WAIT_S = 5;
/**
 * Wait at most this long for the face model itself (~4 MB on a first visit; the selfie step usually
 * loaded it already), then prompt without it rather than keep the user waiting.
 */
export const MODEL_WAIT_S = 20;

export function challengeText(ctx: Ctx, type: string): string {
  return KNOWN.has(type) ? ctx.i18n.t(`challenge.${type}` as MessageKey) : ctx.i18n.t('challenge.generic', { type: type.replace(/_/g, ' ') });
}

export class ChallengeRunner {
  readonly types: string[];
  private seq: ChallengeSequence | null = null;
  private readonly watch = new ChallengeWatch();
  private loop: { stop(): void } | null = null;
  private human: Human | null | undefined = undefined;
  private running = true;

  constructor(
    private readonly ctx: Ctx,
    /** Seconds since MediaRecorder start. */
    private readonly clock: () => number,
  ) {
    // Order = the order the user must perform them (contract); at_seconds only breaks ties for
    // servers that still send a schedule.
    this.types = ctx.session.challenges.map((c) => c.type);
  }

  /** Start Human on the preview now, so the neutral baseline is taken from the first frames. */
  watchFrom(video: HTMLVideoElement): void {
    void loadHuman().then(async (human) => {
      if (!human || !this.running) {
        this.human = human;
        return;
      }
      if (this.types.includes('smile')) await enableSmile(human);
      this.human = human;
      if (!this.running) return;
      this.loop = faceLoop(human, video, ({ detection }) => {
        const m = detection.faces.length === 1 ? detection.faces[0]?.measure : null;
        if (!m) return;
        this.watch.push(m);
        const type = this.seq?.current;
        if (type && this.watch.seen(type, m) === true) this.seq?.seen(this.clock());
      });
    });
  }

  /** Still loading the face model (the screen says "Preparing…" rather than "Look at the camera"). */
  get loading(): boolean {
    return this.human === undefined;
  }

  /** Ready to prompt: baseline taken, or no model, or we waited long enough for model/face. */
  ready(waitedS: number): boolean {
    if (this.human === null) return true;
    if (this.human === undefined || !this.loop) return waitedS >= MODEL_WAIT_S;
    return this.watch.baseline !== null || waitedS >= BASELINE_WAIT_S;
  }

  /** Starts the sequence on first call; blind (time-based) when no face model is running. */
  sequence(t: number): ChallengeSequence {
    if (!this.seq) {
      const blind = !this.loop;
      this.seq = new ChallengeSequence(this.types, blind ? { timeoutS: BLIND_SPACING_S, maxTries: 1 } : { timeoutS: this.ctx.session.challenge_timeout_seconds, maxTries: MAX_TRIES });
      this.watch.freeze();
      this.seq.start(t);
    }
    return this.seq;
  }

  /** Challenges not yet done or given up (the current one included). */
  get remaining(): number {
    return this.seq ? this.seq.remaining : this.types.length;
  }

  get events(): ChallengeSequence['events'] {
    return this.seq?.events ?? [];
  }

  stop(): void {
    this.running = false;
    this.loop?.stop();
  }
}
