// rgbTensor: the same input tensor as tfjs's own tensor3d(bytes, …, 'int32'), on the WASM backend the
// engine runs, although the scratch array behind it is reused from one call to the next.

import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type * as tfc from '@tensorflow/tfjs-core';
import { loadHuman } from '../../../src/engines/face/human-loader.ts';
import { rgbTensor } from '../../../src/engines/face/rgb-tensor.ts';
import type { RgbImage } from '../../../src/engines/rgb-image.ts';

let tf: typeof tfc;
before(async () => {
  tf = (await loadHuman()).tf as unknown as typeof tfc; // the process' tfjs, on the WASM backend
});

/** An image of pseudo-random bytes (every value 0..255 occurs), different for each seed. */
function noise(width: number, height: number, seed: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  return { width, height, data };
}

function reference(image: RgbImage): tfc.Tensor3D {
  return tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
}

describe('rgbTensor', () => {
  it('gives the tensor tfjs makes from the bytes, for growing, shrinking and oversized images', () => {
    assert.equal(tf.getBackend(), 'wasm');
    // 1300×1300 is above the scratch's 1280×1280 and takes its own array.
    for (const [w, h, seed] of [[640, 480, 1], [320, 240, 2], [1280, 960, 3], [150, 150, 4], [1300, 1300, 5], [640, 480, 6]] as const) {
      const image = noise(w, h, seed);
      const t = rgbTensor(tf, image);
      const ref = reference(image);
      try {
        assert.equal(t.dtype, 'int32');
        assert.deepEqual(t.shape, [h, w, 3]);
        assert.deepEqual(t.dataSync(), ref.dataSync(), `${w}×${h}`);
      } finally {
        tf.dispose([t, ref]);
      }
    }
  });

  it('keeps a tensor\'s values when the next call reuses the scratch', () => {
    const a = noise(640, 480, 7);
    const b = noise(640, 480, 8);
    const ta = rgbTensor(tf, a);
    const tb = rgbTensor(tf, b);
    try {
      assert.deepEqual(ta.dataSync(), Int32Array.from(a.data));
      assert.deepEqual(tb.dataSync(), Int32Array.from(b.data));
    } finally {
      tf.dispose([ta, tb]);
    }
  });
});
