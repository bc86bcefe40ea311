import type { Box } from './geometry';
import type { FaceApiDetectorOptions } from './faceApiDetector';
import type { PersonDetectorOptions } from './personDetector';

/** One face found on one frame, in source pixels. */
export interface FaceDetection {
  box: Box;
  score: number;
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

/** Every model a detection worker runs: the face models, and the person model for the person safety net. */
export type DetectorOptions = FaceApiDetectorOptions | PersonDetectorOptions;
