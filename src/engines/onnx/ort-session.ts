// A synchronous onnxruntime-node session. The package's public `InferenceSession.run` wraps the
// native binding's run, which is synchronous, in a promise resolved on `setImmediate`; the face
// models are called from inside code that tfjs runs synchronously (Human's pipeline calls
// `model.execute`), so we use the binding's run directly. onnxruntime-node has no `exports` map:
// `dist/binding.js` is a documented file of the package ("Binding exports a simple synchronized
// inference session object wrap"), pinned by our lockfile.

import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';

interface NativeSession {
  loadModel(buffer: ArrayBuffer, byteOffset: number, byteLength: number, options: ort.InferenceSession.SessionOptions): void;
  readonly inputMetadata: { name: string }[];
  readonly outputMetadata: { name: string }[];
  run(feeds: Record<string, ort.Tensor>, fetches: Record<string, null>, options: ort.InferenceSession.RunOptions): Record<string, ort.Tensor>;
  dispose(): void;
}

interface BindingModule {
  binding: { InferenceSession: new () => NativeSession };
  initOrt(): void;
}

const require = createRequire(import.meta.url);
let bindingModule: BindingModule | null = null;

function nativeBinding(): BindingModule {
  bindingModule ??= require('onnxruntime-node/dist/binding.js') as BindingModule;
  return bindingModule;
}

export interface SyncSession {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs the model; returns every output by name. Throws what onnxruntime throws. */
  run(feeds: Record<string, ort.Tensor>): Record<string, ort.Tensor>;
  dispose(): void;
}

export interface SyncSessionOptions {
  /**
   * Threads per run. Default 1: the face engine runs one model per worker thread, with as many
   * workers as cores, so extra intra-op threads would only compete with the other worker.
   */
  threads?: number;
  /**
   * onnxruntime's CPU memory arena (default on, as onnxruntime has it): it keeps the buffers of
   * past runs for the next ones. Off for Human's face models (graph-model.ts): an engine that
   * detected on a 3-face photo held 484–512 MB RSS against 513–520 MB with it (5 and 4 runs), with
   * the same per-model times (in process, two alternating runs each at load ~10).
   */
  memArena?: boolean;
}

export function createSyncSession(model: Uint8Array, options: SyncSessionOptions = {}): SyncSession {
  const { binding, initOrt } = nativeBinding();
  initOrt();
  const session = new binding.InferenceSession();
  session.loadModel(model.buffer as ArrayBuffer, model.byteOffset, model.byteLength, {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: options.memArena ?? true,
  });
  const inputNames = session.inputMetadata.map((m) => m.name);
  const outputNames = session.outputMetadata.map((m) => m.name);
  const fetches = Object.fromEntries(outputNames.map((n) => [n, null]));
  return {
    inputNames,
    outputNames,
    run: (feeds) => session.run(feeds, fetches, {}),
    dispose: () => session.dispose(),
  };
}
