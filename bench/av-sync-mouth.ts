// The mouth measure audio-visual sync correlates with speech. The engine's mouthOpen (inner-lip gap
// / mouth width) dips when the lips round ("oo", "w": narrower mouth) and is clamped at 0, so most
// of a syllable's closing is lost. Here the inner-lip gap is divided by the distance between the
// outer eye corners instead: a length that does not move with speech, only with the face's size
// and distance (bench/av-sync.ts compares the two).

import type { DetectedFace } from '../src/engines/face/port.ts';

/** MediaPipe face-mesh indices (468-point order). */
const INNER_TOP = 13;
const INNER_BOTTOM = 14;
const OUTER_TOP = 0;
const OUTER_BOTTOM = 17;
const EYE_OUTER_RIGHT = 33;
const EYE_OUTER_LEFT = 263;

export interface LipFrame {
  /** Seconds from the start of the recording. */
  t: number;
  /** Inner-lip gap / outer-eye-corner distance; null: no face or no mesh on this frame. */
  gap: number | null;
  /** Outer-lip height / outer-eye-corner distance (moves with the jaw even when the lips touch). */
  lips: number | null;
  /** The engine's own 0–1 mouthOpen. */
  open: number | null;
}

type Pt = readonly [number, number];
const dist = (a: Pt, b: Pt): number => Math.hypot(a[0] - b[0], a[1] - b[1]);

export function lipFrame(t: number, face: DetectedFace | null): LipFrame {
  const m = face?.landmarks ?? [];
  if (!face || m.length < 468) return { t, gap: null, lips: null, open: null };
  const eyes = dist(m[EYE_OUTER_RIGHT]!, m[EYE_OUTER_LEFT]!);
  if (!(eyes > 0)) return { t, gap: null, lips: null, open: null };
  return {
    t,
    gap: dist(m[INNER_TOP]!, m[INNER_BOTTOM]!) / eyes,
    lips: dist(m[OUTER_TOP]!, m[OUTER_BOTTOM]!) / eyes,
    open: Number.isFinite(face.mouthOpen) ? face.mouthOpen : null,
  };
}
