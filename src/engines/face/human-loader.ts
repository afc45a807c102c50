// Loads @vladmandic/human's Node WASM build with its bundled models, offline.
//
// Why not `import '@vladmandic/human'`: its package.json "exports" map mixes conditions and
// subpaths, so Node cannot resolve `dist/human.node-wasm.js` by name; we resolve the package's main
// file and take the WASM build next to it.
//
// Why a tfjs load router instead of a fetch shim: Human loads models with the global `fetch`, which
// in Node does not accept file:// URLs. tfjs asks its IO registry for a handler before falling back
// to HTTP, so registering a router for `file://…/human/models/` URLs serves the JSON + weights from
// disk without patching any global. The router is scoped to that directory and refuses the rest.

import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isOnOnnx, runOnOnnx, type TfjsGraphModel } from '../onnx/graph-model.ts';
import type { FaceRuntime } from './port.ts';

const require = createRequire(import.meta.url);

type Point = [number, number, number?];

/** The part of Human's FaceResult we use (see node_modules/@vladmandic/human/types/human.d.ts). */
export interface HumanFace {
  score: number;
  boxScore: number;
  faceScore: number;
  box: [number, number, number, number];
  mesh: Point[];
  emotion?: Array<{ score: number; emotion: string }>;
  real?: number;
  live?: number;
  rotation?: { angle: { roll: number; yaw: number; pitch: number } } | null;
}

export interface TensorLike { dispose(): void }

interface HumanTf {
  tensor3d(values: Uint8Array | Int32Array, shape: [number, number, number], dtype: 'int32'): TensorLike;
  zeros(shape: number[]): TensorLike;
  dispose(x: TensorLike | TensorLike[]): void;
  getBackend(): string;
  memory(): { numTensors: number };
  io: { registerLoadRouter(router: (url: string | string[]) => unknown): void };
}

/** A loaded tfjs graph model, as far as warming it up needs. */
interface GraphModelLike {
  inputs: Array<{ shape?: number[] }>;
  execute(x: TensorLike): TensorLike | TensorLike[];
}

export interface HumanInstance {
  version: string;
  /** Kernel names of the active backend, lower case (Human's env). */
  env: { kernels: string[] };
  tf: HumanTf;
  models: { models: Record<string, GraphModelLike | null | undefined> };
  load(): Promise<void>;
  init(): Promise<void>;
  detect(input: TensorLike, config?: Record<string, unknown>): Promise<{ face: HumanFace[]; error?: string | null }>;
}

interface HumanModule { Human: new (config: Record<string, unknown>) => HumanInstance }

export function humanPaths(): { wasmBuild: string; models: string; version: string; wasmDir: string } {
  const main = require.resolve('@vladmandic/human'); // …/human/dist/human.node.js
  const root = resolve(dirname(main), '..');
  const version = (require(join(root, 'package.json')) as { version: string }).version;
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm')); // holds the .wasm files
  return { wasmBuild: join(root, 'dist', 'human.node-wasm.js'), models: join(root, 'models'), version, wasmDir };
}

/** Human configuration: face only, no frame-to-frame caching (every call is a fresh image). */
function baseConfig(modelsUrl: string, wasmDir: string): Record<string, unknown> {
  return {
    backend: 'wasm',
    wasmPath: wasmDir + '/',
    modelBasePath: modelsUrl,
    debug: false,
    warmup: 'none',
    cacheModels: false,
    // 0 disables Human's "reuse last result when the frame barely changed" shortcut: callers give us
    // unrelated images (document, selfie, frames) and must get a fresh detection each time.
    cacheSensitivity: 0,
    face: {
      enabled: true,
      detector: { rotation: false, maxDetected: 5, skipFrames: 0, skipTime: 0, minConfidence: 0.2, return: false },
      mesh: { enabled: true },
      attention: { enabled: false },
      iris: { enabled: true },
      emotion: { enabled: true, skipFrames: 0, skipTime: 0 },
      description: { enabled: false }, // faceres is not an identity model; face-api embeds instead
      antispoof: { enabled: true, skipFrames: 0, skipTime: 0 },
      liveness: { enabled: true, skipFrames: 0, skipTime: 0 },
      gear: { enabled: false },
    },
    body: { enabled: false },
    hand: { enabled: false },
    object: { enabled: false },
    gesture: { enabled: false },
    segmentation: { enabled: false },
    filter: { enabled: false },
  };
}

let routerRegistered = false; // process-wide: tfjs has one IO registry per process

function registerFileRouter(tf: HumanTf, modelsDir: string): void {
  if (routerRegistered) return;
  routerRegistered = true;
  const prefix = pathToFileURL(modelsDir).href + '/';
  tf.io.registerLoadRouter((url) => {
    const u = Array.isArray(url) ? url[0] : url;
    if (typeof u !== 'string' || !u.startsWith(prefix) || u.includes('..')) return null;
    return { load: () => loadGraphArtifacts(fileURLToPath(u)) };
  });
}

interface ModelJson {
  modelTopology: unknown;
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  signature?: unknown;
  userDefinedMetadata?: unknown;
  weightsManifest: Array<{ paths: string[]; weights: unknown[] }>;
}

export async function loadGraphArtifacts(jsonPath: string): Promise<Record<string, unknown>> {
  const json = JSON.parse(await readFile(jsonPath, 'utf8')) as ModelJson;
  const dir = dirname(jsonPath);
  const weightSpecs: unknown[] = [];
  const parts: Buffer[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) parts.push(await readFile(join(dir, p)));
  }
  const all = Buffer.concat(parts);
  const { weightsManifest: _omit, ...rest } = json;
  return { ...rest, weightSpecs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) };
}

/**
 * `defaults`: Human exactly as its README sets it up (every default model: body, hands, faceres…;
 * its frame cache), only pointed at the bundled models and WASM. That is the naive integrator
 * bench:pipeline compares against, never what the server runs (and always on tfjs).
 * `runtime` 'onnx': Human's face models converted to ONNX and run on onnxruntime's native kernels
 * (BlazeFace ~38 → ~8 ms, the mesh ~9 → ~4.5 ms of CPU per call on the 2-core Xeon; see
 * docs/model-card-faces.md, session 11); Human's pre- and post-processing stays on tfjs WASM.
 * 'tfjs' (loadHuman's default): everything on tfjs WASM, as Human ships.
 */
export async function loadHuman(opts: { defaults?: boolean; runtime?: FaceRuntime } = {}): Promise<HumanInstance> {
  const paths = humanPaths();
  const mod = require(paths.wasmBuild) as HumanModule;
  const modelsUrl = pathToFileURL(paths.models).href + '/';
  // warmup 'none' even for the defaults: Human's warm-up image needs a canvas, which Node lacks.
  const config = opts.defaults ? { backend: 'wasm', wasmPath: paths.wasmDir + '/', modelBasePath: modelsUrl, cacheModels: false, warmup: 'none' } : baseConfig(modelsUrl, paths.wasmDir);
  const human = new mod.Human(config);
  await human.init(); // selects the wasm backend
  registerFileRouter(human.tf, paths.models);
  await human.load();
  // Human keeps its models in its bundle's module scope: every Human of this thread shares them, so
  // they run on one runtime per thread, and asking for the other one is a mistake to report.
  const models = Object.entries(human.models.models).filter((e): e is [string, GraphModelLike] => !!e[1]);
  const runtime = opts.defaults ? 'tfjs' : (opts.runtime ?? 'tfjs');
  if (runtime === 'onnx') {
    // Human's bundled tfjs is the tfjs-core API, as tracked-mesh.ts types it.
    const tf = human.tf as unknown as Parameters<typeof runOnOnnx>[0];
    for (const [name, model] of models) runOnOnnx(tf, name, model as unknown as TfjsGraphModel);
  } else if (models.some(([, m]) => isOnOnnx(m as unknown as TfjsGraphModel))) {
    throw new Error('human: this thread\'s Human models already run on onnxruntime (Human shares them between instances)');
  }
  return human;
}
