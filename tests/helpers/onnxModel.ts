/**
 * A real ONNX file that is not a face detector: one Identity node from `x` [1, 3, h, w] to `y`,
 * written as protobuf by hand (no ONNX tooling here), so onnxruntime loads it and Blurline has
 * to refuse it by its outputs.
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

/** ValueInfoProto of a float tensor; string dimensions are symbolic. */
function tensorInfo(name: string, shape: (number | string)[]): number[] {
  const dims = shape.flatMap((d) => field(1, typeof d === 'number' ? int(1, d) : field(2, text(d))));
  const tensorType = [...int(1, 1 /* FLOAT */), ...field(2, dims)];
  return [...field(1, text(name)), ...field(2, field(1, tensorType))];
}

export function identityOnnxModel(): Uint8Array {
  const node = [...field(1, text('x')), ...field(2, text('y')), ...field(4, text('Identity'))];
  const shape = [1, 3, 'h', 'w'];
  const graph = [...field(1, node), ...field(2, text('identity')), ...field(11, tensorInfo('x', shape)), ...field(12, tensorInfo('y', shape))];
  const opset = [...field(1, []), ...int(2, 13)];
  return new Uint8Array([...int(1, 8 /* IR version */), ...field(7, graph), ...field(8, opset)]);
}
