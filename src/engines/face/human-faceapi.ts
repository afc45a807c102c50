// FaceEngine adapter: @vladmandic/human (BlazeFace detector, MediaPipe mesh + iris, emotion,
// antispoof, liveness) for everything but identity, and @vladmandic/face-api's dlib-ResNet-34 port
// for the 128-d identity descriptor. The models run on onnxruntime (Human's converted from their tfjs
// graphs, human-loader.ts; the descriptor written from face-api's weights, chip-descriptor.ts), the
// pre- and post-processing on the one tfjs WASM backend of this process; `runtime: 'tfjs'` runs
// everything on tfjs WASM.
//
// tfjs WASM executes one graph at a time per process and Human keeps per-call configuration on the
// instance, so every inference goes through `serial`: concurrent callers queue instead of racing.

import { loadHuman, humanPaths, type HumanFace, type HumanInstance } from './human-loader.ts';
import { loadFaceApi, faceApiPaths, type FaceApiModule } from './faceapi-loader.ts';
import { eyeOpenness, fivePoints, mouthOpenness, mouthShape, rollFromMesh } from './landmarks.ts';
import { faceQuality } from './quality.ts';
import { alignedChip } from './align.ts';
import { createChipDescriptor, type ChipDescriptor } from './chip-descriptor.ts';
import { rgbTensor } from './rgb-tensor.ts';
import { trackedFaces, type TrackModels } from './tracked-mesh.ts';
import type * as tfc from '@tensorflow/tfjs-core';
import { similarityScore } from '../../domain/face-match.ts';
import type { DetectOptions, DetectedFace, Embedding, FaceEngine, FaceRuntime, RgbImage } from './port.ts';

export interface FaceEngineOptions {
  /**
   * Detector confidence below which a candidate is dropped. 0.5: the 21 real faces of face-api's
   * sample photos scored 0.53–0.94; partial faces cut by a crop edge 0.33–0.71. Human's own floor
   * (0.2) lets weak hits through that would count as extra people. Not measured on a
   * false-positive set.
   */
  minConfidence?: number;
  /** Average with the mirrored chip on every embed, whatever the caller asks (benchmarks). */
  flipAugment?: boolean;
  /**
   * Where the models run (FACE_RUNTIME): Human's (human-loader.ts) and the identity network
   * (chip-descriptor.ts) alike; default 'onnx', 'tfjs' as the fallback.
   */
  runtime?: FaceRuntime;
}

interface Models { human: HumanInstance; faceapi: FaceApiModule; net: ChipDescriptor; track: TrackModels }

const RAD = 180 / Math.PI;

export function createFaceEngine(options: FaceEngineOptions = {}): FaceEngine {
  const minConfidence = options.minConfidence ?? 0.5;
  const flipAlways = options.flipAugment ?? false;
  const runtime = options.runtime ?? 'onnx';
  const runtimeName = runtime === 'onnx' ? 'onnxruntime-node' : 'tfjs-wasm';
  let loading: Promise<Models> | null = null;
  let chain: Promise<unknown> = Promise.resolve();

  const models = (): Promise<Models> => {
    loading ??= (async () => {
      const human = await loadHuman({ runtime });
      const faceapi = await loadFaceApi();
      const params = faceapi.nets.faceRecognitionNet.params;
      if (!params) throw new Error('face-api: the face recognition weights did not load');
      const loaded = { human, faceapi, net: createChipDescriptor(faceapi.tf, params, runtime), track: trackModels(human) };
      await warmUp(loaded);
      return loaded;
    })();
    return loading;
  };
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = chain.then(fn, fn);
    chain = run.catch(() => undefined);
    return run;
  };

  const detectRaw = async (m: Models, image: RgbImage, opts: DetectOptions): Promise<DetectedFace[]> => {
    const mesh = opts.mesh ?? true;
    const iris = mesh && (opts.iris ?? true), expressions = mesh && (opts.expressions ?? true);
    const spoof = opts.antispoof ?? false;
    const floor = opts.minConfidence ?? minConfidence;
    assertRgb(image);
    const tensor = rgbTensor(m.human.tf, image);
    try {
      if (mesh && opts.track?.length) {
        const tracked = await trackedFaces(m.track, tensor as unknown as tfc.Tensor3D, opts.track, { iris, expressions });
        // Lost (null): fall through to a full detection of this frame.
        if (tracked) return tracked.map((f) => ({ ...toDetected(f, image, true), tracked: true }));
      }
      const res = await m.human.detect(tensor, {
        face: {
          detector: { maxDetected: opts.maxFaces ?? 5, minConfidence: Math.min(0.2, floor) },
          mesh: { enabled: mesh },
          iris: { enabled: iris },
          emotion: { enabled: expressions },
          antispoof: { enabled: spoof },
          liveness: { enabled: spoof },
        },
      });
      if (res.error) throw new Error(`human: ${res.error}`);
      return res.face.filter((f) => f.boxScore >= floor).map((f) => toDetected(f, image, mesh));
    } finally {
      tensor.dispose();
    }
  };

  return {
    parallelism: 1,
    async init() {
      await models();
    },
    async detect(image, opts = {}) {
      const m = await models();
      return serial(() => detectRaw(m, image, opts));
    },
    async embed(image, face, embedOptions = {}) {
      const m = await models();
      return serial(async () => {
        let landmarks = face.landmarks;
        if (landmarks.length === 0) landmarks = (await meshFor(m, image, face)).landmarks;
        const chip = alignedChip(image, fivePoints(landmarks));
        if (!(embedOptions.augment ?? flipAlways)) return descriptor(m, chip);
        // Mean of the chip's and its mirror's descriptors: cheap test-time augmentation that makes
        // the embedding less sensitive to small alignment errors on low-resolution faces.
        const [direct, mirrored] = await descriptorAndMirror(m, chip);
        return direct.map((v, i) => (v + (mirrored[i] ?? 0)) / 2);
      });
    },
    similarity(a: Embedding, b: Embedding) {
      return similarityScore(a, b);
    },
    info() {
      const h = humanPaths();
      const f = faceApiPaths();
      return {
        detector: `@vladmandic/human ${h.version} blazeface+facemesh+iris+emotion (${runtimeName})`,
        embedder: `@vladmandic/face-api ${f.version} faceRecognitionNet (dlib ResNet-34 128-d, aligned 150px chip)`,
        antispoof: `@vladmandic/human ${h.version} antispoof+liveness (${runtimeName})`,
      };
    },
  };

  /** The face needs landmarks for alignment: re-detect with the mesh and take the best-overlapping face. */
  async function meshFor(m: Models, image: RgbImage, face: DetectedFace): Promise<DetectedFace> {
    // Same settings as the calibration run (mesh without iris/expressions): see domain/face-match.ts.
    const faces = await detectRaw(m, image, { mesh: true, iris: false, expressions: false, maxFaces: 5 });
    const best = faces.map((f) => ({ f, iou: iou(f.box, face.box) })).sort((x, y) => y.iou - x.iou)[0];
    if (!best || best.iou < 0.3 || best.f.landmarks.length === 0) throw new Error('embed: could not find landmarks for the face');
    return best.f;
  }
}

/**
 * Human's own models and tfjs for the tracked mesh. Human bundles its own tfjs build: its `tf` is
 * the tfjs-core API (the version its package pins), typed here with the project's tfjs-core types.
 */
function trackModels(human: HumanInstance): TrackModels {
  const models = human.models.models;
  const mesh = models['facemesh'];
  if (!mesh) throw new Error('human: the face mesh model did not load');
  return {
    tf: human.tf as unknown as TrackModels['tf'],
    mesh: mesh as unknown as TrackModels['mesh'],
    iris: (models['iris'] ?? null) as TrackModels['iris'],
    emotion: (models['emotion'] ?? null) as TrackModels['emotion'],
    kernels: human.env.kernels,
  };
}

/**
 * Runs every model once on a blank input of its own shape. A graph's first execution on the WASM
 * backend sets up its kernels and costs several times a steady call (the first liveness check after
 * start took ~1.1 s without this, ~0.65 s with it; ~0.35 s once warm), so a server pays it at
 * start-up instead of on a user's request.
 */
async function warmUp(m: Models): Promise<void> {
  const tf = m.human.tf;
  for (const model of Object.values(m.human.models.models)) {
    if (!model) continue;
    const shape = (model.inputs[0]?.shape ?? [1, 64, 64, 3]).map((d) => (d > 0 ? d : 1));
    const x = tf.zeros(shape);
    try {
      tf.dispose(model.execute(x));
    } finally {
      tf.dispose(x);
    }
  }
  await descriptor(m, { width: 150, height: 150, data: new Uint8Array(150 * 150 * 3).fill(128) });
}

/** The descriptor of one 150×150 chip. */
async function descriptor(m: Models, chip: RgbImage): Promise<Float32Array> {
  const [d] = await m.net.describe(chip, false);
  return d!;
}

/**
 * Descriptors of a chip and of its mirror image, as one batch of two: the network's ops are
 * dispatched once for both (each image's values are what it gives alone).
 */
async function descriptorAndMirror(m: Models, chip: RgbImage): Promise<[Float32Array, Float32Array]> {
  const [a, b] = await m.net.describe(chip, true);
  return [a!, b!];
}

function toDetected(f: HumanFace, image: RgbImage, meshRan: boolean): DetectedFace {
  const [x, y, width, height] = f.box;
  const box = { x, y, width, height };
  const hasMesh = meshRan && f.mesh.length >= 468;
  const landmarks: Array<[number, number]> = hasMesh ? f.mesh.map((p) => [p[0], p[1]]) : [];
  const angle = f.rotation?.angle;
  // Human lists only emotions above its 0.1 floor: a missing "happy" after the model ran means ~0.
  const happy = f.emotion ? (f.emotion.find((e) => e.emotion === 'happy')?.score ?? 0) : undefined;
  return {
    box,
    confidence: f.boxScore,
    landmarks,
    // Human's raw angles (radians) have the opposite signs to the port: its yaw is > 0 when the
    // person turns to their own right and its pitch > 0 when looking down (checked on sample2's
    // profile and head-down faces, and by mirroring: test/unit/faces/engine.test.ts). Roll comes
    // from the eye line, which is exact for in-plane tilt.
    pose: hasMesh && angle
      ? { yaw: -angle.yaw * RAD, pitch: -angle.pitch * RAD, roll: rollFromMesh(f.mesh) }
      : { yaw: Number.NaN, pitch: Number.NaN, roll: Number.NaN },
    eyeOpenLeft: hasMesh ? eyeOpenness(f.mesh, 'left') : Number.NaN,
    eyeOpenRight: hasMesh ? eyeOpenness(f.mesh, 'right') : Number.NaN,
    mouthOpen: hasMesh ? mouthOpenness(f.mesh) : Number.NaN,
    smile: hasMesh && happy !== undefined ? happy : Number.NaN,
    mouthWidth: hasMesh ? mouthShape(f.mesh).width : Number.NaN,
    quality: faceQuality(image, box, hasMesh ? Math.min(1, Math.max(0, 1 - f.faceScore)) : Number.NaN),
    antispoof: typeof f.real === 'number' ? f.real : null,
    liveness: typeof f.live === 'number' ? f.live : null,
  };
}

function assertRgb(image: RgbImage): void {
  if (image.data.length !== image.width * image.height * 3) {
    throw new Error(`RgbImage data has ${image.data.length} bytes, expected ${image.width}×${image.height}×3`);
  }
}

function iou(a: DetectedFace['box'], b: DetectedFace['box']): number {
  const x0 = Math.max(a.x, b.x), y0 = Math.max(a.y, b.y);
  const x1 = Math.min(a.x + a.width, b.x + b.width), y1 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x1 - x0) * Math.max(0, y1 - y0);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}
