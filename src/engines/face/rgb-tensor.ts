// The int32 input tensor of an RGB image, without a new JS buffer per call.
//
// Why: tfjs's tensor3d(Uint8Array, shape, 'int32') widens the bytes into a new Int32Array on every
// call (4 bytes a channel: 3.7 MB for a 640×480 frame). The WASM backend copies those values into
// its own heap and drops the array, so each detect left megabytes of garbage outside the JS heap,
// and the face worker's V8 ran a full mark every 0.5–0.9 s for "external memory pressure".
// Here the bytes are widened into one scratch Int32Array per thread instead. tfjs takes an
// Int32Array as is, and the WASM backend copies it into WASM memory while making the tensor
// (backend_wasm.js move(): HEAPU8.set), so the scratch is free for the next call as soon as
// tensor3d returns. The values are the same as tfjs's own widening: the same tensor.

import type { RgbImage } from '../rgb-image.ts';

/** Images up to 1280×1280 (the matching path's largest side) reuse the scratch; larger ones get their own array. */
const MAX_SCRATCH_VALUES = 1280 * 1280 * 3;

let scratch = new Int32Array(0);

/** Anything with tfjs's tensor3d: Human's and face-api's tf, which both take an Int32Array as is. */
interface Tensor3dMaker<T> {
  tensor3d(values: Int32Array, shape: [number, number, number], dtype: 'int32'): T;
  getBackend(): string;
}

export function rgbTensor<T>(tf: Tensor3dMaker<T>, image: RgbImage): T {
  const n = image.data.length;
  let values: Int32Array;
  // Only the WASM backend copies at once; another (tfjs's CPU backend) would keep the array itself.
  if (n > MAX_SCRATCH_VALUES || tf.getBackend() !== 'wasm') {
    values = new Int32Array(image.data);
  } else {
    if (scratch.length < n) scratch = new Int32Array(n);
    values = scratch.subarray(0, n);
    values.set(image.data);
  }
  return tf.tensor3d(values, [image.height, image.width, 3], 'int32');
}
