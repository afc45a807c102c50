// The identity descriptor network (face-api's port of dlib's ResNet-34, 150×150 chip → 128-d), run
// on face-api's own loaded weights with fewer, fused tfjs ops.
//
// Why: face-api runs each convolution as conv2d, + bias, × scale, + shift, relu (five ops, four of
// them full passes over the feature map) and pads the shortcut of each down-sampling block with
// `concat` of zero tensors, which tfjs' WASM backend copies in JavaScript. Here each convolution is
// one fused op (its scale folded into the filter and bias at load; XNNPACK adds the bias and clamps
// in the same pass) and the shortcut is padded with `pad` (native). The graph is face-api's
// (FaceRecognitionNet.forwardInput): the same layers, strides, paddings and order. Folding changes
// float rounding only: descriptors differ from face-api's by ~1e-6 (test/unit/faces/engine.test.ts).

import type * as tfc from '@tensorflow/tfjs-core';

type Tf = typeof tfc;

interface ConvLayerParams {
  conv: { filters: tfc.Tensor4D; bias: tfc.Tensor1D };
  scale: { weights: tfc.Tensor1D; biases: tfc.Tensor1D };
}
interface ResidualParams { conv1: ConvLayerParams; conv2: ConvLayerParams }

/** face-api's FaceRecognitionNet params (faceRecognitionNet.params once loaded). */
export interface DescriptorParams {
  conv32_down: ConvLayerParams;
  conv32_1: ResidualParams; conv32_2: ResidualParams; conv32_3: ResidualParams;
  conv64_down: ResidualParams; conv64_1: ResidualParams; conv64_2: ResidualParams; conv64_3: ResidualParams;
  conv128_down: ResidualParams; conv128_1: ResidualParams; conv128_2: ResidualParams;
  conv256_down: ResidualParams; conv256_1: ResidualParams; conv256_2: ResidualParams;
  conv256_down_out: ResidualParams;
  fc: tfc.Tensor2D;
}

/** dlib's mean chip colour (RGB), subtracted before scaling to 0–1, as face-api does. */
export const MEAN_RGB = [122.782, 117.001, 104.298] as const;
export const CHIP = 150;

/** One convolution with its scale layer folded in: filter HWIO, bias per output channel. */
export interface Folded { filter: tfc.Tensor4D; bias: tfc.Tensor1D }
export interface Block { name: (typeof BLOCKS)[number]; down: boolean; conv1: Folded; conv2: Folded }

/** The folded network: the 7×7 stem, the residual blocks in order, the final fully connected layer. */
export interface FoldedNet { stem: Folded; blocks: Block[]; fc: tfc.Tensor2D }

const BLOCKS = ['conv32_1', 'conv32_2', 'conv32_3', 'conv64_down', 'conv64_1', 'conv64_2', 'conv64_3', 'conv128_down', 'conv128_1', 'conv128_2', 'conv256_down', 'conv256_1', 'conv256_2', 'conv256_down_out'] as const;

/**
 * face-api's params with each scale layer folded into its convolution (new tensors; the caller
 * disposes them). conv(x)·s + b·s + t = conv(x, filter·s) + (b·s + t).
 */
export function foldDescriptorParams(tf: Tf, params: DescriptorParams): FoldedNet {
  const fold = (p: ConvLayerParams): Folded => tf.tidy(() => ({
    filter: tf.mul(p.conv.filters, p.scale.weights) as tfc.Tensor4D,
    bias: tf.add(tf.mul(p.conv.bias, p.scale.weights), p.scale.biases) as tfc.Tensor1D,
  }));
  return {
    stem: fold(params.conv32_down),
    // face-api's residualDown blocks are the ones named *_down and *_down_out.
    blocks: BLOCKS.map((name) => ({ name, down: name.includes('_down'), conv1: fold(params[name].conv1), conv2: fold(params[name].conv2) })),
    fc: params.fc,
  };
}

export interface DescriptorNet {
  /** 128-d descriptors of 150×150 RGB chips ([n, 150, 150, 3], any numeric dtype), one row each. */
  describe(chips: tfc.Tensor4D): tfc.Tensor2D;
}

export function createDescriptorNet(tf: Tf, params: DescriptorParams): DescriptorNet {
  const { stem, blocks } = foldDescriptorParams(tf, params);
  const mean = tf.tensor1d([...MEAN_RGB]);

  const conv = (x: tfc.Tensor4D, f: Folded, stride: 1 | 2, relu: boolean, padding: 'same' | 'valid' = 'same') =>
    tf.fused.conv2d({ x, filter: f.filter, strides: stride, pad: padding, bias: f.bias, activation: relu ? 'relu' : 'linear' });

  const residual = (x: tfc.Tensor4D, b: Block): tfc.Tensor4D => tf.relu(tf.add(conv(conv(x, b.conv1, 1, true), b.conv2, 1, false), x) as tfc.Tensor4D);

  // face-api's residualDown: the shortcut is average-pooled, its channels doubled with zeros, and
  // when the two branches' sizes differ the main branch gets one zero row and column at the end.
  const residualDown = (x: tfc.Tensor4D, b: Block): tfc.Tensor4D => {
    let out = conv(conv(x, b.conv1, 2, true, 'valid'), b.conv2, 1, false);
    let shortcut = tf.avgPool(x, 2, 2, 'valid');
    if (shortcut.shape[1] !== out.shape[1] || shortcut.shape[2] !== out.shape[2]) out = tf.pad(out, [[0, 0], [0, 1], [0, 1], [0, 0]]);
    if (shortcut.shape[3] !== out.shape[3]) shortcut = tf.pad(shortcut, [[0, 0], [0, 0], [0, 0], [0, shortcut.shape[3]]]);
    return tf.relu(tf.add(shortcut, out) as tfc.Tensor4D);
  };

  return {
    describe(chips) {
      if (chips.shape[1] !== CHIP || chips.shape[2] !== CHIP) throw new Error(`descriptor: chips must be ${CHIP}×${CHIP}, got ${chips.shape.join('×')}`);
      return tf.tidy(() => {
        const x = tf.div(tf.sub(tf.cast(chips, 'float32'), mean), 255) as tfc.Tensor4D;
        let out = tf.maxPool(conv(x, stem, 2, true, 'valid'), 3, 2, 'valid');
        for (const b of blocks) out = b.down ? residualDown(out, b) : residual(out, b);
        return tf.matMul(tf.mean(out, [1, 2]) as tfc.Tensor2D, params.fc);
      });
    },
  };
}
