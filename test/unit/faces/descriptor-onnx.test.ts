// The descriptor network written as ONNX and run on onnxruntime-node against the tfjs paths (face-api's
// own forward pass and the fused graph) on the same weights and chips.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { loadHuman } from '../../../src/engines/face/human-loader.ts';
import { loadFaceApi, type FaceApiModule } from '../../../src/engines/face/faceapi-loader.ts';
import { createDescriptorNet, type DescriptorNet } from '../../../src/engines/face/descriptor-net.ts';
import { createOnnxDescriptorNet, type OnnxDescriptorNet } from '../../../src/engines/face/descriptor-onnx.ts';
import { testChips } from './helpers.ts';

/**
 * Largest difference allowed on any descriptor component (components are ~0.1). Measured: 3.6e-7
 * against the fused tfjs graph, 3.3e-7 against face-api's own (fp32 on both sides; the kernels sum
 * in different orders). 2e-6 leaves room for another CPU's kernels and still moves a pair's distance
 * by at most 4.5e-5 (2 · 2e-6 · √128), a fifth of one 0.1 score step at the threshold (2.4e-4 in
 * distance: slope 100 / (4 · 0.06), domain/face-match.ts).
 */
const TOLERANCE = 2e-6;

let faceapi: FaceApiModule;
let fused: DescriptorNet;
let onnx: OnnxDescriptorNet;
before(async () => {
  await loadHuman(); // selects the WASM backend face-api runs on
  faceapi = await loadFaceApi();
  const params = faceapi.nets.faceRecognitionNet.params!;
  fused = createDescriptorNet(faceapi.tf, params);
  onnx = createOnnxDescriptorNet(faceapi.tf, params);
});
after(() => onnx.dispose());

const chipImage = (data: Uint8Array) => ({ width: 150, height: 150, data });

describe('descriptor network (onnxruntime)', () => {
  it('gives the tfjs descriptors to float rounding, alone and batched with the mirror image', async () => {
    const tf = faceapi.tf;
    let worstFused = 0, worstFaceApi = 0;
    for (const c of await testChips()) {
      const t = tf.tensor3d(c, [150, 150, 3], 'int32');
      const mirror = tf.reverse(t, 1);
      const ref = [await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(t), await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(mirror)] as Float32Array[];
      const out = fused.describe(tf.stack([t, mirror]) as Tensor4D);
      const fusedValues = await out.data();
      tf.dispose([t, mirror, out]);

      const [direct, mirrored] = onnx.describe(chipImage(c), true);
      const [alone] = onnx.describe(chipImage(c), false);
      assert.equal(direct!.length, 128);
      for (let i = 0; i < 256; i++) {
        const got = (i < 128 ? direct : mirrored)![i & 127]!;
        worstFused = Math.max(worstFused, Math.abs(got - fusedValues[i]!));
        worstFaceApi = Math.max(worstFaceApi, Math.abs(got - ref[i >> 7]![i & 127]!));
      }
      for (let i = 0; i < 128; i++) worstFused = Math.max(worstFused, Math.abs(alone![i]! - fusedValues[i]!));
    }
    assert.ok(worstFused < TOLERANCE, `largest difference from the fused graph ${worstFused}`);
    assert.ok(worstFaceApi < TOLERANCE, `largest difference from face-api ${worstFaceApi}`);
  });

  it('refuses a chip of another size', () => {
    assert.throws(() => onnx.describe({ width: 100, height: 150, data: new Uint8Array(100 * 150 * 3) }, false), /150×150/);
  });
});
