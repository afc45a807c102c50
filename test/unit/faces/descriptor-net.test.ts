// The fused descriptor network against face-api's own forward pass on the same weights.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { loadHuman } from '../../../src/engines/face/human-loader.ts';
import { loadFaceApi, type FaceApiModule } from '../../../src/engines/face/faceapi-loader.ts';
import { createDescriptorNet, type DescriptorNet } from '../../../src/engines/face/descriptor-net.ts';
import { testChips } from './helpers.ts';

let faceapi: FaceApiModule;
let net: DescriptorNet;
before(async () => {
  await loadHuman(); // selects the WASM backend face-api runs on
  faceapi = await loadFaceApi();
  net = createDescriptorNet(faceapi.tf, faceapi.nets.faceRecognitionNet.params!);
});

describe('descriptor network (fused)', () => {
  it('gives face-api\'s descriptors to float rounding, alone and batched with the mirror image', async () => {
    const tf = faceapi.tf;
    let worst = 0;
    for (const c of await testChips()) {
      const t = tf.tensor3d(c, [150, 150, 3], 'int32');
      const mirror = tf.reverse(t, 1);
      const ref = [await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(t), await faceapi.nets.faceRecognitionNet.computeFaceDescriptor(mirror)] as Float32Array[];
      const out = net.describe(tf.stack([t, mirror]) as Tensor4D);
      const got = await out.data();
      for (let i = 0; i < 256; i++) worst = Math.max(worst, Math.abs(got[i]! - ref[i >> 7]![i & 127]!));
      tf.dispose([t, mirror, out]);
    }
    // Descriptor components are ~0.1; folding the scale layers into the filters moves the ~7th digit.
    assert.ok(worst < 1e-5, `largest difference ${worst}`);
  });
});
