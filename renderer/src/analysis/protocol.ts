import type { PresetName } from '../../../core/presets';
import type { AnalysisInfo, Track } from '../../../core/project';
import type { FaceDetection } from '../../../core/detection';
import type { DetectionJob } from '../../../core/detectionDispatch';
import type { DetectionAssets, DetectorModelInfo, JobProgressSnapshot } from '../../../electron/shared/contract';

/** Messages between the editor, its analysis worker and the face-model workers that serves. */

export type Backend = 'webgl' | 'wasm';

export interface AnalyseRequest {
  type: 'start';
  framesUrl: string;
  assets: DetectionAssets;
  preset: PresetName;
  /** The user's own ONNX model (checked by the host), searching beside the preset's; null: none. */
  detectorModel: DetectorModelInfo | null;
  /** Frames to analyse, inclusive. */
  first: number;
  last: number;
  source: { width: number; height: number; frameCount: number };
  /** Backends to try, in order (the first that starts is used). */
  backends: Backend[];
}

export type WorkerRequest = AnalyseRequest | { type: 'cancel' };

export type WorkerReply =
  /** `backend`: what runs the models, e.g. `wasm × 2` (two workers). */
  | { type: 'stage'; stage: string; backend?: string }
  | { type: 'progress'; progress: JobProgressSnapshot }
  /** Every track found so far, in source pixels (the engine's tracks so far; the final ones come with "done"). */
  | { type: 'tracks'; tracks: Track[] }
  /** `userModelFaces`: detections by the user's own model, every search counted (null without one), so the user sees what it adds. */
  | { type: 'done'; tracks: Track[]; record: AnalysisRecord; userModelFaces: number | null }
  /** `lastFrame`: the last frame analysed before the cancel. */
  | { type: 'cancelled'; tracks: Track[]; lastFrame: number }
  | { type: 'failed'; message: string };

/** How a run analysed the clip, for the project's `analysis` record (the preset is the editor's). */
export type AnalysisRecord = Omit<AnalysisInfo, 'preset'>;

/** Analysis worker → face-model worker. */
export type DetectorRequest =
  | { type: 'init'; assets: DetectionAssets; backends: Backend[] }
  | ({ type: 'detect' } & DetectionJob);

export type DetectorReply =
  | { type: 'ready'; backend: Backend }
  | { type: 'failed'; message: string }
  | { type: 'faces'; id: number; faces: FaceDetection[] }
  | { type: 'error'; id: number; message: string };
