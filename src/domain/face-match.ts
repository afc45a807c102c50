// Face-match calibration: euclidean distance between two face-api (dlib ResNet-34) 128-d
// descriptors → a 0–100 similarity score, and the decision threshold. Pure, no I/O.
//
// CALIBRATION (bench/faces.ts; numbers in docs/model-card-faces.md):
//   data: /work/shared/data/faces/pairs.csv — 834 labelled real pairs (271 same / 563 different
//   person) from the public test images of deepface, face_recognition, face-api.js (BBT crops),
//   openface, trueface and LFW samples; embeddings of our aligned 150-px chips, the mirrored chip
//   averaged in only for faces under 120 px (SMALL_FACE_PX), faces touching the image edge detected
//   on a padded copy, faces under 240 px embedded as detected and zoomed (mean), as the product does.
//   At distance 0.60 (score 50): FAR 0.18 % (1/563), FRR 0.37 % (1/271); ROC AUC 0.99995, EER 0.36 %.
//   (0.58 gave the same FAR with FRR 1.11 %; 0.62 FAR 0.71 %, FRR 0 %.)
//   Same threshold with one side degraded (whole image to ≤200 px, blur σ0.8, JPEG q30 — "selfie vs
//   ID photo"): FAR 0.53 % (3/563), FRR 11.4 %, AUC 0.9966; with the head cropped first (an ID
//   portrait at 200 px): FAR 0.18 %, FRR 1.1 %, AUC 0.9998. Small, blurry faces are the weak spot;
//   the face_match stage gives document pairs a review band below the threshold.
//   The threshold was chosen on the same pairs it is reported on: the rates are optimistic.
//   Issue 20 (faces/compare embeds both photos zoomed + mirrored when either face is under 400 px,
//   faces/face-for-matching.ts PAIR_ZOOM_BELOW_PX): at 0.60 still FAR 0.18 % (1/563), FRR 0.37 %;
//   AUC 0.99996. Three crops per photo (bench:faces-recipes, session 8) raised AUC to 0.99999 but
//   at 0.60 gave FAR 0.53 % (3/563): not adopted (docs/model-card-faces.md). Split-by-identity figures (bench/faces-split.ts) in docs/model-card-faces.md.

/** Distance at which the score is exactly MATCH_THRESHOLD (see calibration note). */
export const DISTANCE_AT_THRESHOLD = 0.6;
/**
 * Logistic slope in distance units (one unit moves the score from 50 to ~73 or ~27): puts the
 * median genuine pair (0.40) at ~95 and the median impostor pair (0.87) at ~1.
 */
const DISTANCE_SCALE = 0.06;
/** Score at or above which two faces are the same person. */
export const MATCH_THRESHOLD = 50;

/**
 * The video ↔ selfie pair is approved from this score; between MATCH_THRESHOLD and it, it goes to
 * review (face_match_uncertain). Both are live captures of one session by one camera minutes apart,
 * far closer than the photo pairs MATCH_THRESHOLD was set on. Calibrated with
 * bench/acceptance-identity.ts on the acceptance bench's calibration clips only (9 people; 72
 * cross pairs of one clip's video with another clip's selfie): own selfie best-of-frames ≥ 99.9,
 * and a single frame more than 1.5 s from the selfie moment scored a median 98.2–99.7; another
 * person's selfie reached 94.5 (four East Asian men the embedder hardly tells apart: 16 of the 72
 * pairs ≥ 50, 9 ≥ 80, 3 ≥ 90, none ≥ 95). Photos of 25 other people (../shared/data/faces) ≤ 53.7.
 * A deployment whose selfie and video come from different devices or light should measure its own
 * same-session pairs before keeping 95.
 */
export const VIDEO_SELFIE_APPROVE_SCORE = 95;

/**
 * The video ↔ selfie pair is declined (face_mismatch) below this score, not only below
 * MATCH_THRESHOLD: the 50–80 band held only other people. Calibration clips (bench/acceptance-
 * identity.ts): own selfie best-of-frames ≥ 99.9; another clip's selfie 16 of 72 pairs ≥ 50, 9 ≥ 80.
 * Report clips, checked afterwards: own ≥ 99.5, another clip's selfie ≤ 76.6. 80 leaves a genuine
 * pair ~20 points of margin; the 80–95 band stays review, because the look-alikes there (94.5) sit
 * closer to a genuine pair than any cut could separate on 12 people (docs/acceptance.md).
 */
export const VIDEO_SELFIE_DECLINE_SCORE = 80;

/**
 * Below this score two frames of one video are treated as different people (`face_changed`).
 * Much stricter than the match threshold because a video has many chances to produce one bad
 * frame. Score 15 = distance ≈ 0.70, above every genuine pair of the real calibration set (FRR 0 %)
 * while still below ~97 % of impostor pairs (FAR ~3 %: look-alike swaps can slip through).
 */
export const FACE_CHANGED_SCORE = 15;

/** Monotonic decreasing in distance; 50 at DISTANCE_AT_THRESHOLD. */
export function scoreFromDistance(distance: number): number {
  if (!Number.isFinite(distance)) return 0;
  const s = 100 / (1 + Math.exp((distance - DISTANCE_AT_THRESHOLD) / DISTANCE_SCALE));
  return Math.round(s * 10) / 10;
}

export function isMatch(score: number): boolean {
  return score >= MATCH_THRESHOLD;
}

export function euclidean(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embedding sizes differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    s += d * d;
  }
  return Math.sqrt(s);
}

/** The element-wise mean of descriptors (one person's across frames: per-frame noise averages out). */
export function meanEmbedding(embeddings: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(embeddings[0]?.length ?? 0);
  for (const e of embeddings) for (let i = 0; i < out.length; i++) out[i]! += e[i]! / embeddings.length;
  return out;
}

export function similarityScore(a: Float32Array, b: Float32Array): number {
  return scoreFromDistance(euclidean(a, b));
}
