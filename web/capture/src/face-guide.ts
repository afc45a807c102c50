import type { Config, Human, Result } from '@vladmandic/human';
import { measureFace, type PageMeasure } from './challenge-watch.ts';

// Face-in-oval guidance with Human's browser build, served by our own server. Human (2 MB of JS,
// ~2 MB of models, a WASM file) is only fetched when a step needs it, and every failure path
// returns null so the caller falls back to a manual capture button.

/** Served by the vkyc server from node_modules (see web/capture/build.ts). */
export const HUMAN_BASE = '/assets/human/';

export type FaceState = 'none' | 'many' | 'far' | 'close' | 'center' | 'dark' | 'blur' | 'eyes_closed' | 'ok';

export interface FaceBox {
  /** Normalised [x, y, width, height] in 0..1 of the frame. */
  box: readonly [number, number, number, number];
  /** Pose, eye/mouth openness… (null without a mesh): see challenge-watch.ts. */
  measure?: PageMeasure | null;
}

/** Image measures of the face region, computed by the caller from the frame. */
export interface FaceImage {
  /** Mean luma 0..255. */
  luma: number;
  /** Laplacian variance of the face crop (quality.laplacianVariance). */
  sharpness: number;
}

export interface Detection {
  faces: FaceBox[];
}

// Geometry of the on-screen oval (styles.css draws it at the same place): centre at 50 % / 45 %
// of the preview. Face width bounds are relative to the frame's shorter side: 25 %..70 % keeps the
// face large enough for the server's matcher (it rejects faces under ~80 px on a 640-px frame)
// and the whole head inside the frame. Chosen by geometry, not measured on users.
export const OVAL = { cx: 0.5, cy: 0.45, tolX: 0.15, tolY: 0.17, minW: 0.25, maxW: 0.7 } as const;
/** Mean face luma below this (0..255) reads as "too dark" (same reasoning as quality.DARK_MEAN). */
export const FACE_DARK_MEAN = 60;

/**
 * Eyes count as closed below this mean openness (0–1 from the eye aspect ratio, landmarks.ts maps
 * EAR 0.10 → 0 and 0.27 → 1): 0.3 ⇔ EAR ≈ 0.15, half-way between the closed (< 0.10) and open
 * (0.25–0.30) ranges of Soukupová & Čech 2016. Squinting into the light stays above it.
 */
export const EYES_CLOSED_OPENNESS = 0.3;
/**
 * A face crop (≤ 320 px wide) with a Laplacian variance under this is too blurred to match.
 * Measured on the largest face of 60 photos of ../shared/data/faces (crop → grayscale → ≤ 320 px):
 * sharp 90–2347 (p10 200), Gaussian blur σ 1 px 25–160, σ 2 px 4.5–17 (median 7.8), σ 3 px 2–6.
 * 8 rejects a typical 2-px blur (a shaking hand at 1/30 s) and nothing sharper than 1 px; webcam
 * frames are softer than these photos, hence not higher.
 */
export const FACE_BLUR_VAR = 8;

/** Pure: detections + frame aspect + face image measures → what to tell the user. */
export function faceState(faces: FaceBox[], frameW: number, frameH: number, img: FaceImage | null): FaceState {
  if (faces.length === 0) return 'none';
  if (faces.length > 1) return 'many';
  const [x, y, w, hgt] = faces[0]!.box;
  const relW = (w * frameW) / Math.min(frameW, frameH);
  const cx = x + w / 2;
  const cy = y + hgt / 2;
  if (relW < OVAL.minW) return 'far';
  if (relW > OVAL.maxW) return 'close';
  if (Math.abs(cx - OVAL.cx) > OVAL.tolX || Math.abs(cy - OVAL.cy) > OVAL.tolY) return 'center';
  if (img && img.luma < FACE_DARK_MEAN) return 'dark';
  if (img && img.sharpness < FACE_BLUR_VAR) return 'blur';
  const eyes = faces[0]!.measure?.eyeOpen;
  if (eyes !== undefined && Number.isFinite(eyes) && eyes < EYES_CLOSED_OPENNESS) return 'eyes_closed';
  return 'ok';
}

/**
 * "Steady": the face centre moved less than 3 % of the frame over the last 6 good detections
 * (~1 s at Human's ~150 ms per frame on a 2-core machine). Hand-shake on a held phone is ~1 %.
 */
export class SteadyTracker {
  private centres: [number, number][] = [];
  constructor(
    private readonly frames = 6,
    private readonly maxMove = 0.03,
  ) {}
  push(state: FaceState, face: FaceBox | undefined): boolean {
    if (state !== 'ok' || !face) {
      this.centres = [];
      return false;
    }
    const [x, y, w, hgt] = face.box;
    this.centres.push([x + w / 2, y + hgt / 2]);
    if (this.centres.length > this.frames) this.centres.shift();
    if (this.centres.length < this.frames) return false;
    const xs = this.centres.map((c) => c[0]);
    const ys = this.centres.map((c) => c[1]);
    return Math.max(...xs) - Math.min(...xs) < this.maxMove && Math.max(...ys) - Math.min(...ys) < this.maxMove;
  }
}

function humanConfig(): Partial<Config> {
  return {
    backend: 'wasm',
    wasmPath: HUMAN_BASE,
    modelBasePath: `${HUMAN_BASE}models/`,
    debug: false,
    async: true,
    warmup: 'none',
    cacheSensitivity: 0,
    filter: { enabled: false },
    // Detector + mesh only: enough for position, pose, blink and mouth opening. Iris (2.6 MB),
    // emotion, description and the anti-spoof models stay off: the server runs those.
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 3, minConfidence: 0.5, return: false },
      mesh: { enabled: true },
      iris: { enabled: false },
      emotion: { enabled: false },
      description: { enabled: false },
      antispoof: { enabled: false },
      liveness: { enabled: false },
      attention: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    segmentation: { enabled: false },
    // The page measures challenges itself (challenge-watch.ts), like the server: no gesture labels.
    gesture: { enabled: false },
  } as Partial<Config>;
}

// The one loaded model instance of the page (a page serves one user; loading twice would double
// memory on a phone).
let loading: Promise<Human | null> | null = null;

export function loadHuman(timeoutMs = 30_000): Promise<Human | null> {
  loading ??= (async () => {
    try {
      const url = `${HUMAN_BASE}human.esm.js`;
      const mod = (await import(/* webpackIgnore: true */ url)) as { Human: new (c: Partial<Config>) => Human };
      const human = new mod.Human(humanConfig());
      const timeout = new Promise<never>((_, rej) => setTimeout(() => rej(new Error('human load timeout')), timeoutMs));
      await Promise.race([human.load(), timeout]);
      return human;
    } catch (e) {
      console.warn('face guidance unavailable', e);
      return null;
    }
  })();
  return loading;
}

/**
 * Human's boxRaw is the detector box enlarged for the mesh model (~1.6×), far bigger than the
 * face; the extent of the mesh points is the face itself, which is what the oval is sized for.
 */
export function tightBox(mesh: readonly (readonly (number | undefined)[])[] | undefined): [number, number, number, number] | null {
  if (!mesh || mesh.length < 3) return null;
  let x0 = 1;
  let y0 = 1;
  let x1 = 0;
  let y1 = 0;
  for (const p of mesh) {
    const [x = 0, y = 0] = p;
    x0 = Math.min(x0, x);
    y0 = Math.min(y0, y);
    x1 = Math.max(x1, x);
    y1 = Math.max(y1, y);
  }
  return x1 > x0 && y1 > y0 ? [x0, y0, x1 - x0, y1 - y0] : null;
}

export async function detect(human: Human, video: HTMLVideoElement): Promise<Detection | null> {
  try {
    const r: Result = await human.detect(video);
    return {
      faces: r.face.map((f) => ({ box: tightBox(f.meshRaw) ?? f.boxRaw, measure: measureFace({ mesh: f.mesh, rotation: f.rotation, emotion: f.emotion, boxRaw: f.boxRaw }) })),
    };
  } catch {
    return null;
  }
}

/** Load Human's emotion model (~0.8 MB) only for a recording that asks for a smile. */
export async function enableSmile(human: Human): Promise<void> {
  try {
    await human.load({ face: { emotion: { enabled: true } } } as Partial<Config>);
  } catch (e) {
    console.warn('smile detection unavailable', e);
  }
}
