/**
 * Real ONNX files for tests, written as protobuf by hand (no ONNX tooling here): onnxruntime
 * loads and runs them, so Blurline's handling of models it has no file of is tested on a real
 * runtime, not on imitations of one.
 */

const varint = (n: number): number[] => {
  const bytes: number[] = [];
  while (n > 0x7f) {
    bytes.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return [...bytes, n];
};
const text = (s: string) => [...new TextEncoder().encode(s)];
/** A length-delimited field (wire type 2). */
const field = (n: number, body: number[]) => [...varint((n << 3) | 2), ...varint(body.length), ...body];
/** A varint field (wire type 0). */
const int = (n: number, value: number) => [...varint(n << 3), ...varint(value)];

type Shape = (number | string)[];

/** ValueInfoProto of a float tensor; string dimensions are symbolic. */
function tensorInfo(name: string, shape: Shape): number[] {
  const dims = shape.flatMap((d) => field(1, typeof d === 'number' ? int(1, d) : field(2, text(d))));
  const tensorType = [...int(1, 1 /* FLOAT */), ...field(2, dims)];
  return [...field(1, text(name)), ...field(2, field(1, tensorType))];
}

interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  /** Integer-list attributes (kernel_shape, strides, …). */
  ints?: Record<string, number[]>;
  /** Integer attributes (axis, …). */
  int?: Record<string, number>;
}

interface OnnxConstant {
  name: string;
  type: 'float' | 'int64';
  dims: number[];
  values: number[];
}

function nodeProto(node: OnnxNode): number[] {
  const attributes = [
    ...Object.entries(node.ints ?? {}).map(([name, values]) => [...field(1, text(name)), ...values.flatMap((v) => int(8, v)), ...int(20, 7 /* INTS */)]),
    ...Object.entries(node.int ?? {}).map(([name, value]) => [...field(1, text(name)), ...int(3, value), ...int(20, 2 /* INT */)]),
  ];
  return [...node.inputs.flatMap((i) => field(1, text(i))), ...node.outputs.flatMap((o) => field(2, text(o))), ...field(4, text(node.op)), ...attributes.flatMap((a) => field(5, a))];
}

function tensorProto(constant: OnnxConstant): number[] {
  const raw = constant.type === 'float' ? new Uint8Array(new Float32Array(constant.values).buffer) : new Uint8Array(new BigInt64Array(constant.values.map(BigInt)).buffer);
  return [...constant.dims.flatMap((d) => int(1, d)), ...int(2, constant.type === 'float' ? 1 : 7), ...field(8, text(constant.name)), ...field(9, [...raw])];
}

function onnxModel(graph: { inputs: [string, Shape][]; outputs: [string, Shape][]; nodes: OnnxNode[]; constants?: OnnxConstant[] }): Uint8Array {
  const body = [
    ...graph.nodes.flatMap((n) => field(1, nodeProto(n))),
    ...field(2, text('test-graph')),
    ...(graph.constants ?? []).flatMap((c) => field(5, tensorProto(c))),
    ...graph.inputs.flatMap(([name, shape]) => field(11, tensorInfo(name, shape))),
    ...graph.outputs.flatMap(([name, shape]) => field(12, tensorInfo(name, shape))),
  ];
  const opset = [...field(1, []), ...int(2, 13)];
  return new Uint8Array([...int(1, 8 /* IR version */), ...field(7, body), ...field(8, opset)]);
}

/** Not a face detector: one Identity node from `x` [1, 3, h, w] to `y`. */
export function identityOnnxModel(): Uint8Array {
  const shape = [1, 3, 'h', 'w'];
  return onnxModel({ inputs: [['x', shape]], outputs: [['y', shape]], nodes: [{ op: 'Identity', inputs: ['x'], outputs: ['y'] }] });
}

/**
 * A model shaped as the released CenterFace (input `input.1` declared 10×3×32×32, outputs
 * 537–540: heatmap, scale, offset, landmarks at stride 4) whose "face" is red: the heatmap is
 * the red channel averaged over each 4×4 cell, /255; every box is 16×16 (scale ln 4 in units of
 * 4) centred on its cell (offset 0). A pure red 4×4 cell gives one detection of score 1.
 */
export function redSquareCenterFaceModel(): Uint8Array {
  const grid = (channels: number): Shape => [10, channels, 8, 8];
  return onnxModel({
    inputs: [['input.1', [10, 3, 32, 32]]],
    outputs: [['537', grid(1)], ['538', grid(2)], ['539', grid(2)], ['540', grid(10)]],
    constants: [
      { name: 'per255', type: 'float', dims: [], values: [1 / 255] },
      { name: 'zero', type: 'float', dims: [], values: [0] },
      { name: 'ln4', type: 'float', dims: [], values: [Math.log(4)] },
      { name: 'ch0', type: 'int64', dims: [1], values: [0] },
      { name: 'ch1', type: 'int64', dims: [1], values: [1] },
      { name: 'ch2', type: 'int64', dims: [1], values: [2] },
      { name: 'axis1', type: 'int64', dims: [1], values: [1] },
    ],
    nodes: [
      { op: 'AveragePool', inputs: ['input.1'], outputs: ['pooled'], ints: { kernel_shape: [4, 4], strides: [4, 4] } },
      { op: 'Mul', inputs: ['pooled', 'per255'], outputs: ['unit'] },
      { op: 'Slice', inputs: ['unit', 'ch0', 'ch1', 'axis1'], outputs: ['537'] },
      { op: 'Slice', inputs: ['unit', 'ch0', 'ch2', 'axis1'], outputs: ['two'] },
      { op: 'Mul', inputs: ['two', 'zero'], outputs: ['539'] },
      { op: 'Add', inputs: ['539', 'ln4'], outputs: ['538'] },
      { op: 'Concat', inputs: ['unit', 'unit', 'unit', '537'], outputs: ['540'], int: { axis: 1 } },
    ],
  });
}
