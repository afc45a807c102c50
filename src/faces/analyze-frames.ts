// Per-frame face measurements for a video: faces per frame, pose, eyes, mouth, quality and,
// where asked, the passive anti-spoof outputs. The mesh (pose/blink/smile) and the anti-spoof
// models roughly double/triple the per-frame cost, so callers say on which timestamps they need them
// (e.g. only inside challenge windows); elsewhere only the detector runs.

import type { DetectedFace, FaceEngine, FaceHint, RgbImage } from '../engines/face/port.ts';
import { trackHint } from '../engines/face/track-hint.ts';

export interface FrameInput { t: number; image: RgbImage }

/** A frame whose image may still be decoding: each frame is measured as soon as its own image is ready. */
export interface PendingFrame { t: number; image: RgbImage | Promise<RgbImage> }

export interface FrameMeasurement {
  /** Seconds from the start of the video. */
  t: number;
  width: number;
  height: number;
  /** Largest first. */
  faces: DetectedFace[];
  meshed: boolean;
  antispoofed: boolean;
  /** The faces were tracked from an earlier frame's (no detector run: a new face would not be seen). */
  tracked: boolean;
  /** Inference time for this frame (ms). */
  ms: number;
}

interface AnalyzeOptions {
  /** Which frames (time, index) need the mesh (pose, eyes, mouth, smile). Default: every frame. */
  meshAt?: (t: number, index: number) => boolean;
  /** Which frames run Human's antispoof + liveness models. Default: none. */
  antispoofAt?: (t: number, index: number) => boolean;
  /** Default 3: enough to see a second person without paying for crowds. */
  maxFaces?: number;
  /** Which timestamps need the iris / expression models (blink / smile). Default: wherever the mesh runs. */
  irisAt?: (t: number) => boolean;
  expressionsAt?: (t: number) => boolean;
  /**
   * Which frames may track the faces of the frame TRACK_LAG before instead of running the detector
   * (mesh frames only, never anti-spoof frames; default none). Keep the detector on a regular cadence:
   * only it sees a new face.
   */
  trackAt?: (t: number, index: number) => boolean;
  /** Called as each frame's measurement arrives (in completion order), e.g. to start follow-up work early. */
  onFrame?: (index: number, measurement: FrameMeasurement, image: RgbImage) => void;
}

/**
 * Frames in time order: an array, or frames as they arrive (the pipeline's decode streams them, so
 * the models start on the first frames while ffmpeg still decodes the rest).
 */
export type FrameSource = readonly PendingFrame[] | AsyncIterable<PendingFrame>;

/**
 * Frames in flight per engine call slot: two, so each face worker thread has its next frame queued
 * when it finishes one instead of waiting for this thread to see the answer and send another (this
 * thread also reads the frames decode writes and answers the job queue; under load it is not
 * scheduled at once). The pool sends each call to the worker with the fewest in flight.
 */
const IN_FLIGHT_PER_SLOT = 2;

/**
 * A tracked frame takes its hint from the frame this many before it, always the same one, so that the
 * measurements do not depend on which frame finished first. Not the frame just before: with two
 * frames per worker in flight that one is usually still being measured, and waiting for it would
 * leave a worker idle.
 */
export const TRACK_LAG = 2;
/**
 * The hint's frame must be at most this much earlier (s): two frames at the dense 10 frames/s.
 * Further apart (2.5 frames/s challenge windows, 1 frame/s elsewhere) a turning head leaves the
 * crop; those frames are detected.
 */
export const TRACK_MAX_GAP_S = 0.25;

/** Keeps IN_FLIGHT_PER_SLOT × `engine.parallelism` frames in flight (face worker threads). */
export async function analyzeFrames(engine: FaceEngine, frames: FrameSource, options: AnalyzeOptions = {}): Promise<FrameMeasurement[]> {
  const meshAt = options.meshAt ?? (() => true);
  const antispoofAt = options.antispoofAt ?? (() => false);
  const out: FrameMeasurement[] = [];
  const source = 'length' in frames ? arrayFrames(frames) : frames[Symbol.asyncIterator]();
  let next = 0;
  /** Each handed-out frame's measurement (null if it failed), for the frame tracking from it. */
  const measured: Array<Promise<FrameMeasurement | null>> = [];
  const settle: Array<(m: FrameMeasurement | null) => void> = [];
  // The index is given as each frame is handed out, in source order (an async generator settles
  // its pending next() calls in order), whichever lane takes it.
  const take = (): Promise<{ i: number; frame: PendingFrame } | null> => source.next().then((r) => {
    if (r.done) return null;
    const i = next++;
    measured[i] = new Promise((resolve) => { settle[i] = resolve; });
    return { i, frame: r.value };
  });
  const hintsFor = async (t: number, i: number): Promise<FaceHint[] | undefined> => {
    if (i < TRACK_LAG || !options.trackAt?.(t, i)) return undefined;
    const prev = await measured[i - TRACK_LAG];
    if (!prev || !prev.meshed || prev.faces.length === 0 || t - prev.t > TRACK_MAX_GAP_S) return undefined;
    const hints = prev.faces.map(trackHint);
    return hints.every((h) => h !== null) ? (hints as FaceHint[]) : undefined;
  };
  let failed = false; // one frame failed (bad image, engine error): the other lanes stop taking frames
  const lane = async (): Promise<void> => {
    for (let got = await take(); got && !failed; got = failed ? null : await take()) {
      const { i, frame } = got;
      try {
        const image = await frame.image;
        const mesh = meshAt(frame.t, i);
        const antispoof = antispoofAt(frame.t, i);
        const iris = mesh && (options.irisAt?.(frame.t) ?? true);
        const expressions = mesh && (options.expressionsAt?.(frame.t) ?? true);
        const track = mesh && !antispoof ? await hintsFor(frame.t, i) : undefined;
        if (failed) {
          settle[i]!(null);
          break;
        }
        const started = performance.now();
        const faces = await engine.detect(image, { mesh, iris, expressions, antispoof, maxFaces: options.maxFaces ?? 3, ...(track ? { track } : {}) });
        const m: FrameMeasurement = {
          t: frame.t,
          width: image.width,
          height: image.height,
          faces: [...faces].sort((a, b) => b.box.height - a.box.height),
          meshed: mesh,
          antispoofed: antispoof,
          tracked: faces.some((f) => f.tracked === true),
          ms: performance.now() - started,
        };
        out[i] = m;
        settle[i]!(m);
        options.onFrame?.(i, m, image);
      } catch (err) {
        failed = true;
        settle[i]!(null);
        throw err;
      }
    }
  };
  const slots = IN_FLIGHT_PER_SLOT * engine.parallelism;
  const lanes = 'length' in frames ? Math.min(slots, frames.length) : slots;
  await Promise.all(Array.from({ length: Math.max(1, lanes) }, lane));
  return out;
}

function arrayFrames(frames: readonly PendingFrame[]): AsyncIterator<PendingFrame> {
  let k = 0;
  return { next: async () => (k < frames.length ? { done: false, value: frames[k++]! } : { done: true, value: undefined }) };
}
