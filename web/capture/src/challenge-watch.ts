import { DEFAULT_CHALLENGE_THRESHOLDS, smileStrength, type ChallengeThresholds } from '../../../src/domain/liveness-challenges.ts';
import { eyeOpenness, mouthOpenness, mouthShape, type Pt } from '../../../src/engines/face/landmarks.ts';

// Sees a challenge being performed in the live preview, with the same measures the server uses on
// the recorded video (src/liveness/verify-challenges.ts): Human's yaw/pitch (same sign flip as the
// server's adapter), eye and mouth openness from the same mesh geometry (shared landmarks.ts), a
// smile from the mouth's width on the same mesh, with Human's "happy" score where it runs (the
// server's smileStrength), face-box height for move_closer. Everything is relative to the
// user's own neutral, taken from the first frames of the recording. Pure: no DOM, no model.

export interface PageMeasure {
  yaw: number;
  pitch: number;
  eyeOpen: number;
  mouthOpen: number;
  smile: number;
  mouthWidth: number;
  faceSize: number;
}

/** The parts of a Human face result the page measures (structural: Human's FaceResult fits). */
export interface FaceLike {
  mesh?: readonly (readonly (number | undefined)[])[];
  rotation?: { angle?: { yaw: number; pitch: number } } | null;
  emotion?: readonly { score: number; emotion: string }[];
  /** Normalised [x, y, w, h]. */
  boxRaw?: readonly number[];
}

const RAD = 180 / Math.PI;

export function measureFace(f: FaceLike): PageMeasure | null {
  const mesh = f.mesh as readonly Pt[] | undefined;
  if (!mesh || mesh.length < 468) return null;
  const angle = f.rotation?.angle;
  // Human lists emotions above its 0.1 floor only; NaN when the emotion model did not run.
  const happy = f.emotion ? (f.emotion.find((e) => e.emotion === 'happy')?.score ?? 0) : Number.NaN;
  return {
    // Same sign convention as src/engines/face/human-faceapi.ts: yaw > 0 = turned to own left.
    yaw: angle ? -angle.yaw * RAD : Number.NaN,
    pitch: angle ? -angle.pitch * RAD : Number.NaN,
    eyeOpen: (eyeOpenness(mesh, 'left') + eyeOpenness(mesh, 'right')) / 2,
    mouthOpen: mouthOpenness(mesh),
    smile: happy,
    mouthWidth: mouthShape(mesh).width,
    faceSize: f.boxRaw?.[3] ?? Number.NaN,
  };
}

/**
 * The page asks for a bit more than the server accepts (10 % more movement, a deeper blink), so
 * that what the page ticks off is very likely to pass the server's check on the recorded video,
 * whose frames are not the ones the page looked at.
 */
export const PAGE_STRICTER = 1.1;
export const PAGE_THRESHOLDS: ChallengeThresholds = {
  yawDeg: DEFAULT_CHALLENGE_THRESHOLDS.yawDeg * PAGE_STRICTER,
  pitchDeg: DEFAULT_CHALLENGE_THRESHOLDS.pitchDeg * PAGE_STRICTER,
  // A blink keeps ≤ 70 % of the baseline openness on the server; the page wants ≤ 63 %.
  eyeClosedRatio: DEFAULT_CHALLENGE_THRESHOLDS.eyeClosedRatio / PAGE_STRICTER,
  mouthOpenDelta: DEFAULT_CHALLENGE_THRESHOLDS.mouthOpenDelta * PAGE_STRICTER,
  smileDelta: DEFAULT_CHALLENGE_THRESHOLDS.smileDelta * PAGE_STRICTER,
  smileWidthGain: DEFAULT_CHALLENGE_THRESHOLDS.smileWidthGain * PAGE_STRICTER,
  faceGrowth: 1 + (DEFAULT_CHALLENGE_THRESHOLDS.faceGrowth - 1) * PAGE_STRICTER,
  rollGuardDeg: DEFAULT_CHALLENGE_THRESHOLDS.rollGuardDeg,
};

/**
 * The neutral baseline is the median of the frames seen before the first challenge (the user reads
 * and says the phrase, facing the camera), at least BASELINE_FRAMES of them: ~1–2 s at the page's
 * 3–8 detections/s. Fewer would let one odd frame (a blink, a word) set the neutral; the median of
 * 6 ignores two. At most MAX_BASELINE_FRAMES (the last ones) are kept, ~10–30 s.
 */
export const BASELINE_FRAMES = 6;
export const MAX_BASELINE_FRAMES = 90;

const median = (xs: number[]): number => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

export class ChallengeWatch {
  private first: PageMeasure[] = [];
  private frozen: PageMeasure | null = null;

  constructor(private readonly th: ChallengeThresholds = PAGE_THRESHOLDS) {}

  /** The neutral: fixed once frozen, provisional before, null until BASELINE_FRAMES frames. */
  get baseline(): PageMeasure | null {
    if (this.frozen) return this.frozen;
    const m = this.first[0];
    if (!m || this.first.length < BASELINE_FRAMES) return null;
    const keys = Object.keys(m) as (keyof PageMeasure)[];
    return Object.fromEntries(keys.map((k) => [k, median(this.first.map((x) => x[k]))])) as unknown as PageMeasure;
  }

  /** Feed every measured frame; frames before freeze() make up the neutral. */
  push(m: PageMeasure): void {
    if (this.frozen) return;
    this.first.push(m);
    if (this.first.length > MAX_BASELINE_FRAMES) this.first.shift();
  }

  /** The first challenge is on screen: from now on the user moves, so the neutral stays as it is. */
  freeze(): void {
    this.frozen ??= this.baseline;
  }

  /**
   * Does this frame show `type` performed? null = cannot tell (no baseline yet, or a signal the
   * page could not measure in this frame).
   */
  seen(type: string, m: PageMeasure): boolean | null {
    const b = this.baseline;
    if (!b) return null;
    const th = this.th;
    const beyond = (v: number, limit: number): boolean | null => (Number.isFinite(v) ? v >= limit : null);
    switch (type) {
      case 'turn_left':
        return beyond(m.yaw - b.yaw, th.yawDeg);
      case 'turn_right':
        return beyond(b.yaw - m.yaw, th.yawDeg);
      case 'look_up':
        return beyond(m.pitch - b.pitch, th.pitchDeg);
      case 'look_down':
        return beyond(b.pitch - m.pitch, th.pitchDeg);
      case 'blink':
        // Same guard as the server: only near-frontal frames count (a turned head shrinks an eye).
        if (!(b.eyeOpen > 0.15) || Math.abs(m.yaw - b.yaw) > th.yawDeg) return Number.isFinite(m.eyeOpen) ? false : null;
        return beyond(1 - m.eyeOpen / b.eyeOpen, 1 - th.eyeClosedRatio);
      case 'smile':
        return beyond(smileStrength(m, b, th), 1);
      case 'open_mouth':
        return beyond(m.mouthOpen - b.mouthOpen, th.mouthOpenDelta);
      case 'move_closer':
        return beyond(m.faceSize / b.faceSize, th.faceGrowth);
      case 'nod':
        return beyond(Math.abs(m.pitch - b.pitch), th.pitchDeg);
      default:
        return null;
    }
  }
}
