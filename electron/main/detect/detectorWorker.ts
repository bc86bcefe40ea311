import { parentPort } from 'node:worker_threads';
import type { DetectorOptions, FaceDetector } from '../../../core/detection';
import type { DetectionJob } from '../../../core/detectionDispatch';
import { createNodeDetector } from './nodeFaceDetector';

/**
 * A detection worker: its own tfjs-wasm instance (and onnxruntime session for a user's model),
 * one detector per distinct option set (face models, the user's model, the person models).
 */

/** A search sent by the pool (the core dispatcher's job). */
export type DetectRequest = DetectionJob;

export type DetectReply =
  | { id: number; ok: true; faces: { box: { x: number; y: number; width: number; height: number }; score: number }[] }
  | { id: number; ok: false; message: string };

const detectors = new Map<string, Promise<FaceDetector>>();

function detectorFor(options: DetectorOptions): Promise<FaceDetector> {
  const key = JSON.stringify(options);
  let detector = detectors.get(key);
  if (!detector) {
    detector = createNodeDetector(options);
    detectors.set(key, detector);
  }
  return detector;
}

parentPort!.on('message', async (request: DetectRequest) => {
  try {
    const detector = await detectorFor(request.options);
    const faces = await detector.detect({ data: request.data, width: request.width, height: request.height });
    parentPort!.postMessage({ id: request.id, ok: true, faces } satisfies DetectReply);
  } catch (err) {
    parentPort!.postMessage({ id: request.id, ok: false, message: (err as Error).message } satisfies DetectReply);
  }
});
