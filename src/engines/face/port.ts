// The FaceEngine port: everything the pipeline, the liveness checks and the HTTP endpoints need
// from face models. Adapters (Human + face-api on tfjs WASM) implement it; nothing above this
// port knows which model produced a number.

import type { RgbImage } from '../rgb-image.ts';
export type { RgbImage };

export interface Box { x: number; y: number; width: number; height: number }

interface HeadPose {
  /** degrees; positive yaw = the person turns to their own left (image right side moves away). */
  yaw: number;
  /** degrees; positive pitch = looking up. */
  pitch: number;
  /** degrees; positive roll = head tilted clockwise in the image. */
  roll: number;
}

export interface FaceQuality {
  /** Face box height divided by image height (0–1). */
  faceSize: number;
  /** Variance of the Laplacian on the face crop, normalised to 0–1 (1 = sharp). */
  sharpness: number;
  /** Mean luma of the face crop, 0–1. */
  brightness: number;
  /** 0–1, share of the face judged occluded (low mesh confidence / hidden landmarks). */
  occlusion: number;
  /** Overall 0–100 quality score combining the above. */
  score: number;
}

export interface DetectedFace {
  box: Box;
  /** Detector confidence 0–1. */
  confidence: number;
  /**
   * Mesh landmarks in image pixels ([x, y] pairs, MediaPipe 468-point order + 10 iris points);
   * empty when the mesh model did not run. Then pose, eye*, mouth* and smile are NaN (unknown)
   * and quality.occlusion is NaN — callers check `landmarks.length` before using them.
   */
  landmarks: Array<[number, number]>;
  pose: HeadPose;
  /** Eye openness 0 (closed) – 1 (open), per eye from the person's point of view. */
  eyeOpenLeft: number;
  eyeOpenRight: number;
  /** Mouth opening 0 (closed) – 1 (wide open). */
  mouthOpen: number;
  /** Smile 0–1 (an expression model's score; NaN when it did not run). */
  smile: number;
  /**
   * Mouth corner to corner in inter-ocular distances (landmarks.ts mouthShape): a smile pulls the
   * corners out. Only its change against the same person's neutral means anything.
   */
  mouthWidth: number;
  quality: FaceQuality;
  /** Passive anti-spoofing signals straight from models (0–1, 1 = real); null when not run. */
  antispoof: number | null;
  liveness: number | null;
  /** True when the face was tracked from a hint (DetectOptions.track) instead of detected. */
  tracked?: boolean;
}

/**
 * A face of an earlier frame of the same capture, as the square crop (image pixels) to run the mesh
 * on in the next one: see track-hint.ts.
 */
export interface FaceHint {
  cx: number;
  cy: number;
  size: number;
  /** The face's box side over its mesh's extent when it was detected (its crop scales with the mesh). */
  boxOverMesh: number;
  /** The detector confidence the face had when it was last detected (kept while it is tracked). */
  confidence: number;
}

/**
 * Where an engine's models run (FACE_RUNTIME): 'onnx', onnxruntime-node's native kernels, or
 * 'tfjs', tfjs WASM as Human and face-api ship (the fallback). See docs/model-card-faces.md, session 11.
 */
export type FaceRuntime = 'onnx' | 'tfjs';

export interface DetectOptions {
  /** Run the mesh/iris/pose part (needed for pose/blink/smile). Default true. */
  mesh?: boolean;
  /** Run the iris model (refines eye contours for blink detection). Default: same as mesh. */
  iris?: boolean;
  /** Run the expression model (smile). Default: same as mesh; smile is NaN when off. */
  expressions?: boolean;
  /** Run the passive anti-spoof models. Default false (costs time; the pipeline asks when needed). */
  antispoof?: boolean;
  /** Maximum faces to return. Default 5. */
  maxFaces?: number;
  /**
   * Detector confidence floor for this call; default is the engine's (0.5). Lower it only where one
   * face is expected and a weak one is better than none (small, blurred document photos).
   */
  minConfidence?: number;
  /**
   * Track these faces from an earlier frame instead of running the detector: the mesh runs on a crop
   * around each (about half the cost of a detection). Only with the mesh; if the mesh no longer
   * finds any of them (face lost, moved too far), the call runs the full detection instead. A face
   * that is new since the hint's frame is not seen: callers detect on a regular cadence.
   */
  track?: FaceHint[];
}

export interface EmbedOptions {
  /**
   * Test-time augmentation (mean with the mirrored chip's descriptor): about twice the cost, worth
   * it only for low-resolution faces (document portraits, small photos) — see SMALL_FACE_PX in
   * faces/face-for-matching.ts.
   */
  augment?: boolean;
}

/** A 128-d identity embedding (face-api ResNet-34), L2 distance comparable. */
export type Embedding = Float32Array;

export interface FaceEngine {
  /**
   * How many calls the engine runs at the same time (its worker threads; 1 in process). Callers
   * with many frames keep this many calls in flight.
   */
  readonly parallelism: number;
  /** Loads models once; idempotent. */
  init(): Promise<void>;
  detect(image: RgbImage, options?: DetectOptions): Promise<DetectedFace[]>;
  /** Identity embedding of the face in `box` (the adapter aligns/crops). */
  embed(image: RgbImage, face: DetectedFace, options?: EmbedOptions): Promise<Embedding>;
  /** Calibrated similarity score 0–100 of two embeddings (see domain/face-match.ts). */
  similarity(a: Embedding, b: Embedding): number;
  /** Model names and versions, for evidence and the model card. */
  info(): { detector: string; embedder: string; antispoof: string };
}
