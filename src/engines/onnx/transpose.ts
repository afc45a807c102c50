// Axis permutation of a constant, done once at conversion: TF stores filters and broadcast
// constants in NHWC order, ONNX's kernels read them NCHW (tfjs-graph.ts).

/** Row-major `data` of shape `dims`, its axes permuted (out axis k is in axis perm[k]). */
export function transpose(data: Float32Array, dims: readonly number[], perm: readonly number[]): Float32Array {
  const outDims = perm.map((p) => dims[p]!);
  const inStrides = strides(dims);
  const permStrides = perm.map((p) => inStrides[p]!);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(dims.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < idx.length; k++) src += idx[k]! * permStrides[k]!;
    out[o] = data[src]!;
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k]! < outDims[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let k = dims.length - 2; k >= 0; k--) s[k] = s[k + 1]! * dims[k + 1]!;
  return s;
}
