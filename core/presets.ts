import type { BlazeFaceDetectorOptions } from './blazeFace';
import type { FaceApiDetectorOptions } from './faceApiDetector';
import type { DetectorOptions } from './detection';
import type { AnalysisSchedule, DiscoveryLevel } from './faceAnalysis';
import type { OnnxDetectorOptions } from './onnxFaceModels';

export type PresetName = 'thorough' | 'fast';

/** Everything that decides how a source is analysed; its name is recorded in the project. */
export interface DetectionPreset {
  name: PresetName;
  /** Frames wider than this are scaled down first (boxes are scaled back to source pixels). */
  maxAnalysisWidth: number;
  schedule: AnalysisSchedule;
}

const SSD: FaceApiDetectorOptions = { model: 'ssd-mobilenet-v1', minConfidence: 0.5 };
const TINY: FaceApiDetectorOptions = { model: 'tiny-face-detector', minConfidence: 0.5 };
/** A tile larger than any analysed frame: the level searches the whole (shrunk) frame at once. */
const WHOLE_FRAME = { width: 4096, height: 4096 };
/**
 * Native 1080p is searched in two strips of 640 rows spread over frames, each strip as 704-wide
 * tiles searched on one frame: Tiny's WebAssembly heap grows to its largest input and never
 * shrinks, 757 MB per worker on a 1920×640 strip against ~305 MB with these tiles. Measured
 * against whole strips: synthetic 1080p suite the same coverage (100 %) and detections, peak
 * 2415 → 1660 MB thorough, 2174 → 1458 MB fast; real small suite thorough 73.4 → 74.3 %, fast
 * 40.3 → 39.5 % hidden.
 */
const NATIVE_TILE = { width: 704, height: 640 };
/**
 * BlazeFace (human's 256 model) on the whole frame: faces tilted or turned, which SSD and Tiny
 * miss (on a real close-up of two heads tilted ~45°, it found both at 0.78–0.83, SSD one at 0.38),
 * for about a tenth of SSD's cost. Its look at 0.5 joins the second looks, since those two
 * heads are also what Tiny and SSD fail to confirm. On the real-face clips (16 frames each): large
 * faces hidden 97.4 → 99.3 %, false blur 6.4 → 3.3 % (tilted heads became face tracks, not the
 * person net's wide head boxes), small and medium within 0.3 points.
 */
const BLAZE_FACE: BlazeFaceDetectorOptions = { model: 'blazeface-human', minConfidence: 0.6 };
const BLAZE_FACE_LOOK = { detector: { model: 'blazeface-human', minConfidence: 0.5 } satisfies BlazeFaceDetectorOptions, inputSize: 256 };
const ROI_INPUT = 160;
const ROI: FaceApiDetectorOptions = { model: 'tiny-face-detector', minConfidence: 0.4 };
/**
 * Second looks at a new face, zoomed like the re-detection: the Tiny look keeps motion-blurred
 * faces (SSD alone rejected all of them), the SSD look keeps faces turned to profile (Tiny alone
 * rejected those); textured clothing that Tiny mistakes for a face at native size fails both.
 */
const CONFIRM = {
  looks: [
    { detector: ROI, inputSize: ROI_INPUT },
    { detector: { model: 'ssd-mobilenet-v1', minConfidence: 0.3 } satisfies FaceApiDetectorOptions, inputSize: 512 },
  ],
  context: 2.2,
  minSize: 48,
};
const THOROUGH_CONFIRM = { ...CONFIRM, looks: [...CONFIRM.looks, BLAZE_FACE_LOOK] };

/**
 * Faces on their side or upside down (a person lying on the road, a photo held sideways): SSD on
 * the quarter-size frame turned each way, every 6 frames; a face found so is then re-found and
 * confirmed turned the same way.
 */
const TURNED_SSD = ([90, 180, 270] as const).map((turn) => ({
  detector: SSD,
  shrink: 4,
  tile: WHOLE_FRAME,
  overlap: 0,
  everyFrames: 6,
  stretchLevels: true,
  turn,
}));

/**
 * The person safety net. CenterNet costs 220–390 ms a search on one wasm thread (any frame size:
 * it sees 512×512), so it runs on a frame in 10 (thorough) or 24 (fast); a person lying still or
 * walking is seen several times a second either way. Persons at 0.3: on faces-dev 0.5 found the
 * persons of 15 of the 19 faces ≥ 40 px, 0.4 of 17, 0.3 of 18 (see personHeads.ts).
 */
const PERSONS = {
  detector: { model: 'centernet-person', minConfidence: 0.3 },
  pose: { model: 'movenet-head', minConfidence: 0.3 },
  minPersonHeight: 64,
  minSightings: 2,
  maxInputWidth: 640,
} as const;

export const DETECTION_PRESETS: Record<PresetName, DetectionPreset> = {
  // For export: SSD looks at the whole frame every other frame (large and turned faces), the
  // Tiny Face Detector searches the half-size frame and native-resolution strips (faces down to
  // ~24 px), and every known face is re-found on every frame. Margins of 3 frames, not 4: on the
  // small benchmark the fourth frame added 0.3 % of false blur and no coverage (the backwards
  // search and following find where a face starts; the margin covers what they cannot).
  thorough: {
    name: 'thorough',
    maxAnalysisWidth: 1920,
    schedule: {
      discovery: [
        { detector: SSD, shrink: 4, tile: WHOLE_FRAME, overlap: 0, everyFrames: 2, stretchLevels: true },
        { detector: TINY, shrink: 2, tile: WHOLE_FRAME, overlap: 96, everyFrames: 3, stretchLevels: false },
        { detector: TINY, shrink: 1, tile: NATIVE_TILE, overlap: 96, everyFrames: 8, rowsTogether: true, stretchLevels: false },
        ...TURNED_SSD,
        { detector: BLAZE_FACE, shrink: 1, tile: WHOLE_FRAME, overlap: 0, everyFrames: 2, stretchLevels: false },
      ],
      roi: { detector: ROI, everyFrames: 1, context: 2.2, inputSize: ROI_INPUT },
      confirm: THOROUGH_CONFIRM,
      backtrackFrames: 48,
      followBackFrames: 0,
      tracker: { maxMissedFrames: 12, preRollFrames: 3, postRollFrames: 3 },
      persons: { ...PERSONS, everyFrames: 10 },
    },
  },
  // Towards real time on a laptop CPU: the Tiny Face Detector searches (SSD only takes the second
  // look at a new face Tiny did not confirm: it keeps turned faces), native resolution searched
  // every 48 frames; the backwards search recovers the frames before a face was found, 64 back
  // because the native sweep may see a small face up to 48 frames late (full approach scenario:
  // 95.7% -> 100% coverage against 48 back; 64 frames of 1080p RGB hold about 400 MB).
  fast: {
    name: 'fast',
    maxAnalysisWidth: 1920,
    schedule: {
      discovery: [
        { detector: TINY, shrink: 4, tile: WHOLE_FRAME, overlap: 0, everyFrames: 3, stretchLevels: true },
        { detector: TINY, shrink: 2, tile: WHOLE_FRAME, overlap: 96, everyFrames: 12, stretchLevels: false },
        { detector: TINY, shrink: 1, tile: NATIVE_TILE, overlap: 96, everyFrames: 48, rowsTogether: true, stretchLevels: false },
      ],
      // Slow faces are followed by their look between zoomed looks every 6 frames (every 3 before
      // following: crowd 17.6 -> 19.9 fps, profile 97.6 -> 100 %, no scenario lost coverage).
      roi: { detector: ROI, everyFrames: 6, context: 2.2, inputSize: ROI_INPUT },
      confirm: CONFIRM,
      backtrackFrames: 64,
      // 150 more frames as half-size luma (78 MB at 1080p): the dark approaching face at night is found 150
      // frames after it came into view and followed back by its look (night 76.9 -> 92.1 %).
      followBackFrames: 150,
      tracker: { maxMissedFrames: 12, preRollFrames: 3, postRollFrames: 3 },
      persons: { ...PERSONS, everyFrames: 24 },
    },
  },
};

export function isPresetName(name: string): name is PresetName {
  return Object.hasOwn(DETECTION_PRESETS, name);
}

/** A preset whose discovery detectors use another confidence threshold (the zoomed re-detection keeps its own). */
export function withMinConfidence(preset: DetectionPreset, minConfidence: number): DetectionPreset {
  return {
    ...preset,
    schedule: {
      ...preset.schedule,
      discovery: preset.schedule.discovery.map((level) => ({ ...level, detector: { ...level.detector, minConfidence } })),
    },
  };
}

/** A schedule without a detector's searches and second looks (`drop` picks the detector). */
export function scheduleWithout(schedule: AnalysisSchedule, drop: (detector: DetectorOptions) => boolean): AnalysisSchedule {
  return {
    ...schedule,
    discovery: schedule.discovery.filter((level) => !drop(level.detector)),
    confirm: schedule.confirm && { ...schedule.confirm, looks: schedule.confirm.looks.filter((look) => !drop(look.detector)) },
  };
}

/** How a user's own model joins a preset's schedule (see `withUserDetector`). */
export interface UserDetectorPlacement {
  /** The model searches the whole frame at its own size once per this many frames. */
  everyFrames: number;
  /** It also takes the first confirming look at a new face, on a zoomed crop of this size (a multiple of 32). */
  confirmInputSize: number | null;
}

/**
 * Measured with YuNet at 0.5 on the 13 faces-dev photos, each as a 12-frame still clip (faces
 * matched at IoU > 0.4 by a track on the last frame, of 124): thorough 85 → 94 with YuNet
 * searching whole frames every other frame, 96 with its confirming look too (tracks matching no
 * annotation 8 → 13); fast 53 → 95 → 97 (2 → 7). Its confirming look keeps faces the face-api
 * looks reject (small and turned ones it found). A search costs about 50 ms on 1280×720 on one
 * thread, so fast runs it less often: every 3rd frame 97, every 4th 96, every 6th 87 (small
 * faces of the crowd found on fewer frames are lost before the zoomed re-detection holds them).
 */
export const USER_DETECTOR_PLACEMENT: Record<PresetName, UserDetectorPlacement> = {
  thorough: { everyFrames: 2, confirmInputSize: 160 },
  fast: { everyFrames: 4, confirmInputSize: 160 },
};

/** A preset with the user's own model added to its searches. */
export function withUserDetector(preset: DetectionPreset, detector: OnnxDetectorOptions, placement = USER_DETECTOR_PLACEMENT[preset.name]): DetectionPreset {
  const { schedule } = preset;
  const level: DiscoveryLevel = { detector, shrink: 1, tile: WHOLE_FRAME, overlap: 0, everyFrames: placement.everyFrames, stretchLevels: false };
  return {
    ...preset,
    schedule: {
      ...schedule,
      discovery: [...schedule.discovery, level],
      confirm:
        schedule.confirm && placement.confirmInputSize
          ? { ...schedule.confirm, looks: [{ detector, inputSize: placement.confirmInputSize }, ...schedule.confirm.looks] }
          : schedule.confirm,
    },
  };
}
