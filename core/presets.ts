import type { FaceApiDetectorOptions } from './faceApiDetector';

export type PresetName = 'thorough' | 'fast';

/** Everything that decides how a source is analysed; recorded in the project. */
export interface DetectionPreset {
  name: PresetName;
  detector: FaceApiDetectorOptions;
  /** Width the frames are scaled to before detection (never up). */
  analysisWidth: number;
}

export const DETECTION_PRESETS: Record<PresetName, DetectionPreset> = {
  thorough: {
    name: 'thorough',
    detector: { model: 'ssd-mobilenet-v1', minConfidence: 0.5 },
    analysisWidth: 960,
  },
  fast: {
    name: 'fast',
    detector: { model: 'tiny-face-detector', minConfidence: 0.5 },
    analysisWidth: 960,
  },
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(DETECTION_PRESETS, name);
}
