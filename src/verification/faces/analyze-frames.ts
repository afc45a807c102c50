// Per-frame face measurements for a video: faces per frame, pose, eyes, mouth, quality and,
// where asked, the passive anti-spoof outputs. The mesh (pose/blink/smile) and the anti-spoof
// models roughly double/triple the per-frame cost, so callers say on which timestamps they need them
// (e.g. only inside challenge windows); elsewhere only the detector runs.

import type { DetectedFace, FaceEngine, RgbImage } from '../../engines/face/port.ts';

export interface FrameInput { t: number; image: RgbImage }

export interface FrameMeasurement {
  /** Seconds from the start of the video. */
  t: number;
  width: number;
  height: number;
  /** Largest first. */
  faces: DetectedFace[];
  meshed: boolean;
  antispoofed: boolean;
  /** Inference time for this frame (ms). */
  ms: number;
}

export interface AnalyzeOptions {
  /** Which timestamps need the mesh (pose, eyes, mouth, smile). Default: every frame. */
  meshAt?: (t: number) => boolean;
  /** Which timestamps run Human's antispoof + liveness models. Default: none. */
  antispoofAt?: (t: number) => boolean;
  /** Default 3: enough to see a second person without paying for crowds. */
  maxFaces?: number;
  /** Which timestamps need the iris / expression models (blink / smile). Default: wherever the mesh runs. */
  irisAt?: (t: number) => boolean;
  expressionsAt?: (t: number) => boolean;
}

export async function analyzeFrames(engine: FaceEngine, frames: FrameInput[], options: AnalyzeOptions = {}): Promise<FrameMeasurement[]> {
  const meshAt = options.meshAt ?? (() => true);
  const antispoofAt = options.antispoofAt ?? (() => false);
  const out: FrameMeasurement[] = [];
  for (const frame of frames) {
    const mesh = meshAt(frame.t);
    const antispoof = antispoofAt(frame.t);
    const started = performance.now();
    const iris = mesh && (options.irisAt?.(frame.t) ?? true);
    const expressions = mesh && (options.expressionsAt?.(frame.t) ?? true);
    const faces = await engine.detect(frame.image, { mesh, iris, expressions, antispoof, maxFaces: options.maxFaces ?? 3 });
    out.push({
      t: frame.t,
      width: frame.image.width,
      height: frame.image.height,
      faces: [...faces].sort((a, b) => b.box.height - a.box.height),
      meshed: mesh,
      antispoofed: antispoof,
      ms: performance.now() - started,
    });
  }
  return out;
}

/** Every n-th frame (by index), for cheap passes over long videos. */
export function everyNth(frames: FrameInput[], n: number): FrameInput[] {
  return frames.filter((_, i) => i % Math.max(1, Math.round(n)) === 0);
}
