// Passive liveness signal from Human's `antispoof` and `liveness` models.
//
// HONESTY NOTE: this is a weak signal. In this project's measurements (docs/ARCHITECTURE.md,
// docs/model-card-faces.md) Human's antispoof was no better than chance on crude spoofs (a phone
// screen or print held to the camera). On face-api's sample photos (21 real faces, still photos)
// antispoof spread over 0.39–0.88 and liveness over 0.5–1.0: wide spread on inputs that are
// photographs, not live captures, yet mostly scored "live". Human's docs call both "tiny" quick checks. Never decline on it alone:
// the active challenges (blink, head turn, phrase) and injection checks carry liveness. Use it as
// one input to `needs_review`.

import type { FrameMeasurement } from '../faces/analyze-frames.ts';

interface PassiveLiveness {
  /** 0–100 (higher = more likely a live person), or null when no frame ran the models. */
  score: number | null;
  frames: number;
  antispoof: number | null;
  liveness: number | null;
  reason?: 'not_run' | 'no_face';
  /** Always true: consumers must treat this as advisory. */
  weak: true;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median over frames (robust to single bad frames) of the main face's two model outputs, averaged. */
export function passiveLiveness(frames: FrameMeasurement[]): PassiveLiveness {
  const ran = frames.filter((f) => f.antispoofed);
  if (!ran.length) return { score: null, frames: 0, antispoof: null, liveness: null, reason: 'not_run', weak: true };
  const withFace = ran.map((f) => f.faces[0]).filter((f) => f !== undefined);
  const a = median(withFace.map((f) => f.antispoof).filter((v): v is number => v !== null));
  const l = median(withFace.map((f) => f.liveness).filter((v): v is number => v !== null));
  if (a === null && l === null) return { score: null, frames: 0, antispoof: null, liveness: null, reason: 'no_face', weak: true };
  const parts = [a, l].filter((v): v is number => v !== null);
  const score = Math.round((100 * parts.reduce((s, v) => s + v, 0)) / parts.length);
  return { score, frames: withFace.length, antispoof: a, liveness: l, weak: true };
}
