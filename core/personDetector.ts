import type * as Tf from '@tensorflow/tfjs';
import type { FaceDetection, FaceDetector, RgbFrame } from './detection';
import { suppressDuplicates } from './tiling';

/** People (COCO's "person") found by the CenterNet model that ships inside @vladmandic/human. */
export interface PersonDetectorOptions {
  model: 'centernet-person';
  /** Persons scoring below this are dropped. */
  minConfidence: number;
}

/** The tfjs API the person detector uses; the Node (wasm) and browser builds both provide it. */
export type PersonTf = Pick<typeof Tf, 'tidy' | 'tensor3d' | 'cast' | 'image' | 'expandDims' | 'pad'>;
/** A loaded CenterNet graph model (`tf.loadGraphModel`). */
export type PersonModel = Pick<Tf.GraphModel, 'execute'>;

/**
 * MB3-CenterNet as human runs it (src/object/centernet.ts): a 512×512 input, RGB as floats
 * 0..255 (the graph normalises itself); `tower_0/detections` holds the 100 best centres, each
 * [x1, y1, x2, y2, score, class] in input pixels, class 0 being COCO's person. Human stretches
 * the picture to the square; here it is padded to a square first: on a 16:9 frame, squeezed to
 * 0.56 of its width, a standing person scored 0.20 (and was boxed from the chest down) against
 * 0.68 padded. On faces-dev (mostly 4:3 and portrait) both find the persons of 18–19 of the 19
 * faces of 40 px or more.
 */
const CENTERNET_INPUT = 512;
const CENTERNET_OUTPUT = 'tower_0/detections';
const PERSON_CLASS = 0;

/** Person boxes on a frame, in its own pixels, best first; overlapping duplicates removed. */
export async function detectPersons(tf: PersonTf, model: PersonModel, frame: RgbFrame, minConfidence: number): Promise<FaceDetection[]> {
  const side = Math.max(frame.width, frame.height);
  const output = tf.tidy(() => {
    const image = tf.cast(tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32'), 'float32');
    const square = tf.pad(image, [
      [0, side - frame.height],
      [0, side - frame.width],
      [0, 0],
    ]);
    const input = tf.image.resizeBilinear(tf.expandDims(square, 0) as Tf.Tensor4D, [CENTERNET_INPUT, CENTERNET_INPUT]);
    return model.execute(input, CENTERNET_OUTPUT) as Tf.Tensor;
  });
  let rows: Float32Array;
  try {
    rows = (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
  const scale = side / CENTERNET_INPUT;
  const persons: FaceDetection[] = [];
  for (let at = 0; at + 6 <= rows.length; at += 6) {
    const [x1, y1, x2, y2, score, label] = rows.subarray(at, at + 6);
    if (label !== PERSON_CLASS || !(score >= minConfidence) || x2 <= x1 || y2 <= y1) continue;
    persons.push({ box: { x: x1 * scale, y: y1 * scale, width: (x2 - x1) * scale, height: (y2 - y1) * scale }, score });
  }
  return suppressDuplicates(persons);
}

/** A FaceDetector-shaped searcher for persons over a loaded model, so the detection pools run it like the face models. */
export function createPersonDetector(tf: PersonTf, model: PersonModel, options: PersonDetectorOptions): FaceDetector {
  return {
    description: `${options.model}@${options.minConfidence}`,
    minConfidence: options.minConfidence,
    detect: (frame) => detectPersons(tf, model, frame, options.minConfidence),
    dispose() {},
  };
}
