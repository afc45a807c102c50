// The identity descriptor of an aligned 150×150 chip (and of its mirror image), on one of two
// runtimes that compute the same network from face-api's weights:
//   - 'onnx' (default): onnxruntime-node's native kernels (descriptor-onnx.ts), ~5× less CPU;
//   - 'tfjs': the fused tfjs graph on the WASM backend (descriptor-net.ts), kept for before/after
//     measurements and as a fallback should the native runtime be unavailable on a platform.
// Descriptors of the two agree to ~4e-7 (test/unit/faces/descriptor-onnx.test.ts).

import type * as tfc from '@tensorflow/tfjs-core';
import { createDescriptorNet, type DescriptorParams } from './descriptor-net.ts';
import { createOnnxDescriptorNet } from './descriptor-onnx.ts';
import { rgbTensor } from './rgb-tensor.ts';
import type { FaceRuntime, RgbImage } from './port.ts';

export interface ChipDescriptor {
  readonly runtime: FaceRuntime;
  /** The chip's descriptor, and with `withMirror` its mirror image's second, computed as one batch. */
  describe(chip: RgbImage, withMirror: boolean): Promise<Float32Array[]>;
}

export function createChipDescriptor(tf: typeof tfc, params: DescriptorParams, runtime: FaceRuntime = 'onnx'): ChipDescriptor {
  if (runtime === 'onnx') {
    const net = createOnnxDescriptorNet(tf, params);
    return { runtime, describe: async (chip, withMirror) => net.describe(chip, withMirror) };
  }
  const net = createDescriptorNet(tf, params);
  return {
    runtime,
    async describe(chip, withMirror) {
      const out = tf.tidy(() => {
        const t = rgbTensor(tf, chip);
        return net.describe(withMirror ? tf.stack([t, tf.reverse(t, 1)]) as tfc.Tensor4D : tf.expandDims(t, 0) as tfc.Tensor4D);
      });
      try {
        const values = await out.data();
        const n = out.shape[1];
        return Array.from({ length: out.shape[0] }, (_, i) => Float32Array.from(values.subarray(i * n, (i + 1) * n)));
      } finally {
        out.dispose();
      }
    },
  };
}
