import type * as FaceApi from '@vladmandic/face-api';
import type { FaceDetection, FaceDetector, RgbFrame } from './detection';
import { toSsdShape, type BoxShape } from './geometry';
import { consume, runSsdNetwork, runTinyNetwork, type SsdParams, type TinyParams } from './faceApiNetworks';
import { nonMaxSuppression } from './tiling';

/** Face models that ship inside @vladmandic/face-api. */
export type FaceModel = 'ssd-mobilenet-v1' | 'tiny-face-detector';

export interface FaceApiDetectorOptions {
  model: FaceModel;
  /** Detections scoring below this are dropped. */
  minConfidence: number;
}

/**
 * The Tiny Face Detector draws near-square boxes that sit lower on the face than SSD's: on the
 * 22 faces of the face-api sample photos its boxes are 1.51× as wide, 0.97× as tall and centred
 * 0.12 box heights lower. Mapping them onto SSD's convention keeps one box shape per face whichever
 * model found it (tracks do not jump when the model changes) and does not blur cheeks and neck.
 */
const TINY_SHAPE: BoxShape = { width: 1.51, height: 0.97, centreShiftY: 0.12 };

export function tinyBoxToSsd(box: FaceDetection['box']): FaceDetection['box'] {
  return toSsdShape(box, TINY_SHAPE);
}

/** The face-api API this detector uses; both the Node (wasm) and browser builds provide it. */
export type FaceApiModule = Pick<typeof FaceApi, 'tf' | 'SsdMobilenetv1Options'> & {
  nets: {
    tinyFaceDetector: Pick<FaceApi.TinyFaceDetector, 'params' | 'anchors'>;
    ssdMobilenetv1: Pick<FaceApi.SsdMobilenetv1, 'params' | 'forwardInput' | 'locateFaces'>;
  };
};

/** The Tiny Face Detector's output grid: one cell per 32 input pixels, each with 5 anchor boxes of (x, y, w, h, score). */
const TINY_CELL = 32;
/** Its training mean, subtracted before scaling to 0..1 (face-api's `MEAN_RGB` for this model). */
const TINY_MEAN_RGB = [117.001, 114.697, 97.404];
/** Overlap above which face-api's own post-processing keeps only the better of two boxes. */
const TINY_IOU_THRESHOLD = 0.4;

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * Runs the Tiny Face Detector on the image at its own scale. face-api pads every input to a
 * square and resizes it to one input size, so a wide frame is shrunk (a 480×270 frame at 416
 * loses 13 % of its resolution) and half of what the network sees is padding. The network is
 * fully convolutional, so it runs as well on any size that is a multiple of 32: the image is
 * only padded (bottom and right, as face-api pads) to the next multiple. On a square input of
 * the model's size this gives face-api's own detections; a whole 960×540 frame costs half of
 * the six overlapping 416 tiles that covered it.
 */
async function detectTinyAtOwnScale(faceapi: FaceApiModule, frame: RgbFrame, minConfidence: number): Promise<FaceDetection[]> {
  const { tf } = faceapi;
  const net = faceapi.nets.tinyFaceDetector;
  const cellsX = Math.ceil(frame.width / TINY_CELL);
  const cellsY = Math.ceil(frame.height / TINY_CELL);
  // Each step frees the tensor before it (see runTinyNetwork); tidy frees them all on an error.
  const output = tf.tidy(() => {
    const image = consume(tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32'), (pixels) => tf.cast(pixels, 'float32'));
    const padded = consume(image, (v) =>
      tf.pad(v, [
        [0, cellsY * TINY_CELL - frame.height],
        [0, cellsX * TINY_CELL - frame.width],
        [0, 0],
      ]),
    );
    const mean = tf.tensor1d(TINY_MEAN_RGB);
    const centred = consume(padded, (v) => tf.sub(v, mean));
    mean.dispose();
    const input = consume(consume(centred, (v) => tf.div(v, 255)), (v) => tf.expandDims<FaceApi.tf.Tensor4D>(v, 0));
    return runTinyNetwork(tf, input, net.params as TinyParams);
  });
  let values: Float32Array;
  try {
    values = (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
  const anchors = net.anchors;
  const encoding = values.length / (cellsX * cellsY * anchors.length);
  const candidates: FaceDetection[] = [];
  for (let row = 0; row < cellsY; row++) {
    for (let col = 0; col < cellsX; col++) {
      for (let a = 0; a < anchors.length; a++) {
        const at = ((row * cellsX + col) * anchors.length + a) * encoding;
        const score = sigmoid(values[at + 4]);
        if (score <= minConfidence) continue;
        const cx = (col + sigmoid(values[at])) * TINY_CELL;
        const cy = (row + sigmoid(values[at + 1])) * TINY_CELL;
        const width = Math.exp(values[at + 2]) * anchors[a].x * TINY_CELL;
        const height = Math.exp(values[at + 3]) * anchors[a].y * TINY_CELL;
        candidates.push({ box: { x: cx - width / 2, y: cy - height / 2, width, height }, score });
      }
    }
  }
  return nonMaxSuppression(candidates, TINY_IOU_THRESHOLD);
}

/**
 * A FaceDetector over an already-initialised face-api module (backend chosen and model loaded
 * by the host). Shared by every host so the CLI and the app detect identically.
 */
export function createFaceApiDetector(faceapi: FaceApiModule, options: FaceApiDetectorOptions): FaceDetector {
  const ssd = faceapi.nets.ssdMobilenetv1;
  // face-api's locateFaces runs the network through the instance's forwardInput: the lean one
  // gives the same output to the bit in less memory.
  ssd.forwardInput = (input) => runSsdNetwork(faceapi.tf, input, ssd.params as SsdParams);
  const ssdOptions = new faceapi.SsdMobilenetv1Options({ minConfidence: options.minConfidence, maxResults: 100 });
  return {
    description: `${options.model}@${options.minConfidence}`,
    minConfidence: options.minConfidence,
    async detect(frame: RgbFrame): Promise<FaceDetection[]> {
      if (options.model === 'tiny-face-detector') {
        return (await detectTinyAtOwnScale(faceapi, frame, options.minConfidence)).map((d) => ({ ...d, box: tinyBoxToSsd(d.box) }));
      }
      const tensor = faceapi.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      try {
        const found = await ssd.locateFaces(tensor as unknown as FaceApi.TNetInput, ssdOptions);
        return found.map((d) => ({ box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height }, score: d.score }));
      } finally {
        tensor.dispose();
      }
    },
    dispose() {},
  };
}
