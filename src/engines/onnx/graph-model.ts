// Runs a loaded tfjs GraphModel on onnxruntime instead: the model's graph and decoded weights are
// converted (tfjs-graph.ts) and the model object's `execute` is replaced, in place, by one that
// feeds the synchronous ONNX session. In place because Human keeps each model in a module
// variable of its bundle as well as in `human.models.models`: swapping the object in the map
// would leave Human's pipeline calling the tfjs one.
//
// The replacement keeps tfjs' calling convention (GraphModel.execute): one input tensor, optional
// output names (a name or a list, with or without ":0"), the model's own outputs by default, and a
// single tensor back when one output is asked for, as tfjs returns it.

import * as ort from 'onnxruntime-node';
import type * as tfc from '@tensorflow/tfjs-core';
import { encodeOnnxModel } from './onnx-writer.ts';
import { createSyncSession } from './ort-session.ts';
import { tfjsGraphToOnnx, type TfNode, type TfWeight } from './tfjs-graph.ts';

/** The parts of a tfjs GraphModel (tfjs-converter 4.x) used here. */
export interface TfjsGraphModel {
  inputs: Array<{ name: string; shape?: number[] }>;
  outputs: Array<{ name: string }>;
  artifacts?: { modelTopology?: unknown };
  weights: Record<string, tfc.Tensor[]>;
  execute(x: tfc.Tensor | tfc.Tensor[], outputs?: string | string[]): tfc.Tensor | tfc.Tensor[];
}

type Tf = Pick<typeof tfc, 'tensor'>;

/** Models whose execute runs on onnxruntime, with what puts tfjs' back. */
const onOnnx = new WeakMap<TfjsGraphModel, () => void>();

/** Whether `model.execute` already runs on onnxruntime. */
export function isOnOnnx(model: TfjsGraphModel): boolean {
  return onOnnx.has(model);
}

/** The ONNX bytes of a loaded tfjs graph model, outputs in the model's own order. */
export function graphModelToOnnx(name: string, model: TfjsGraphModel): Uint8Array {
  const topology = model.artifacts?.modelTopology as { node?: TfNode[] } | undefined;
  if (!topology?.node) throw new Error(`${name}: the model has no graph topology to convert`);
  const weights = new Map<string, TfWeight>();
  for (const [key, [t]] of Object.entries(model.weights)) {
    if (!t) continue;
    const data = t.dataSync();
    weights.set(key, { dims: t.shape, data: data instanceof Int32Array ? data : Float32Array.from(data) });
  }
  return encodeOnnxModel(tfjsGraphToOnnx(name, { nodes: topology.node, weights, outputs: model.outputs.map((o) => o.name) }));
}

/**
 * Makes `model.execute` run on onnxruntime (single-threaded: see ort-session.ts). Returns a
 * function that puts tfjs' own execute back. A model already on onnxruntime is left as it is.
 */
export function runOnOnnx(tf: Tf, name: string, model: TfjsGraphModel): () => void {
  const existing = onOnnx.get(model);
  if (existing) return existing;
  // Small models called many times: the arena's kept buffers cost more memory than they save time.
  const session = createSyncSession(graphModelToOnnx(name, model), { memArena: false });
  const [inputName] = session.inputNames;
  const outputNames = model.outputs.map((o) => o.name);
  const own = Object.getOwnPropertyDescriptor(model, 'execute');
  const execute = (x: tfc.Tensor | tfc.Tensor[], outputs?: string | string[]): tfc.Tensor | tfc.Tensor[] => {
    const input = Array.isArray(x) ? x : [x];
    if (input.length !== 1 || !input[0]) throw new Error(`${name}: expects one input tensor, got ${input.length}`);
    const t = input[0];
    const data = t.dtype === 'float32' ? (t.dataSync() as Float32Array) : Float32Array.from(t.dataSync());
    const result = session.run({ [inputName!]: new ort.Tensor('float32', data, t.shape) });
    const wanted = outputs === undefined ? outputNames : (Array.isArray(outputs) ? outputs : [outputs]).map((o) => o.replace(/:0$/, ''));
    const tensors = wanted.map((o) => {
      const r = result[o];
      if (!r) throw new Error(`${name}: no output ${o} (has ${outputNames.join(', ')})`);
      return tf.tensor(r.data as Float32Array, r.dims as number[], 'float32');
    });
    return tensors.length === 1 ? tensors[0]! : tensors;
  };
  Object.defineProperty(model, 'execute', { value: execute, configurable: true, writable: true });
  const restore = (): void => {
    if (!onOnnx.delete(model)) return;
    if (own) Object.defineProperty(model, 'execute', own);
    else delete (model as Partial<TfjsGraphModel>).execute;
    session.dispose();
  };
  onOnnx.set(model, restore);
  return restore;
}
