// The identity descriptor network (descriptor-net.ts) as an ONNX graph, built at load time from
// face-api's loaded weights and run on onnxruntime-node's native kernels.
//
// Why: an embed spends almost all its time in this network, and tfjs' WASM backend ran it in ~28 ms
// per chip on this 2-core Xeon; onnxruntime's CPU kernels run the same convolutions several times
// faster (docs/model-card-faces.md, "Session 11"). Nothing is downloaded or converted offline: the
// graph is written from the weights face-api already loaded, so the model files stay face-api's.
// The graph is descriptor-net's, layer for layer (the same folded weights, in NCHW), so descriptors
// agree with the tfjs path to float rounding (test/unit/faces/descriptor-onnx.test.ts).

import type * as tfc from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';
import { encodeOnnxModel, OnnxGraphBuilder, type OnnxGraph } from '../onnx/onnx-writer.ts';
import { transpose } from '../onnx/transpose.ts';
import { createSyncSession } from '../onnx/ort-session.ts';
import type { RgbImage } from './port.ts';
import { CHIP, MEAN_RGB, foldDescriptorParams, type DescriptorParams, type Folded } from './descriptor-net.ts';

type Tf = typeof tfc;

/** Descriptor length (face-api's fc layer: 256 → 128). */
const DIMS = 128;

export interface OnnxDescriptorNet {
  /** The 128-d descriptor of a 150×150 RGB chip, and with `withMirror` its mirror image's second (one run of batch 2). */
  describe(chip: RgbImage, withMirror: boolean): Float32Array[];
  dispose(): void;
}

export function createOnnxDescriptorNet(tf: Tf, params: DescriptorParams): OnnxDescriptorNet {
  const session = createSyncSession(encodeOnnxModel(descriptorGraph(tf, params)));
  // One input buffer for every call (runs are synchronous, so it is never shared): no 270–540 KB of
  // external garbage per embed in the face workers (cf. rgb-tensor.ts' scratch, model card session 10).
  const input = new Float32Array(2 * 3 * CHIP * CHIP);
  return {
    describe(chip, withMirror) {
      if (chip.width !== CHIP || chip.height !== CHIP || chip.data.length !== 3 * CHIP * CHIP) {
        throw new Error(`descriptor: chips must be ${CHIP}×${CHIP} RGB, got ${chip.width}×${chip.height} (${chip.data.length} bytes)`);
      }
      const n = withMirror ? 2 : 1;
      const x = input.subarray(0, n * 3 * CHIP * CHIP);
      toPlanar(chip.data, x, false);
      if (withMirror) toPlanar(chip.data, x.subarray(3 * CHIP * CHIP), true);
      const out = session.run({ chips: new ort.Tensor('float32', x, [n, 3, CHIP, CHIP]) })['descriptors'];
      if (!out) throw new Error('descriptor (onnx): the model gave no output');
      const values = out.data as Float32Array;
      return Array.from({ length: n }, (_, i) => values.slice(i * DIMS, (i + 1) * DIMS));
    },
    dispose: () => session.dispose(),
  };
}

/** HWC bytes → CHW floats, optionally mirrored left–right (the graph subtracts the mean and scales). */
function toPlanar(chip: Uint8Array, out: Float32Array, mirror: boolean): void {
  const plane = CHIP * CHIP;
  for (let y = 0; y < CHIP; y++) {
    for (let x = 0; x < CHIP; x++) {
      const p = y * CHIP + x;
      const i = 3 * (y * CHIP + (mirror ? CHIP - 1 - x : x));
      out[p] = chip[i]!;
      out[plane + p] = chip[i + 1]!;
      out[2 * plane + p] = chip[i + 2]!;
    }
  }
}

/** Builds the graph; reads the folded weights out of tfjs and frees them. */
function descriptorGraph(tf: Tf, params: DescriptorParams): OnnxGraph {
  const folded = foldDescriptorParams(tf, params);
  const b = new GraphBuilder();
  try {
    // face-api: (x − mean) / 255, as in descriptor-net.
    let x = b.emit('Div', [b.emit('Sub', ['chips', b.init(Float32Array.from(MEAN_RGB), [1, 3, 1, 1])]), b.init(Float32Array.of(255), [])]);
    let size = CHIP;
    // Stem: 7×7 stride-2 valid conv + relu, then a 3×3 stride-2 valid max pool.
    x = b.conv(x, folded.stem, 2, 'valid', true);
    size = convOut(size, 7, 2);
    x = b.emit('MaxPool', [x], undefined, { kernel_shape: { ints: [3, 3] }, strides: { ints: [2, 2] } });
    size = convOut(size, 3, 2);
    for (const block of folded.blocks) {
      if (!block.down) {
        const main = b.conv(b.conv(x, block.conv1, 1, 'same', true), block.conv2, 1, 'same', false);
        x = b.emit('Relu', [b.emit('Add', [main, x])]);
        continue;
      }
      // face-api's residualDown (see descriptor-net): the shortcut average-pooled and its channels
      // doubled with zeros; the main branch padded with a zero row and column at the end when the
      // two sizes differ. The sizes are static, so the choice is made here.
      let main = b.conv(b.conv(x, block.conv1, 2, 'valid', true), block.conv2, 1, 'same', false);
      const mainSize = convOut(size, 3, 2);
      size = convOut(size, 2, 2);
      let shortcut = b.emit('AveragePool', [x], undefined, { kernel_shape: { ints: [2, 2] }, strides: { ints: [2, 2] } });
      if (mainSize !== size) main = b.pad(main, [0, 0, 0, 0, 0, 0, 1, 1]);
      const [inC, outC] = [block.conv1.filter.shape[2], block.conv2.filter.shape[3]];
      if (inC !== outC) shortcut = b.pad(shortcut, [0, 0, 0, 0, 0, outC - inC, 0, 0]);
      x = b.emit('Relu', [b.emit('Add', [shortcut, main])]);
    }
    const pooled = b.emit('Flatten', [b.emit('GlobalAveragePool', [x])]);
    b.emit('MatMul', [pooled, b.weights(folded.fc)], 'descriptors');
  } finally {
    tf.dispose([folded.stem.filter, folded.stem.bias, ...folded.blocks.flatMap((k) => [k.conv1.filter, k.conv1.bias, k.conv2.filter, k.conv2.bias])]);
  }
  return {
    name: 'face-api-descriptor',
    nodes: b.nodes,
    initializers: b.initializers,
    inputs: [{ name: 'chips', type: 'float32', shape: ['n', 3, CHIP, CHIP] }],
    outputs: [{ name: 'descriptors', type: 'float32', shape: ['n', DIMS] }],
  };
}

/** Output size of a valid (unpadded) window of `k` at `stride`, as tfjs and ONNX compute it. */
const convOut = (size: number, k: number, stride: number): number => Math.floor((size - k) / stride) + 1;

/** The descriptor graph's own pieces on top of the shared builder: tfjs weights, convolutions, padding. */
class GraphBuilder extends OnnxGraphBuilder {
  weights(t: tfc.Tensor): string {
    return this.init(t.dataSync() as Float32Array, t.shape);
  }

  /** A fused conv: tfjs' HWIO filter transposed to ONNX's OIHW; 'same' at stride 1 pads k/2 each side. */
  conv(x: string, f: Folded, stride: 1 | 2, padding: 'same' | 'valid', relu: boolean): string {
    const [kh, kw, ci, co] = f.filter.shape;
    const oihw = transpose(f.filter.dataSync() as Float32Array, [kh, kw, ci, co], [3, 2, 0, 1]);
    const p = padding === 'same' ? [kh >> 1, kw >> 1, kh >> 1, kw >> 1] : [0, 0, 0, 0];
    const y = this.emit('Conv', [x, this.init(oihw, [co, ci, kh, kw]), this.weights(f.bias)], undefined, {
      kernel_shape: { ints: [kh, kw] }, strides: { ints: [stride, stride] }, pads: { ints: p },
    });
    return relu ? this.emit('Relu', [y]) : y;
  }

  /** Zero padding, ONNX order: every axis' begin, then every axis' end (NCHW). */
  pad(x: string, pads: number[]): string {
    return this.emit('Pad', [x, this.init(BigInt64Array.from(pads, BigInt), [pads.length])]);
  }
}
