import type { BlazeFaceDetectorOptions } from './blazeFace';
import type { FaceApiDetectorOptions } from './faceApiDetector';
import type { Box } from './geometry';
import type { QuarterTurn } from './image';
import type { OnnxDetectorOptions } from './onnxFaceModels';
import { fileName } from './paths';
import type { PersonDetectorOptions } from './personDetector';

/** One face found on one frame, in source pixels. */
export interface FaceDetection {
  box: Box;
  score: number;
  /** Found in the picture turned clockwise by this much (absent: upright). */
  turn?: QuarterTurn;
}

export interface FrameDetections {
  frame: number;
  faces: FaceDetection[];
}

/** A packed RGB frame (3 bytes per pixel, no row padding). */
export interface RgbFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

/** One frame's luma plane (rows of `width` bytes): where brightness is all that is read. */
export interface LumaFrame {
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * What every host (Node CLI, renderer worker) provides: faces on one frame, boxes in the
 * frame's own pixels. Hosts differ only in how they load the model and which backend runs it.
 */
export interface FaceDetector {
  /** Model and settings, recorded in the project (e.g. `ssd-mobilenet-v1@0.5`). */
  readonly description: string;
  readonly minConfidence: number;
  detect(frame: RgbFrame): Promise<FaceDetection[]>;
  dispose(): void;
}

/**
 * Every model a detection worker runs: a built-in face-api model, a BlazeFace model (human's or
 * MediaPipe's), the user's own ONNX model, and the person models of the person safety net.
 */
export type DetectorOptions = FaceApiDetectorOptions | BlazeFaceDetectorOptions | OnnxDetectorOptions | PersonDetectorOptions;

/** A detector and its threshold in words, for the record: `ssd-mobilenet-v1@0.5`, `onnx:yunet.onnx@0.5`. */
export function detectorName(options: DetectorOptions): string {
  return options.model === 'onnx' ? `onnx:${fileName(options.file)}@${options.minConfidence}` : `${options.model}@${options.minConfidence}`;
}
