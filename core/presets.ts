import type { FaceApiDetectorOptions } from './faceApiDetector';
import type { AnalysisSchedule } from './faceAnalysis';

export type PresetName = 'thorough' | 'fast';

/** Everything that decides how a source is analysed; its name is recorded in the project. */
export interface DetectionPreset {
  name: PresetName;
  /** Searches tiles for new faces. */
  discovery: FaceApiDetectorOptions;
  /** Re-finds known faces in zoomed crops (fast, and sees small faces large). */
  roi: FaceApiDetectorOptions;
  /** Frames wider than this are scaled down first (boxes are scaled back to source pixels). */
  maxAnalysisWidth: number;
  schedule: AnalysisSchedule;
}

const ROI_INPUT = 160;

export const DETECTION_PRESETS: Record<PresetName, DetectionPreset> = {
  // For export: SSD searches the frame at native resolution every few frames, so faces down to
  // ~20 px are found; known faces are re-found every frame.
  thorough: {
    name: 'thorough',
    discovery: { model: 'ssd-mobilenet-v1', minConfidence: 0.5 },
    roi: { model: 'tiny-face-detector', minConfidence: 0.4, tinyInputSize: ROI_INPUT },
    maxAnalysisWidth: 1920,
    schedule: {
      discovery: [
        { shrink: 4, tileSize: 512, overlap: 0, everyFrames: 1 },
        { shrink: 2, tileSize: 512, overlap: 128, everyFrames: 3 },
        { shrink: 1, tileSize: 512, overlap: 128, everyFrames: 6 },
      ],
      roi: { everyFrames: 1, context: 2.2, inputSize: ROI_INPUT },
      backtrackFrames: 12,
      tracker: { maxMissedFrames: 12, preRollFrames: 4, postRollFrames: 4 },
    },
  },
  // Towards real time on a laptop CPU: the Tiny Face Detector, native resolution searched only
  // every 48 frames; the backwards search recovers the frames before a face was found.
  fast: {
    name: 'fast',
    discovery: { model: 'tiny-face-detector', minConfidence: 0.5, tinyInputSize: 416 },
    roi: { model: 'tiny-face-detector', minConfidence: 0.4, tinyInputSize: ROI_INPUT },
    maxAnalysisWidth: 1920,
    schedule: {
      discovery: [
        { shrink: 4, tileSize: 512, overlap: 0, everyFrames: 3 },
        { shrink: 2, tileSize: 416, overlap: 96, everyFrames: 12 },
        { shrink: 1, tileSize: 416, overlap: 96, everyFrames: 48 },
      ],
      roi: { everyFrames: 3, context: 2.2, inputSize: ROI_INPUT },
      backtrackFrames: 48,
      tracker: { maxMissedFrames: 12, preRollFrames: 3, postRollFrames: 3 },
    },
  },
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(DETECTION_PRESETS, name);
}
