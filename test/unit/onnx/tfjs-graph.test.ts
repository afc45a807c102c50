// Human's face models converted to ONNX give tfjs' outputs on real face crops, and the converter
// refuses what it does not know instead of converting it wrongly.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import type * as tfc from '@tensorflow/tfjs-core';
import { loadHuman, type HumanInstance } from '../../../src/engines/face/human-loader.ts';
import { graphModelToOnnx, isOnOnnx, runOnOnnx, type TfjsGraphModel } from '../../../src/engines/onnx/graph-model.ts';
import { encodeOnnxModel } from '../../../src/engines/onnx/onnx-writer.ts';
import { createSyncSession } from '../../../src/engines/onnx/ort-session.ts';
import { tfjsGraphToOnnx, type TfNode } from '../../../src/engines/onnx/tfjs-graph.ts';
import * as ort from 'onnxruntime-node';
import { PERSON_A_S1, PERSON_B_S6, headCrop, sample } from '../faces/helpers.ts';

/**
 * Largest |ONNX − tfjs| allowed, relative to the output's largest magnitude (at least 1). Float32
 * kernels sum in a different order: measured ≤ 3.2e-6 of the range on these inputs (BlazeFace's
 * logits, 8.9e-4 on values up to 279; the mesh 1.5e-4 on coordinates up to 152); 2e-5 leaves room
 * for other CPUs' kernels (AVX-512 against AVX2).
 */
const RELATIVE_TOLERANCE = 2e-5;

/** Each model with the input Human gives it: the model's own size, and its value range. */
const HUMAN_INPUTS: Record<string, { scale: (v: number) => number; grey?: boolean }> = {
  blazeface: { scale: (v) => v / 127.5 - 1 },
  facemesh: { scale: (v) => v / 255 },
  iris: { scale: (v) => v / 255 },
  emotion: { scale: (v) => (v / 255 - 0.5) * 2, grey: true },
  antispoof: { scale: (v) => v / 255 },
  liveness: { scale: (v) => v / 255 },
};

let human: HumanInstance;
let tf: typeof tfc;
before(async () => {
  human = await loadHuman({ runtime: 'tfjs' });
  tf = human.tf as unknown as typeof tfc;
});

function model(name: string): TfjsGraphModel {
  const m = human.models.models[name];
  assert.ok(m, `${name} is loaded`);
  return m as unknown as TfjsGraphModel;
}

/** A JPEG resized to the model's input, scaled as Human scales it, with a batch of one. */
async function inputFor(name: string, jpeg: Buffer): Promise<tfc.Tensor> {
  const [, h = 1, w = 1, c = 3] = model(name).inputs[0]!.shape!;
  const { data } = await sharp(jpeg).resize(w, h, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const spec = HUMAN_INPUTS[name]!;
  const px = new Float32Array(h * w * c);
  for (let i = 0; i < h * w; i++) {
    for (let k = 0; k < c; k++) {
      const v = spec.grey ? 0.2989 * data[3 * i]! + 0.587 * data[3 * i + 1]! + 0.114 * data[3 * i + 2]! : data[3 * i + k]!;
      px[i * c + k] = spec.scale(v);
    }
  }
  return tf.tensor(px, [1, h, w, c], 'float32');
}

function outputs(m: TfjsGraphModel, x: tfc.Tensor): Array<{ shape: number[]; values: Float32Array }> {
  const out = m.execute(x);
  const list = Array.isArray(out) ? out : [out];
  const values = list.map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
  tf.dispose(list);
  return values;
}

describe('Human face models on onnxruntime', () => {
  const restores: Array<() => void> = [];
  after(() => restores.forEach((r) => r()));

  for (const name of Object.keys(HUMAN_INPUTS)) {
    it(`${name}: every output equals tfjs' within ${RELATIVE_TOLERANCE} of its range, on two faces`, async () => {
      const m = model(name);
      const inputs = [await inputFor(name, await headCrop(1, PERSON_A_S1, 256)), await inputFor(name, await headCrop(6, PERSON_B_S6, 256))];
      if (name === 'blazeface') inputs.push(await inputFor(name, await sample(1))); // the detector sees whole frames
      const expected = inputs.map((x) => outputs(m, x));
      restores.push(runOnOnnx(tf, name, m));
      assert.ok(isOnOnnx(m));
      for (const [i, x] of inputs.entries()) {
        const got = outputs(m, x);
        assert.equal(got.length, expected[i]!.length);
        for (const [k, ref] of expected[i]!.entries()) {
          assert.deepEqual(got[k]!.shape, ref.shape);
          const range = Math.max(1, ...ref.values.map(Math.abs));
          const diff = Math.max(...ref.values.map((v, j) => Math.abs(v - got[k]!.values[j]!)));
          assert.ok(diff <= RELATIVE_TOLERANCE * range, `${name} output ${k}: max diff ${diff} on range ${range}`);
        }
      }
      tf.dispose(inputs);
    });
  }

  it('follows tfjs\' execute convention: named outputs (with or without ":0"), one tensor when one is asked for', () => {
    const m = model('blazeface');
    runOnOnnx(tf, 'blazeface', m); // already on onnxruntime from the test above: left as it is
    const x = tf.zeros([1, 256, 256, 3]);
    const one = m.execute(x, ['Identity']);
    assert.ok(!Array.isArray(one));
    assert.deepEqual(one.shape, [1, 512, 1]);
    const two = m.execute(x, ['Identity_1:0', 'Identity']);
    assert.ok(Array.isArray(two) && two.length === 2);
    assert.deepEqual(two[0]!.shape, [1, 384, 1]);
    assert.throws(() => m.execute(x, 'nope'), /no output nope/);
    tf.dispose([x, one, ...two]);
  });
});

describe('tfjsGraphToOnnx', () => {
  it('converts a depthwise convolution with a channel multiplier as tfjs computes it', () => {
    // 2 channels × multiplier 3, SAME padding, stride 2: output channel c·3 + m is TF's [.., c, m].
    const filter = Float32Array.from({ length: 3 * 3 * 2 * 3 }, (_, i) => Math.sin(i));
    const input = Float32Array.from({ length: 5 * 5 * 2 }, (_, i) => Math.cos(i));
    const nodes: TfNode[] = [
      { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: 1 }, { size: 5 }, { size: 5 }, { size: 2 }] } } } },
      { name: 'w', op: 'Const' },
      { name: 'y', op: 'DepthwiseConv2dNative', input: ['x', 'w'], attr: {
        padding: { s: Buffer.from('SAME').toString('base64') }, strides: { list: { i: [1, 2, 2, 1] } }, dilations: { list: { i: [1, 1, 1, 1] } },
      } },
    ];
    const graph = tfjsGraphToOnnx('dw', { nodes, weights: new Map([['w', { dims: [3, 3, 2, 3], data: filter }]]), outputs: ['y'] });
    const session = createSyncSession(encodeOnnxModel(graph));
    const got = session.run({ x: new ort.Tensor('float32', input, [1, 5, 5, 2]) })['y']!;
    const ref = tf.depthwiseConv2d(tf.tensor4d(input, [1, 5, 5, 2]), tf.tensor4d(filter, [3, 3, 2, 3]), 2, 'same');
    assert.deepEqual(got.dims, ref.shape);
    const want = ref.dataSync();
    (got.data as Float32Array).forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-5, `${i}: ${v} vs ${want[i]}`));
    ref.dispose();
    session.dispose();
  });

  it('refuses an op it does not know, naming it', () => {
    const nodes: TfNode[] = [
      { name: 'x', op: 'Placeholder', attr: { shape: { shape: { dim: [{ size: 4 }] } } } },
      { name: 'y', op: 'Erf', input: ['x'] },
    ];
    assert.throws(() => tfjsGraphToOnnx('bad', { nodes, weights: new Map(), outputs: ['y'] }), /unsupported op Erf \(y\)/);
  });

  it('refuses a model without its graph', () => {
    assert.throws(() => graphModelToOnnx('empty', { inputs: [], outputs: [], weights: {}, execute: () => [] }), /no graph topology/);
  });
});
