import type * as Tf from '@tensorflow/tfjs';
import type { DetectorOptions, FaceDetection, FaceDetector, RgbFrame } from './detection';
import { scaleBox, toSsdShape, type BoxShape, type ChinSide } from './geometry';
import { downscaleRgb } from './image';
import { squareInput } from './tfInput';
import { nonMaxSuppression } from './tiling';

/**
 * The BlazeFace face detectors that ship inside npm packages: the 256×256 "back camera" model in
 * @vladmandic/human (a tfjs graph) and MediaPipe's short-range (128×128, faces within ~2 m) and
 * full-range (192×192, within ~5 m) models in @mediapipe/face_detection (.tflite files, run by
 * core/tflite.ts). All three are SSD-style: one box per anchor, its offsets from the anchor's
 * centre and its size in input pixels, and a score logit.
 */
export type BlazeFaceModel = 'blazeface-human' | 'mediapipe-short' | 'mediapipe-full';

export interface BlazeFaceDetectorOptions {
  model: BlazeFaceModel;
  /** Detections scoring below this are dropped. */
  minConfidence: number;
}

/** Each model's file: human's in its models folder (weights beside it), MediaPipe's in its package folder. */
export const BLAZE_FACE_MODEL_FILES: Record<BlazeFaceModel, string> = {
  'blazeface-human': 'blazeface.json',
  'mediapipe-short': 'face_detection_short_range.tflite',
  'mediapipe-full': 'face_detection_full_range.tflite',
};

export function isBlazeFaceModel(options: DetectorOptions): options is BlazeFaceDetectorOptions {
  return Object.hasOwn(BLAZE_FACE_MODEL_FILES, options.model);
}

/** One feature map of anchors: a grid of `input / stride` cells, `perCell` anchors at each cell's centre. */
interface AnchorLayer {
  stride: number;
  perCell: number;
}

interface BlazeFaceSpec {
  /** Square input side, pixels. */
  input: number;
  layers: AnchorLayer[];
}

/**
 * Anchor layouts, as MediaPipe's SsdAnchorsCalculator makes them from its graph options (and
 * human's generateAnchors for its model): fixed-size anchors, so only their centres matter.
 * Short range: strides 8, 16, 16, 16 with 2 anchors per layer (the three stride-16 layers share
 * one 8×8 grid: 6 per cell), 512 + 384 = 896. Full range: one stride-4 layer of one anchor,
 * 48×48 = 2304. Human's 256 model: strides 16 and 32, 2 and 6 anchors, 512 + 384 = 896.
 */
const SPECS: Record<BlazeFaceModel, BlazeFaceSpec> = {
  'blazeface-human': { input: 256, layers: [{ stride: 16, perCell: 2 }, { stride: 32, perCell: 6 }] },
  'mediapipe-short': { input: 128, layers: [{ stride: 8, perCell: 2 }, { stride: 16, perCell: 6 }] },
  'mediapipe-full': { input: 192, layers: [{ stride: 4, perCell: 1 }] },
};

/**
 * Each model's boxes against SSD's, medians over the 79–82 WIDER faces of faces-dev that both
 * find (bench/detectors.ts, the whole photo and tiles of the model's input): as wide, about 0.8×
 * as tall (BlazeFace draws squares, SSD taller boxes down to the chin) and centred lower.
 */
const BOX_SHAPES: Record<BlazeFaceModel, BoxShape> = {
  'blazeface-human': { width: 1.02, height: 0.77, centreShiftY: 0.1 },
  'mediapipe-short': { width: 1.05, height: 0.78, centreShiftY: 0.09 },
  'mediapipe-full': { width: 1.08, height: 0.81, centreShiftY: 0.04 },
};

export const blazeFaceInputSize = (model: BlazeFaceModel) => SPECS[model].input;

const anchorCache = new Map<BlazeFaceModel, Float32Array>();

/** Anchor centres in input pixels, [x, y] per anchor, in the models' output order (row by row, layer by layer). */
function anchorsOf(model: BlazeFaceModel): Float32Array {
  const cached = anchorCache.get(model);
  if (cached) return cached;
  const { input, layers } = SPECS[model];
  const centres: number[] = [];
  for (const { stride, perCell } of layers) {
    const cells = Math.ceil(input / stride);
    for (let row = 0; row < cells; row++) {
      for (let col = 0; col < cells; col++) {
        for (let n = 0; n < perCell; n++) centres.push((col + 0.5) * stride, (row + 0.5) * stride);
      }
    }
  }
  const anchors = Float32Array.from(centres);
  anchorCache.set(model, anchors);
  return anchors;
}

/** MediaPipe clips logits to ±100 before the sigmoid (score_clipping_thresh). */
const SCORE_CLIP = 100;
/** Values per anchor in the box output: x, y, w, h, then six keypoints (eyes, nose, mouth, ears). */
const BOX_VALUES = 16;
/** Where the keypoints the chin's side is read from sit among an anchor's values (x, then y). */
const KEYPOINT = { rightEye: 4, leftEye: 6, mouth: 10 };

/** The chin's side from the keypoints: the way from between the eyes to the mouth. */
function chinSide(values: Float32Array, at: number): ChinSide {
  const dx = values[at + KEYPOINT.mouth] - (values[at + KEYPOINT.rightEye] + values[at + KEYPOINT.leftEye]) / 2;
  const dy = values[at + KEYPOINT.mouth + 1] - (values[at + KEYPOINT.rightEye + 1] + values[at + KEYPOINT.leftEye + 1]) / 2;
  if (Math.abs(dy) >= Math.abs(dx)) return dy >= 0 ? 'down' : 'up';
  return dx > 0 ? 'right' : 'left';
}
/** MediaPipe's non-maximum suppression threshold for these models (min_suppression_threshold). */
const NMS_IOU = 0.3;

/** Raw model outputs, flattened: box values (BOX_VALUES per anchor) and score logits (one per anchor). */
interface BlazeFaceOutputs {
  boxes: Float32Array;
  logits: Float32Array;
}

/**
 * Faces from the raw outputs, in input pixels, best first, overlapping boxes suppressed. Box
 * centre = anchor centre + (x, y); size = (w, h) (MediaPipe's decode with x/y/w/h scale = the input
 * size and unit anchors), redrawn in SSD's shape the way the face is turned (the eyes and mouth
 * say which way: BlazeFace finds faces on their side, SSD's shape is an upright face's).
 */
function decodeBlazeFace(model: BlazeFaceModel, outputs: BlazeFaceOutputs, minConfidence: number): FaceDetection[] {
  const anchors = anchorsOf(model);
  const count = anchors.length / 2;
  if (outputs.logits.length !== count || outputs.boxes.length !== count * BOX_VALUES) {
    throw new Error(`${model}: the model gave ${outputs.logits.length} scores and ${outputs.boxes.length / BOX_VALUES} boxes for ${count} anchors`);
  }
  const candidates: FaceDetection[] = [];
  for (let i = 0; i < count; i++) {
    const logit = Math.max(-SCORE_CLIP, Math.min(SCORE_CLIP, outputs.logits[i]));
    const score = 1 / (1 + Math.exp(-logit));
    if (!(score >= minConfidence)) continue;
    const at = i * BOX_VALUES;
    const width = outputs.boxes[at + 2];
    const height = outputs.boxes[at + 3];
    if (!(width > 0 && height > 0)) continue;
    const cx = anchors[2 * i] + outputs.boxes[at];
    const cy = anchors[2 * i + 1] + outputs.boxes[at + 1];
    candidates.push({ box: toSsdShape({ x: cx - width / 2, y: cy - height / 2, width, height }, BOX_SHAPES[model], chinSide(outputs.boxes, at)), score });
  }
  return nonMaxSuppression(candidates, NMS_IOU);
}

/** The tfjs API the detector uses; the Node (wasm) and browser builds both provide it. */
export type BlazeFaceTf = Pick<typeof Tf, 'tidy' | 'tensor3d' | 'cast' | 'image' | 'expandDims' | 'pad' | 'concat' | 'reshape' | 'sub' | 'div' | 'scalar'>;

/** A loaded BlazeFace network: one normalised NHWC input in, its output tensors out (a tfjs graph's or a TFLite graph's). */
export type BlazeFaceNet = (input: Tf.Tensor4D) => Tf.Tensor[];

/**
 * How a frame reaches the square input: shrunk by a whole factor (each block averaged: no
 * aliasing, which a plain bilinear resize of a 1080p frame to 128 px would give), padded with
 * black at the bottom or right to a square (the picture keeps its shape, as MediaPipe's
 * letterbox), then resized (bilinear) to the input.
 */
interface Letterbox {
  /** The frame after the whole-factor shrink. */
  shrunk: RgbFrame;
  /** Side of the padded square, shrunk pixels. */
  side: number;
  /** Frame pixels per input pixel. */
  scale: number;
}

function letterbox(frame: RgbFrame, input: number): Letterbox {
  const factor = Math.max(1, Math.floor(Math.max(frame.width, frame.height) / input));
  const shrunk = downscaleRgb(frame, factor);
  const side = Math.max(shrunk.width, shrunk.height);
  return { shrunk, side, scale: (side * factor) / input };
}

/**
 * The models' outputs in anchor order: box outputs (last dimension 16) and score outputs (last
 * dimension 1), each concatenated finest grid first (more anchors first). MediaPipe's models give
 * one of each; human's graph gives two of each, one per grid.
 */
function orderOutputs(tf: BlazeFaceTf, outputs: Tf.Tensor[]): [Tf.Tensor, Tf.Tensor] {
  const byAnchors = (last: number) =>
    outputs
      .filter((t) => t.shape[t.shape.length - 1] === last)
      .sort((a, b) => b.size / last - a.size / last)
      .map((t) => tf.reshape(t, [-1]));
  const boxes = byAnchors(BOX_VALUES);
  const logits = byAnchors(1);
  if (boxes.length === 0 || logits.length === 0) throw new Error(`unexpected BlazeFace outputs: ${outputs.map((t) => `[${t.shape}]`).join(', ')}`);
  return [tf.concat(boxes), tf.concat(logits)];
}

/** Faces on a frame of any size, in its own pixels, boxes in SSD's shape (see decodeBlazeFace). */
async function detectBlazeFaces(tf: BlazeFaceTf, net: BlazeFaceNet, model: BlazeFaceModel, frame: RgbFrame, minConfidence: number): Promise<FaceDetection[]> {
  const { input } = SPECS[model];
  const { shrunk, side, scale } = letterbox(frame, input);
  const [boxesT, logitsT] = tf.tidy(() => {
    const resized = squareInput(tf, shrunk, side, input);
    // Both models take RGB in -1..1 (MediaPipe's output_tensor_float_range, human's x / 127.5 - 1).
    return orderOutputs(tf, net(tf.sub(tf.div(resized, tf.scalar(127.5)), tf.scalar(1)) as Tf.Tensor4D));
  });
  let outputs: BlazeFaceOutputs;
  try {
    outputs = { boxes: (await boxesT.data()) as Float32Array, logits: (await logitsT.data()) as Float32Array };
  } finally {
    boxesT.dispose();
    logitsT.dispose();
  }
  return decodeBlazeFace(model, outputs, minConfidence).map((d) => ({ ...d, box: scaleBox(d.box, scale) }));
}

/** A FaceDetector over a loaded BlazeFace network; shared by every host so the CLI and the app detect identically. */
export function createBlazeFaceDetector(tf: BlazeFaceTf, net: BlazeFaceNet, options: BlazeFaceDetectorOptions): FaceDetector {
  return {
    description: `${options.model}@${options.minConfidence}`,
    minConfidence: options.minConfidence,
    detect: (frame) => detectBlazeFaces(tf, net, options.model, frame, options.minConfidence),
    // The network is the host's, loaded once per process and shared by every detector over it.
    dispose() {},
  };
}
