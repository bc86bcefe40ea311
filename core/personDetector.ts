import type * as Tf from '@tensorflow/tfjs';
import type { DetectorOptions, FaceDetection, FaceDetector, RgbFrame } from './detection';
import { cropResizeRgb } from './image';
import { headFromPose, headOfPerson, POSE_CROP_CONTEXT, poseCrop, type Keypoint } from './personHeads';
import { squareInput } from './tfInput';
import { suppressDuplicates } from './tiling';

/**
 * The person safety net's two models, both shipped inside @vladmandic/human: CenterNet finds
 * people (COCO's "person") on a whole frame; MoveNet (Lightning) finds a found person's
 * keypoints on a crop around them, whose nose, eyes and ears place the head.
 */
export type PersonDetectorOptions =
  | {
      model: 'centernet-person';
      /** Persons scoring below this are dropped. */
      minConfidence: number;
    }
  | {
      /** The head of the person in a crop made by `poseCrop`, from MoveNet's keypoints. */
      model: 'movenet-head';
      /** Keypoints scoring below this are not used. */
      minConfidence: number;
    };

/** The models' graph files in human's models folder (weights beside them). */
export const PERSON_MODEL_FILES: Record<PersonDetectorOptions['model'], string> = {
  'centernet-person': 'centernet.json',
  'movenet-head': 'movenet-lightning.json',
};

export function isPersonModel(options: DetectorOptions): options is PersonDetectorOptions {
  return Object.hasOwn(PERSON_MODEL_FILES, options.model);
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
    const input = squareInput(tf, frame, side, CENTERNET_INPUT);
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

/** MoveNet Lightning (human's src/body/movenet.ts): 192×192 int32 RGB in; 17 keypoints out, each [y, x, score] of the input. */
export const POSE_INPUT = 192;

/**
 * The head in a pose crop (`poseCrop`, resized to POSE_INPUT), from MoveNet's keypoints: one
 * box, or none when no head keypoint is sure enough.
 */
export async function detectHeadByPose(tf: PersonTf, model: PersonModel, crop: RgbFrame, minConfidence: number): Promise<FaceDetection[]> {
  const output = tf.tidy(() => model.execute(tf.expandDims(tf.tensor3d(crop.data, [crop.height, crop.width, 3], 'int32'), 0)) as Tf.Tensor);
  let values: Float32Array;
  try {
    values = (await output.data()) as Float32Array;
  } finally {
    output.dispose();
  }
  const keypoints: Keypoint[] = [];
  for (let at = 0; at + 3 <= values.length; at += 3) keypoints.push({ x: values[at + 1] * crop.width, y: values[at] * crop.height, score: values[at + 2] });
  const head = headFromPose(keypoints, crop.width / POSE_CROP_CONTEXT, minConfidence);
  return head ? [head] : [];
}

/**
 * Each person's head, in frame pixels: from their pose (`pose`, a `movenet-head` detector) on a
 * crop around them, or where the pose shows no head, the top of the person box.
 */
export async function headsOfPersons(frame: RgbFrame, persons: readonly FaceDetection[], pose: FaceDetector): Promise<FaceDetection[]> {
  return Promise.all(
    persons.map(async (person) => {
      const rect = poseCrop(person.box);
      const [head] = await pose.detect(cropResizeRgb(frame, rect, POSE_INPUT, POSE_INPUT));
      if (!head) return { box: headOfPerson(person.box), score: person.score };
      const scale = rect.width / POSE_INPUT;
      return { box: { x: rect.x + head.box.x * scale, y: rect.y + head.box.y * scale, width: head.box.width * scale, height: head.box.height * scale }, score: head.score };
    }),
  );
}

/** A FaceDetector-shaped searcher over a loaded person model, so the detection pools run it like the face models. */
export function createPersonDetector(tf: PersonTf, model: PersonModel, options: PersonDetectorOptions): FaceDetector {
  const detect = options.model === 'centernet-person' ? detectPersons : detectHeadByPose;
  return {
    description: `${options.model}@${options.minConfidence}`,
    minConfidence: options.minConfidence,
    detect: (frame) => detect(tf, model, frame, options.minConfidence),
    dispose() {},
  };
}
