// Writes an ONNX model (the ModelProto protobuf) from a graph built in code, so models that ship in
// npm packages in another format (tfjs graph models, face-api weights) can run on onnxruntime-node,
// whose native kernels are several times faster than tfjs' WASM backend on this kind of CPU.
//
// Why our own encoder: only a handful of ONNX messages are needed (model, graph, node, attribute,
// tensor, value info), and a protobuf library plus onnx.proto would be a dependency for ~100 lines.
// Field numbers are onnx.proto's (onnx/onnx, IR version 8). Repeated scalars are written unpacked,
// which every protobuf parser accepts for proto2 messages.

export type ElemType = 'float32' | 'int32' | 'int64';

/** A constant (initializer or attribute tensor), little-endian as ONNX's raw_data requires. */
export interface OnnxTensor {
  name: string;
  type: ElemType;
  dims: readonly number[];
  data: Float32Array | Int32Array | BigInt64Array;
}

/** One attribute value, its ONNX type stated, since 1 and 1.0 are different attributes. */
export type OnnxAttr =
  | { i: number } | { f: number } | { s: string } | { ints: readonly number[] } | { floats: readonly number[] } | { t: OnnxTensor };

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attrs?: Record<string, OnnxAttr>;
}

/**
 * A graph input or output: its element type and shape (a string names a free dimension; no shape
 * at all leaves even the rank to the runtime's inference).
 */
export interface OnnxValueInfo { name: string; type: ElemType; shape?: readonly (number | string)[] }

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly OnnxTensor[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
}

/**
 * Accumulates a graph's nodes and constants under generated names. The names start with "_", which
 * no TF node name does and our own graphs' inputs and outputs do not, so they cannot collide.
 */
export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private counter = 0;

  /** Adds a node with one output (a generated name unless given) and returns that output's name. */
  emit(op: string, inputs: string[], output?: string, attrs?: OnnxNode['attrs']): string {
    const out = output ?? `_v${this.counter++}`;
    this.nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  }

  /** Adds a constant and returns its name. */
  init(data: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const name = `_c${this.counter++}`;
    this.initializers.push({ name, type: data instanceof Float32Array ? 'float32' : 'int64', dims, data });
    return name;
  }
}

const DATA_TYPE: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7 };
const ATTR_TYPE = { f: 1, i: 2, s: 3, t: 4, floats: 6, ints: 7 } as const;
const IR_VERSION = 8;

/** Protobuf writer: a growing byte list, fields appended in order. */
class Writer {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  private varint(value: number | bigint): void {
    // Negative int64s are written as their 64-bit two's complement (ten bytes), as protobuf does.
    let v = BigInt.asUintN(64, BigInt(value));
    const out: number[] = [];
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    this.push(Uint8Array.from(out));
  }

  private tag(field: number, wire: 0 | 2 | 5): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, value: number | bigint): this {
    this.tag(field, 0);
    this.varint(value);
    return this;
  }

  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.varint(value.length);
    this.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: Writer) => void): this {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function littleEndianBytes(data: OnnxTensor['data']): Uint8Array {
  // Typed arrays are in the platform's byte order; every platform Node supports here is little-endian.
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function writeTensor(w: Writer, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, DATA_TYPE[t.type]);
  w.string(8, t.name);
  w.bytes(9, littleEndianBytes(t.data));
}

function writeAttr(w: Writer, name: string, a: OnnxAttr): void {
  w.string(1, name);
  if ('f' in a) w.float(2, a.f).int(20, ATTR_TYPE.f);
  else if ('i' in a) w.int(3, a.i).int(20, ATTR_TYPE.i);
  else if ('s' in a) w.string(4, a.s).int(20, ATTR_TYPE.s);
  else if ('t' in a) w.message(5, (m) => writeTensor(m, a.t)).int(20, ATTR_TYPE.t);
  else if ('floats' in a) {
    for (const f of a.floats) w.float(7, f);
    w.int(20, ATTR_TYPE.floats);
  } else {
    for (const i of a.ints) w.int(8, i);
    w.int(20, ATTR_TYPE.ints);
  }
}

function writeValueInfo(w: Writer, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, DATA_TYPE[v.type]);
    const dims = v.shape;
    if (dims) {
      tensor.message(2, (shape) => {
        for (const d of dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }
  }));
}

/** The serialized model, ready for `ort.InferenceSession.create(bytes)`. */
export function encodeOnnxModel(graph: OnnxGraph, opset = 17): Uint8Array {
  const w = new Writer();
  w.int(1, IR_VERSION);
  w.string(2, 'vkyc');
  w.message(7, (g) => {
    graph.nodes.forEach((n, k) => g.message(1, (m) => {
      for (const i of n.inputs) m.string(1, i);
      for (const o of n.outputs) m.string(2, o);
      m.string(3, n.name ?? `${n.op}_${k}`);
      m.string(4, n.op);
      for (const [name, a] of Object.entries(n.attrs ?? {})) m.message(5, (attr) => writeAttr(attr, name, a));
    }));
    g.string(2, graph.name);
    for (const t of graph.initializers) g.message(5, (m) => writeTensor(m, t));
    for (const v of graph.inputs) g.message(11, (m) => writeValueInfo(m, v));
    for (const v of graph.outputs) g.message(12, (m) => writeValueInfo(m, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, opset));
  return w.finish();
}
