import type * as FaceApi from '@vladmandic/face-api';
import type { FaceDetection, FaceDetector, RgbFrame } from './detection';

/** Face models that ship inside @vladmandic/face-api. */
export type FaceModel = 'ssd-mobilenet-v1' | 'tiny-face-detector';

export interface FaceApiDetectorOptions {
  model: FaceModel;
  /** Detections scoring below this are dropped. */
  minConfidence: number;
  /** Tiny Face Detector input size (multiple of 32). */
  tinyInputSize?: number;
}

/**
 * The Tiny Face Detector draws near-square boxes that sit lower on the face than SSD's: on the
 * 22 faces of the face-api sample photos its boxes are 1.51× as wide, 0.97× as tall and centred
 * 0.12 box heights lower. Mapping them onto SSD's convention keeps one box shape per face whichever
 * model found it (tracks do not jump when the model changes) and does not blur cheeks and neck.
 */
const TINY_TO_SSD = { width: 1 / 1.51, height: 1 / 0.97, centreShiftY: -0.12 };

export function tinyBoxToSsd(box: FaceDetection['box']): FaceDetection['box'] {
  const width = box.width * TINY_TO_SSD.width;
  const height = box.height * TINY_TO_SSD.height;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2 + TINY_TO_SSD.centreShiftY * height;
  return { x: cx - width / 2, y: cy - height / 2, width, height };
}

/** The face-api API this detector uses; both the Node (wasm) and browser builds provide it. */
export type FaceApiModule = Pick<typeof FaceApi, 'tf' | 'detectAllFaces' | 'SsdMobilenetv1Options' | 'TinyFaceDetectorOptions'>;

/**
 * A FaceDetector over an already-initialised face-api module (backend chosen and model loaded
 * by the host). Shared by every host so the CLI and the app detect identically.
 */
export function createFaceApiDetector(faceapi: FaceApiModule, options: FaceApiDetectorOptions): FaceDetector {
  const detectorOptions =
    options.model === 'ssd-mobilenet-v1'
      ? new faceapi.SsdMobilenetv1Options({ minConfidence: options.minConfidence, maxResults: 100 })
      : new faceapi.TinyFaceDetectorOptions({ inputSize: options.tinyInputSize ?? 416, scoreThreshold: options.minConfidence });
  return {
    description: `${options.model}@${options.minConfidence}`,
    minConfidence: options.minConfidence,
    async detect(frame: RgbFrame): Promise<FaceDetection[]> {
      const tensor = faceapi.tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'int32');
      try {
        const found = await faceapi.detectAllFaces(tensor as unknown as FaceApi.TNetInput, detectorOptions);
        return found.map((d) => {
          const box = { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height };
          return { box: options.model === 'tiny-face-detector' ? tinyBoxToSsd(box) : box, score: d.score };
        });
      } finally {
        tensor.dispose();
      }
    },
    dispose() {},
  };
}
