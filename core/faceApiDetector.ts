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

export const DEFAULT_DETECTOR_OPTIONS: FaceApiDetectorOptions = { model: 'ssd-mobilenet-v1', minConfidence: 0.5 };

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
        return found.map((d) => ({
          box: { x: d.box.x, y: d.box.y, width: d.box.width, height: d.box.height },
          score: d.score,
        }));
      } finally {
        tensor.dispose();
      }
    },
    dispose() {},
  };
}
