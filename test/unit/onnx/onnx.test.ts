// The ONNX writer's models load in onnxruntime-node and compute what their graph says; the synchronous session runs them.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { encodeOnnxModel } from '../../../src/engines/onnx/onnx-writer.ts';
import { createSyncSession } from '../../../src/engines/onnx/ort-session.ts';

describe('encodeOnnxModel', () => {
  it('runs a conv + bias + relu, a transpose and a reshape with int64 constants, as written', async () => {
    // 1×1×3×3 input, one 2×2 filter of ones, bias −10: each output is the sum of a 2×2 window − 10, then relu.
    const bytes = encodeOnnxModel({
      name: 't',
      inputs: [{ name: 'x', type: 'float32', shape: ['n', 1, 3, 3] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n', 4] }, { name: 'z', type: 'float32', shape: ['n', 3, 3, 1] }],
      initializers: [
        { name: 'w', type: 'float32', dims: [1, 1, 2, 2], data: new Float32Array([1, 1, 1, 1]) },
        { name: 'b', type: 'float32', dims: [1], data: new Float32Array([-10]) },
        { name: 'shape', type: 'int64', dims: [2], data: new BigInt64Array([-1n, 4n]) },
      ],
      nodes: [
        { op: 'Conv', inputs: ['x', 'w', 'b'], outputs: ['c'], attrs: { kernel_shape: { ints: [2, 2] }, strides: { ints: [1, 1] } } },
        { op: 'Relu', inputs: ['c'], outputs: ['r'] },
        { op: 'Reshape', inputs: ['r', 'shape'], outputs: ['y'] },
        { op: 'Transpose', inputs: ['x'], outputs: ['z'], attrs: { perm: { ints: [0, 2, 3, 1] } } },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), [1, 1, 3, 3]);
    const out = await session.run({ x });
    // windows: 1+2+4+5=12, 2+3+5+6=16, 4+5+7+8=24, 5+6+8+9=28 → minus 10
    assert.deepEqual(Array.from(out.y!.data as Float32Array), [2, 6, 14, 18]);
    assert.deepEqual(out.y!.dims, [1, 4]);
    assert.deepEqual(out.z!.dims, [1, 3, 3, 1]);
  });

  it('writes float, int, string and float-list attributes with their types', async () => {
    const bytes = encodeOnnxModel({
      name: 'attrs',
      inputs: [{ name: 'x', type: 'float32', shape: [1, 4] }],
      outputs: [{ name: 'y', type: 'float32', shape: [1, 4] }, { name: 'p', type: 'float32', shape: [1, 2] }],
      initializers: [{ name: 'pads', type: 'int64', dims: [4], data: new BigInt64Array([0n, 1n, 0n, 1n]) }],
      nodes: [
        { op: 'LeakyRelu', inputs: ['x'], outputs: ['y'], attrs: { alpha: { f: 0.5 } } },
        { op: 'Pad', inputs: ['x', 'pads'], outputs: ['padded'], attrs: { mode: { s: 'constant' } } },
        { op: 'ReduceMax', inputs: ['padded'], outputs: ['m'], attrs: { axes: { ints: [1] }, keepdims: { i: 1 } } },
        { op: 'Concat', inputs: ['m', 'm'], outputs: ['p'], attrs: { axis: { i: -1 } } },
      ],
    });
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([-2, -1, 3, 1]), [1, 4]) });
    assert.deepEqual(Array.from(out.y!.data as Float32Array), [-1, -0.5, 3, 1]);
    assert.deepEqual(Array.from(out.p!.data as Float32Array), [3, 3]);
  });
});

describe('createSyncSession', () => {
  it('runs a written model synchronously and returns every output by name', () => {
    const bytes = encodeOnnxModel({
      name: 'sync',
      inputs: [{ name: 'x', type: 'float32', shape: [2] }],
      outputs: [{ name: 'y', type: 'float32', shape: [2] }, { name: 's', type: 'float32', shape: [2] }],
      initializers: [],
      nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'] }, { op: 'Sigmoid', inputs: ['x'], outputs: ['s'] }],
    });
    const session = createSyncSession(bytes);
    assert.deepEqual(session.inputNames, ['x']);
    const out = session.run({ x: new ort.Tensor('float32', Float32Array.from([-1, 2]), [2]) });
    assert.deepEqual(Array.from(out.y!.data as Float32Array), [0, 2]);
    assert.ok(Math.abs((out.s!.data as Float32Array)[0]! - 1 / (1 + Math.E)) < 1e-6);
    session.dispose();
  });
});
