import type * as Tf from '@tensorflow/tfjs';
import { BlurlineError } from './errors';

/**
 * A reader for TensorFlow Lite model files (a FlatBuffer, schema: tensorflow/lite/schema/schema.fbs)
 * and a builder that runs the model on tfjs ops, so MediaPipe's BlazeFace models run on the same
 * tfjs-wasm runtime as face-api, in Node and in the renderer's worker, with no TFLite runtime.
 * It supports exactly the ops MediaPipe's face detectors use (float32 graphs with fp16 weights);
 * anything else is refused by name when the file is read.
 */

/** The builtin operators supported, by their code in schema.fbs's BuiltinOperator. */
const BUILTIN_OPS = {
  0: 'ADD',
  2: 'CONCATENATION',
  3: 'CONV_2D',
  4: 'DEPTHWISE_CONV_2D',
  6: 'DEQUANTIZE',
  17: 'MAX_POOL_2D',
  19: 'RELU',
  22: 'RESHAPE',
  23: 'RESIZE_BILINEAR',
  34: 'PAD',
} as const;
export type TfliteOpName = (typeof BUILTIN_OPS)[keyof typeof BUILTIN_OPS];

/** TensorType codes the supported graphs hold: FLOAT32, FLOAT16 (weights), INT32 (shapes, paddings). */
const TENSOR_TYPES = { 0: 'float32', 1: 'float16', 2: 'int32' } as const;
type TensorType = (typeof TENSOR_TYPES)[keyof typeof TENSOR_TYPES];

/** ActivationFunctionType codes fused into an op: NONE, RELU, RELU6. */
const ACTIVATIONS = { 0: 'linear', 1: 'relu', 3: 'relu6' } as const;
type Activation = (typeof ACTIVATIONS)[keyof typeof ACTIVATIONS];

export interface TfliteTensor {
  name: string;
  shape: number[];
  type: TensorType;
  /** A constant's values (fp16 widened to float32, also behind a DEQUANTIZE op), or null for activations. */
  data: Float32Array | Int32Array | null;
}

interface WindowOptions {
  padding: 'same' | 'valid';
  strides: [number, number];
  activation: Activation;
}

export type TfliteOperator = { inputs: number[]; outputs: number[] } & (
  | { op: 'CONV_2D'; options: WindowOptions & { dilations: [number, number] } }
  | { op: 'DEPTHWISE_CONV_2D'; options: WindowOptions & { dilations: [number, number]; depthMultiplier: number } }
  | { op: 'MAX_POOL_2D'; options: WindowOptions & { filter: [number, number] } }
  | { op: 'ADD'; options: { activation: Activation } }
  | { op: 'CONCATENATION'; options: { axis: number; activation: Activation } }
  | { op: 'RESIZE_BILINEAR'; options: { alignCorners: boolean; halfPixelCenters: boolean } }
  | { op: 'RELU' | 'RESHAPE' | 'PAD'; options: Record<string, never> }
);

export interface TfliteModel {
  tensors: TfliteTensor[];
  operators: TfliteOperator[];
  inputs: number[];
  outputs: number[];
}

const invalid = (message: string) => new BlurlineError('DETECTOR_MODEL_INVALID', `not a supported TensorFlow Lite model: ${message}`);

/** Bounds-checked FlatBuffer access: a corrupt offset is an error, never a read past the file. */
class FlatBuffer {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  private check(at: number, size: number): number {
    if (!Number.isInteger(at) || at < 0 || at + size > this.bytes.length) throw invalid(`offset ${at} is outside the file (truncated or corrupt)`);
    return at;
  }
  u8 = (at: number) => this.view.getUint8(this.check(at, 1));
  i8 = (at: number) => this.view.getInt8(this.check(at, 1));
  u16 = (at: number) => this.view.getUint16(this.check(at, 2), true);
  i32 = (at: number) => this.view.getInt32(this.check(at, 4), true);
  u32 = (at: number) => this.view.getUint32(this.check(at, 4), true);
  /** The position an offset field points to. */
  deref = (at: number) => at + this.u32(at);
  table(at: number): Table {
    return new Table(this, at);
  }
  vector(at: number): { length: number; start: number } {
    const v = this.deref(at);
    const length = this.u32(v);
    this.check(v + 4, length);
    return { length, start: v + 4 };
  }
}

/** A FlatBuffer table: fields by their index in the schema; absent fields read as their default. */
class Table {
  private readonly vtable: number;
  private readonly vtableSize: number;
  constructor(
    private readonly fb: FlatBuffer,
    private readonly at: number,
  ) {
    this.vtable = at - fb.i32(at);
    this.vtableSize = fb.u16(this.vtable);
  }
  /** Where field `index` is stored, or 0 when it is absent. */
  private field(index: number): number {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.vtableSize) return 0;
    const offset = this.fb.u16(this.vtable + slot);
    return offset ? this.at + offset : 0;
  }
  has = (index: number) => this.field(index) !== 0;
  u8 = (index: number, fallback = 0) => (this.field(index) ? this.fb.u8(this.field(index)) : fallback);
  i8 = (index: number, fallback = 0) => (this.field(index) ? this.fb.i8(this.field(index)) : fallback);
  i32 = (index: number, fallback = 0) => (this.field(index) ? this.fb.i32(this.field(index)) : fallback);
  u32 = (index: number, fallback = 0) => (this.field(index) ? this.fb.u32(this.field(index)) : fallback);
  bool = (index: number) => this.u8(index) !== 0;
  table(index: number): Table | null {
    const at = this.field(index);
    return at ? this.fb.table(this.fb.deref(at)) : null;
  }
  string(index: number): string {
    const at = this.field(index);
    if (!at) return '';
    const { length, start } = this.fb.vector(at);
    return new TextDecoder().decode(this.fb.bytes.subarray(start, start + length));
  }
  tables(index: number): Table[] {
    const at = this.field(index);
    if (!at) return [];
    const { length, start } = this.fb.vector(at);
    return Array.from({ length }, (_, i) => this.fb.table(this.fb.deref(start + 4 * i)));
  }
  ints(index: number): number[] {
    const at = this.field(index);
    if (!at) return [];
    const { length, start } = this.fb.vector(at);
    return Array.from({ length }, (_, i) => this.fb.i32(start + 4 * i));
  }
  bytes(index: number): Uint8Array | null {
    const at = this.field(index);
    if (!at) return null;
    const { length, start } = this.fb.vector(at);
    return this.fb.bytes.subarray(start, start + length);
  }
}

/** IEEE half-precision to single. */
function widenFloat16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function constantValues(bytes: Uint8Array, type: TensorType, count: number, name: string): Float32Array | Int32Array {
  const width = type === 'float16' ? 2 : 4;
  if (bytes.length !== count * width) throw invalid(`tensor ${name} holds ${bytes.length} bytes for ${count} values of ${type}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'int32') return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
  if (type === 'float32') return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
  return Float32Array.from({ length: count }, (_, i) => widenFloat16(view.getUint16(2 * i, true)));
}

function activationOf(code: number, where: string): Activation {
  const activation = ACTIVATIONS[code as keyof typeof ACTIVATIONS];
  if (!activation) throw invalid(`${where} has fused activation ${code}, which is not supported`);
  return activation;
}

/** Padding enum: SAME = 0, VALID = 1. */
const paddingOf = (code: number) => (code === 1 ? 'valid' : 'same');

/** The options table of each op, field by field as schema.fbs declares them. */
function optionsOf(op: Exclude<TfliteOpName, 'DEQUANTIZE'>, t: Table | null, where: string): TfliteOperator['options'] {
  const o = t ?? { i32: (_: number, d = 0) => d, u8: (_: number, d = 0) => d, i8: (_: number, d = 0) => d, bool: () => false };
  switch (op) {
    case 'CONV_2D': // padding, stride_w, stride_h, fused_activation_function, dilation_w_factor, dilation_h_factor
      return { padding: paddingOf(o.i8(0)), strides: [o.i32(2), o.i32(1)], activation: activationOf(o.i8(3), where), dilations: [o.i32(5, 1), o.i32(4, 1)] };
    case 'DEPTHWISE_CONV_2D': // padding, stride_w, stride_h, depth_multiplier, fused_activation_function, dilation_w_factor, dilation_h_factor
      return {
        padding: paddingOf(o.i8(0)),
        strides: [o.i32(2), o.i32(1)],
        depthMultiplier: o.i32(3, 1),
        activation: activationOf(o.i8(4), where),
        dilations: [o.i32(6, 1), o.i32(5, 1)],
      };
    case 'MAX_POOL_2D': // padding, stride_w, stride_h, filter_width, filter_height, fused_activation_function
      return { padding: paddingOf(o.i8(0)), strides: [o.i32(2), o.i32(1)], filter: [o.i32(4), o.i32(3)], activation: activationOf(o.i8(5), where) };
    case 'ADD': // fused_activation_function
      return { activation: activationOf(o.i8(0), where) };
    case 'CONCATENATION': // axis, fused_activation_function
      return { axis: o.i32(0), activation: activationOf(o.i8(1), where) };
    case 'RESIZE_BILINEAR': // new_height, new_width (deprecated), align_corners, half_pixel_centers
      return { alignCorners: o.bool(2), halfPixelCenters: o.bool(3) };
    default:
      return {};
  }
}

/**
 * Reads a .tflite file into plain data: its one subgraph's tensors (constants decoded), operators
 * with their options, inputs and outputs. Refuses, with what is wrong, a file that is not a
 * TFLite model, is truncated, or uses an op, a tensor type or a feature (sparse or quantised
 * tensors, custom ops, several subgraphs) beyond what MediaPipe's face detectors need.
 */
export function readTfliteModel(bytes: Uint8Array): TfliteModel {
  if (bytes.length < 8 || new TextDecoder().decode(bytes.subarray(4, 8)) !== 'TFL3') throw invalid('the file does not carry the TFL3 identifier');
  const fb = new FlatBuffer(bytes);
  // Model: version, operator_codes, subgraphs, description, buffers, …
  const model = fb.table(fb.deref(0));
  const opNames = model.tables(1).map((code) => {
    // OperatorCode: deprecated_builtin_code (byte), custom_code, version, builtin_code (int, for codes over 127)
    const builtin = Math.max(code.i8(0), code.i32(3));
    const custom = code.string(1);
    const name = custom ? undefined : BUILTIN_OPS[builtin as keyof typeof BUILTIN_OPS];
    if (!name) throw invalid(custom ? `custom op ${custom} is not supported` : `builtin op ${builtin} is not supported (supported: ${Object.values(BUILTIN_OPS).join(', ')})`);
    return name;
  });
  const subgraphs = model.tables(2);
  if (subgraphs.length !== 1) throw invalid(`${subgraphs.length} subgraphs (one is supported)`);
  const buffers = model.tables(4).map((buffer) => {
    // Buffer: data, offset, size (offset/size: data kept outside the FlatBuffer, in files over 2 GB)
    if (buffer.has(1)) throw invalid('buffers stored outside the FlatBuffer are not supported');
    return buffer.bytes(0);
  });
  // SubGraph: tensors, inputs, outputs, operators, name
  const graph = subgraphs[0];
  const tensors = graph.tables(0).map((t): TfliteTensor => {
    // Tensor: shape, type, buffer, name, quantization, is_variable, sparsity, shape_signature
    const name = t.string(3);
    const type = TENSOR_TYPES[t.i8(1) as keyof typeof TENSOR_TYPES];
    if (!type) throw invalid(`tensor ${name} is of type ${t.i8(1)} (float32, float16 and int32 are supported)`);
    if (t.has(6)) throw invalid(`tensor ${name} is sparse`);
    const quantization = t.table(4);
    if (quantization && (quantization.ints(1).length > 0 || quantization.has(2))) throw invalid(`tensor ${name} is quantised`);
    const shape = t.ints(0);
    const bufferIndex = t.u32(2);
    if (bufferIndex >= buffers.length) throw invalid(`tensor ${name} names buffer ${bufferIndex} of ${buffers.length}`);
    const stored = buffers[bufferIndex];
    const count = shape.reduce((a, b) => a * b, 1);
    return { name, shape, type, data: stored && stored.length > 0 ? constantValues(stored, type, count, name) : null };
  });
  const tensorIndex = (i: number, where: string) => {
    if (!Number.isInteger(i) || i < 0 || i >= tensors.length) throw invalid(`${where} names tensor ${i} of ${tensors.length}`);
    return i;
  };
  const operators = graph.tables(3).flatMap((o, n): TfliteOperator[] => {
    // Operator: opcode_index, inputs, outputs, builtin_options_type, builtin_options, …
    const opIndex = o.u32(0);
    if (opIndex >= opNames.length) throw invalid(`operator ${n} names op code ${opIndex} of ${opNames.length}`);
    const op = opNames[opIndex];
    const where = `operator ${n} (${op})`;
    const inputs = o.ints(1).map((i) => (i < 0 ? i : tensorIndex(i, where)));
    const outputs = o.ints(2).map((i) => tensorIndex(i, where));
    if (op === 'DEQUANTIZE') {
      // MediaPipe stores the weights as fp16 constants, each widened by a DEQUANTIZE op: done here, once.
      const data = tensors[inputs[0]].data;
      if (!data) throw invalid(`${where} dequantises ${tensors[inputs[0]].name}, which is not a constant`);
      tensors[outputs[0]].data = data;
      return [];
    }
    return [{ op, inputs, outputs, options: optionsOf(op, o.table(4), where) } as TfliteOperator];
  });
  return {
    tensors,
    operators,
    inputs: graph.ints(1).map((i) => tensorIndex(i, 'the input list')),
    outputs: graph.ints(2).map((i) => tensorIndex(i, 'the output list')),
  };
}

/** The tfjs API the graph runs on; the Node (wasm) and browser builds both provide it. */
export type TfliteTf = Pick<typeof Tf, 'tidy' | 'tensor' | 'add' | 'concat' | 'maxPool' | 'relu' | 'relu6' | 'reshape' | 'image' | 'pad' | 'transpose' | 'fused' | 'keep' | 'dispose'>;

/** Runs the graph on one input (NHWC float32); returns the outputs in the model's order. */
export type TfliteGraph = (input: Tf.Tensor4D) => Tf.Tensor[];

/**
 * Builds a runnable graph from a read model: weights become tfjs tensors once, in tfjs's layout
 * (TFLite's conv filters are [out, h, w, in], depthwise [1, h, w, channels × multiplier]), each
 * convolution runs as one fused conv + bias + activation, and every op runs in the file's order.
 * Everything is checked here, so a model that cannot run fails on load, not on its first frame.
 * The weights stay for the life of the process (hosts load each model once).
 */
export function buildTfliteGraph(tf: TfliteTf, model: TfliteModel): TfliteGraph {
  const inputShape = model.tensors[model.inputs[0]]?.shape ?? [];
  if (model.inputs.length !== 1 || inputShape.length !== 4) throw invalid(`the graph takes ${model.inputs.length} inputs of shape [${inputShape}] (one NHWC image is supported)`);
  const constants = new Map<number, Tf.Tensor>();
  const constantData = (index: number, where: string) => {
    const data = model.tensors[index].data;
    if (!data) throw invalid(`${where} needs ${model.tensors[index].name} to be a constant`);
    return data;
  };
  const keepConstant = (index: number, where: string, make: (raw: Tf.Tensor) => Tf.Tensor = (raw) => raw) => {
    const t = model.tensors[index];
    const data = constantData(index, where);
    constants.set(index, tf.keep(tf.tidy(() => make(tf.tensor(data, t.shape, t.type === 'int32' ? 'int32' : 'float32')))));
  };
  try {
    for (const [n, o] of model.operators.entries()) {
      const where = `operator ${n} (${o.op})`;
      if (o.op === 'CONV_2D' || o.op === 'DEPTHWISE_CONV_2D') {
        const shape = model.tensors[o.inputs[1]].shape;
        if (shape.length !== 4) throw invalid(`${where} has a filter of rank ${shape.length}`);
        const [, h, w, c] = shape;
        const multiplier = o.op === 'DEPTHWISE_CONV_2D' ? o.options.depthMultiplier : 1;
        keepConstant(o.inputs[1], where, (raw) => (o.op === 'DEPTHWISE_CONV_2D' ? tf.reshape(raw, [h, w, c / multiplier, multiplier]) : tf.transpose(raw, [1, 2, 3, 0])));
        if (o.inputs[2] >= 0) keepConstant(o.inputs[2], where);
      } else if (o.op === 'PAD' || o.op === 'RESIZE_BILINEAR') {
        constantData(o.inputs[1], where); // read as numbers when run
      }
      const tensorInputs = o.op === 'PAD' || o.op === 'RESIZE_BILINEAR' || o.op === 'RESHAPE' ? o.inputs.slice(0, 1) : o.inputs;
      for (const i of tensorInputs) if (i >= 0 && model.tensors[i].data && !constants.has(i)) keepConstant(i, where);
    }
  } catch (err) {
    tf.dispose([...constants.values()]);
    throw err;
  }
  const activate = (x: Tf.Tensor, activation: Activation) => (activation === 'relu' ? tf.relu(x) : activation === 'relu6' ? tf.relu6(x) : x);

  function run(input: Tf.Tensor4D): Tf.Tensor[] {
    return tf.tidy(() => {
      const live = new Map<number, Tf.Tensor>([[model.inputs[0], input]]);
      const get = (index: number): Tf.Tensor => live.get(index) ?? constants.get(index)!;
      for (const o of model.operators) {
        const x = get(o.inputs[0]);
        let y: Tf.Tensor;
        switch (o.op) {
          case 'CONV_2D':
          case 'DEPTHWISE_CONV_2D': {
            const conv = o.op === 'CONV_2D' ? tf.fused.conv2d : tf.fused.depthwiseConv2d;
            y = conv({
              x: x as Tf.Tensor4D,
              filter: get(o.inputs[1]) as Tf.Tensor4D,
              strides: o.options.strides,
              pad: o.options.padding,
              dilations: o.options.dilations,
              bias: o.inputs[2] >= 0 ? get(o.inputs[2]) : undefined,
              activation: o.options.activation,
            });
            break;
          }
          case 'MAX_POOL_2D':
            y = activate(tf.maxPool(x as Tf.Tensor4D, o.options.filter, o.options.strides, o.options.padding), o.options.activation);
            break;
          case 'ADD':
            y = activate(tf.add(x, get(o.inputs[1])), o.options.activation);
            break;
          case 'CONCATENATION':
            y = activate(tf.concat(o.inputs.map(get), o.options.axis), o.options.activation);
            break;
          case 'RELU':
            y = tf.relu(x);
            break;
          case 'RESHAPE':
            y = tf.reshape(x, model.tensors[o.outputs[0]].shape);
            break;
          case 'PAD': {
            const p = model.tensors[o.inputs[1]].data!;
            y = tf.pad(x, Array.from({ length: p.length / 2 }, (_, i) => [p[2 * i], p[2 * i + 1]] as [number, number]));
            break;
          }
          case 'RESIZE_BILINEAR': {
            const [height, width] = model.tensors[o.inputs[1]].data!;
            y = tf.image.resizeBilinear(x as Tf.Tensor4D, [height, width], o.options.alignCorners, o.options.halfPixelCenters);
            break;
          }
        }
        live.set(o.outputs[0], y);
      }
      return model.outputs.map(get);
    });
  }

  return run;
}
