// Converts a tfjs graph model (model.json's topology, weights already decoded) into an ONNX graph,
// so Human's face models can run on onnxruntime's native kernels instead of tfjs' WASM backend.
//
// Layout: TF graphs are NHWC, ONNX's Conv and MaxPool are NCHW. The 4-D input is transposed once
// and every value stays NCHW for as long as the ops are layout-blind (convolutions, pooling,
// element-wise ops, channel padding, channel concat); a value goes back to NHWC only where layout
// matters (Reshape, MatMul, Softmax, graph outputs), so the reshaped and returned values are
// element for element what tfjs gives. Only the ops Human's face models use are known: anything
// else throws at conversion, never at run time with wrong numbers.

import { OnnxGraphBuilder, type OnnxGraph, type OnnxNode, type OnnxValueInfo } from './onnx-writer.ts';
import { transpose } from './transpose.ts';

/** One node of model.json's `modelTopology.node`, as tfjs-converter writes it. */
export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttr>;
}
interface TfAttr {
  s?: string; // base64
  i?: string | number;
  f?: number;
  b?: boolean;
  list?: { s?: string[]; i?: Array<string | number> };
  shape?: { dim?: Array<{ size: string | number }> };
}

/** A decoded constant (tfjs' dequantized weight): row-major, in TF's own layout. */
export interface TfWeight { dims: readonly number[]; data: Float32Array | Int32Array }

export interface TfGraphInput {
  nodes: readonly TfNode[];
  weights: ReadonlyMap<string, TfWeight>;
  /** Node names to expose as the ONNX outputs, in this order. */
  outputs: readonly string[];
}

/** A value of the graph being built: its ONNX name, and whether it is a 4-D tensor held as NCHW. */
interface Value { name: string; nchw: boolean }

const TO_NCHW = [0, 3, 1, 2];
const TO_NHWC = [0, 2, 3, 1];
/** NHWC axis → the same axis in NCHW. */
const NCHW_AXIS = [0, 2, 3, 1];

const attrString = (a: TfAttr | undefined): string | undefined => (a?.s === undefined ? undefined : Buffer.from(a.s, 'base64').toString());
const attrInts = (a: TfAttr | undefined): number[] => (a?.list?.i ?? []).map(Number);
const attrStrings = (a: TfAttr | undefined): string[] => (a?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString());

export function tfjsGraphToOnnx(name: string, g: TfGraphInput): OnnxGraph {
  const b = new Builder(g.weights);
  const inputs: OnnxValueInfo[] = [];
  for (const node of g.nodes) {
    if (node.op === 'Const') continue; // read through `weights` where used
    if (node.op === 'Placeholder') inputs.push(b.placeholder(node));
    else b.convert(node);
  }
  const outputs: OnnxValueInfo[] = g.outputs.map((out) => {
    b.emit('Identity', [b.nhwc(b.get(out))], out);
    return { name: out, type: 'float32' };
  });
  return { name, nodes: b.nodes, initializers: b.initializers, inputs, outputs };
}

class Builder extends OnnxGraphBuilder {
  private readonly values = new Map<string, Value>();
  private readonly nhwcCopies = new Map<string, string>();
  private readonly constNames = new Map<string, string>();

  constructor(private readonly weights: ReadonlyMap<string, TfWeight>) {
    super();
  }

  get(tfName: string): Value {
    if (tfName.startsWith('^') || /:\d+$/.test(tfName)) throw new Error(`tfjs→onnx: unsupported input reference ${tfName}`);
    const v = this.values.get(tfName);
    if (v) return v;
    if (this.weights.has(tfName)) return { name: this.constant(tfName), nchw: false };
    throw new Error(`tfjs→onnx: ${tfName} is used before it is defined`);
  }

  weight(tfName: string): TfWeight {
    const w = this.weights.get(tfName);
    if (!w) throw new Error(`tfjs→onnx: no weight ${tfName}`);
    return w;
  }

  /** A TF constant as it is (float32 or int32 → int64), written once however often it is used. */
  private constant(tfName: string): string {
    const known = this.constNames.get(tfName);
    if (known) return known;
    const w = this.weight(tfName);
    const name = w.data instanceof Float32Array ? this.init(w.data, w.dims) : this.init(BigInt64Array.from(w.data, BigInt), w.dims);
    this.constNames.set(tfName, name);
    return name;
  }

  /** The value in TF's own layout (NHWC for 4-D), transposed back at most once per value. */
  nhwc(v: Value): string {
    if (!v.nchw) return v.name;
    let t = this.nhwcCopies.get(v.name);
    if (!t) {
      t = this.emit('Transpose', [v.name], undefined, { perm: { ints: TO_NHWC } });
      this.nhwcCopies.set(v.name, t);
    }
    return t;
  }

  private set(node: TfNode, name: string, nchw: boolean): void {
    this.values.set(node.name, { name, nchw });
  }

  placeholder(node: TfNode): OnnxValueInfo {
    const dims = (node.attr?.['shape']?.shape?.dim ?? []).map((d) => Number(d.size));
    const shape = dims.map((d, i) => (d > 0 ? d : `d${i}`));
    if (dims.length === 4) {
      this.set(node, this.emit('Transpose', [node.name], undefined, { perm: { ints: TO_NCHW } }), true);
    } else {
      this.set(node, node.name, false);
    }
    return { name: node.name, type: 'float32', shape };
  }

  convert(node: TfNode): void {
    const ins = node.input ?? [];
    switch (node.op) {
      case 'Identity': {
        this.values.set(node.name, this.get(ins[0]!));
        return;
      }
      case '_FusedConv2D':
      case 'Conv2D':
        return this.conv(node, false);
      case 'DepthwiseConv2dNative':
      case 'FusedDepthwiseConv2dNative':
        return this.conv(node, true);
      case 'MaxPool':
        return this.maxPool(node);
      case 'Pad':
        return this.pad(node);
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul':
      case 'RealDiv':
        return this.binary(node);
      case 'Relu':
      case 'Relu6':
      case 'Sigmoid':
      case 'Prelu': {
        const x = this.get(ins[0]!);
        this.set(node, this.activation(node.op, x.name, x.nchw, ins[1]), x.nchw);
        return;
      }
      case 'Reshape':
        return this.reshape(node);
      case 'ConcatV2':
        return this.concat(node);
      case 'Mean':
        return this.mean(node);
      case 'Softmax': {
        this.set(node, this.emit('Softmax', [this.nhwc(this.get(ins[0]!))], undefined, { axis: { i: -1 } }), false);
        return;
      }
      case '_FusedMatMul':
      case 'MatMul':
        return this.matMul(node);
      default:
        throw new Error(`tfjs→onnx: unsupported op ${node.op} (${node.name})`);
    }
  }

  /** An activation on `x`; `alpha` names the Prelu slope constant (TF shape […, C]). */
  private activation(op: string, x: string, nchw: boolean, alpha?: string): string {
    switch (op) {
      case 'Relu':
        return this.emit('Relu', [x]);
      case 'Relu6':
        return this.emit('Clip', [x, this.init(Float32Array.of(0), []), this.init(Float32Array.of(6), [])]);
      case 'Sigmoid':
        return this.emit('Sigmoid', [x]);
      case 'Prelu': {
        if (!alpha) throw new Error('tfjs→onnx: Prelu without its slope');
        return this.emit('PRelu', [x, this.broadcastConst(alpha, nchw)]);
      }
      default:
        throw new Error(`tfjs→onnx: unsupported fused activation ${op}`);
    }
  }

  /**
   * A constant operand of an element-wise op. TF broadcasts it against NHWC, so against an NCHW
   * value it is brought to rank 4 (leading ones) and its axes moved the same way: [C] → [1, C, 1, 1].
   */
  private broadcastConst(tfName: string, nchw: boolean): string {
    const w = this.weight(tfName);
    if (!nchw || w.dims.length === 0) return this.constant(tfName);
    if (w.dims.length > 4) throw new Error(`tfjs→onnx: ${tfName} has rank ${w.dims.length}`);
    const d4 = [...Array(4 - w.dims.length).fill(1), ...w.dims] as number[];
    if (!(w.data instanceof Float32Array)) throw new Error(`tfjs→onnx: ${tfName} is not float32`);
    return this.init(transpose(w.data, d4, TO_NCHW), TO_NCHW.map((a) => d4[a]!));
  }

  private binary(node: TfNode): void {
    const [a, c] = node.input ?? [];
    const op = { Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul', RealDiv: 'Div' }[node.op]!;
    const isConst = (n: string) => !this.values.has(n) && this.weights.has(n);
    if (isConst(c!) || isConst(a!)) {
      const [v, k] = isConst(c!) ? [this.get(a!), c!] : [this.get(c!), a!];
      const ins = isConst(c!) ? [v.name, this.broadcastConst(k, v.nchw)] : [this.broadcastConst(k, v.nchw), v.name];
      this.set(node, this.emit(op, ins), v.nchw);
      return;
    }
    const x = this.get(a!), y = this.get(c!);
    if (x.nchw === y.nchw) this.set(node, this.emit(op, [x.name, y.name]), x.nchw);
    else this.set(node, this.emit(op, [this.nhwc(x), this.nhwc(y)]), false);
  }

  private conv(node: TfNode, depthwise: boolean): void {
    const a = node.attr ?? {};
    const [xName, wName, ...extra] = node.input ?? [];
    const x = this.nchwOf(this.get(xName!));
    const w = this.weight(wName!);
    const [kh = 1, kw = 1, cin = 1, cm = 1] = w.dims;
    if (!(w.data instanceof Float32Array)) throw new Error(`tfjs→onnx: ${wName} is not float32`);
    // TF filters are [kh, kw, in, out], depthwise ones [kh, kw, in, multiplier]; ONNX wants
    // [out, in/group, kh, kw], and a depthwise output channel c·M + m is TF's [.., c, m].
    const filter = depthwise
      ? this.init(transpose(w.data, [kh, kw, cin, cm], [2, 3, 0, 1]), [cin * cm, 1, kh, kw])
      : this.init(transpose(w.data, [kh, kw, cin, cm], [3, 2, 0, 1]), [cm, cin, kh, kw]);
    const fused = attrStrings(a['fused_ops']);
    const inputs = [x, filter];
    if (fused[0] === 'BiasAdd') inputs.push(this.constant(extra[0]!));
    else if (fused.length > 0) throw new Error(`tfjs→onnx: fused ops ${fused.join(',')} without BiasAdd (${node.name})`);
    const strides = attrInts(a['strides']), dilations = attrInts(a['dilations']);
    const attrs: OnnxNode['attrs'] = {
      kernel_shape: { ints: [kh, kw] },
      strides: { ints: [strides[1] ?? 1, strides[2] ?? 1] },
      dilations: { ints: [dilations[1] ?? 1, dilations[2] ?? 1] },
      group: { i: depthwise ? cin : 1 },
      ...this.padding(node),
    };
    let out = this.emit('Conv', inputs, undefined, attrs);
    for (const act of fused.slice(1)) out = this.activation(act, out, true, extra[1]);
    this.set(node, out, true);
  }

  /** TF's SAME puts the odd pixel of padding after, as ONNX's SAME_UPPER does. */
  private padding(node: TfNode): OnnxNode['attrs'] {
    const p = attrString(node.attr?.['padding']);
    if (p === 'SAME') return { auto_pad: { s: 'SAME_UPPER' } };
    if (p === 'VALID') return { auto_pad: { s: 'VALID' } };
    throw new Error(`tfjs→onnx: padding ${p} (${node.name}) is not supported`);
  }

  private nchwOf(v: Value): string {
    if (v.nchw) return v.name;
    throw new Error('tfjs→onnx: a convolution input is not a 4-D image tensor');
  }

  private maxPool(node: TfNode): void {
    const a = node.attr ?? {};
    const x = this.nchwOf(this.get(node.input![0]!));
    const k = attrInts(a['ksize']), s = attrInts(a['strides']);
    this.set(node, this.emit('MaxPool', [x], undefined, {
      kernel_shape: { ints: [k[1] ?? 1, k[2] ?? 1] }, strides: { ints: [s[1] ?? 1, s[2] ?? 1] }, ...this.padding(node),
    }), true);
  }

  private pad(node: TfNode): void {
    const [xName, pName] = node.input ?? [];
    const x = this.get(xName!);
    const p = Array.from(this.weight(pName!).data); // [rank, 2]: before/after per NHWC axis
    const rank = p.length / 2;
    const axes = x.nchw ? TO_NCHW : [...Array(rank).keys()];
    const pads = [...axes.map((ax) => p[2 * ax]!), ...axes.map((ax) => p[2 * ax + 1]!)];
    this.set(node, this.emit('Pad', [x.name, this.init(BigInt64Array.from(pads, BigInt), [pads.length])], undefined, { mode: { s: 'constant' } }), x.nchw);
  }

  private reshape(node: TfNode): void {
    const [xName, sName] = node.input ?? [];
    const shape = Array.from(this.weight(sName!).data);
    // ONNX reads 0 as "keep this dimension", TF as an empty one.
    if (shape.includes(0)) throw new Error(`tfjs→onnx: reshape to a zero dimension (${node.name})`);
    this.set(node, this.emit('Reshape', [this.nhwc(this.get(xName!)), this.init(BigInt64Array.from(shape, BigInt), [shape.length])]), false);
  }

  private concat(node: TfNode): void {
    const ins = node.input ?? [];
    const axisName = ins.at(-1)!;
    const values = ins.slice(0, -1).map((n) => this.get(n));
    const allNchw = values.every((v) => v.nchw);
    let axis = Number(this.weight(axisName).data[0]);
    if (allNchw) axis = NCHW_AXIS[axis < 0 ? axis + 4 : axis]!;
    const names = values.map((v) => (allNchw ? v.name : this.nhwc(v)));
    this.set(node, this.emit('Concat', names, undefined, { axis: { i: axis } }), allNchw);
  }

  private mean(node: TfNode): void {
    const [xName, axesName] = node.input ?? [];
    const x = this.get(xName!);
    const keep = node.attr?.['keep_dims']?.b ?? false;
    const axes = Array.from(this.weight(axesName!).data, (a) => (a < 0 ? a + 4 : a));
    if (x.nchw && !keep && [...axes].sort().join() === '1,2') {
      // The global average pool: [N, C] in either layout.
      this.set(node, this.emit('ReduceMean', [x.name], undefined, { axes: { ints: [2, 3] }, keepdims: { i: 0 } }), false);
      return;
    }
    this.set(node, this.emit('ReduceMean', [this.nhwc(x)], undefined, { axes: { ints: axes }, keepdims: { i: keep ? 1 : 0 } }), false);
  }

  private matMul(node: TfNode): void {
    const a = node.attr ?? {};
    const [xName, wName, ...extra] = node.input ?? [];
    const fused = attrStrings(a['fused_ops']);
    const inputs = [this.nhwc(this.get(xName!)), this.get(wName!).name];
    if (fused[0] === 'BiasAdd') inputs.push(this.constant(extra[0]!));
    else if (fused.length > 0) throw new Error(`tfjs→onnx: fused ops ${fused.join(',')} without BiasAdd (${node.name})`);
    let out = this.emit('Gemm', inputs, undefined, { transA: { i: a['transpose_a']?.b ? 1 : 0 }, transB: { i: a['transpose_b']?.b ? 1 : 0 } });
    for (const act of fused.slice(1)) out = this.activation(act, out, false, extra[1]);
    this.set(node, out, false);
  }
}
