import { scaleBox } from '../../../core/geometry';
import type { FaceDetector, FrameDetections } from '../../../core/detection';
import type { SourceInfo } from '../../../core/project';
import { decodeFrames, decodeSize } from '../media/decode';
import { progressFromFrames, type JobProgress } from '../media/progress';

export interface AnalyseOptions {
  detector: FaceDetector;
  /** Frames are scaled to this width for the detector (never up). */
  analysisWidth: number;
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

export interface AnalysisRun {
  frames: FrameDetections[];
  framesAnalysed: number;
  analysisWidth: number;
  elapsedSeconds: number;
}

/** Runs the detector on every frame of the source; boxes come back in source pixels. */
export async function analyseVideo(source: SourceInfo, options: AnalyseOptions): Promise<AnalysisRun> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const size = decodeSize({ sourceWidth: source.width, sourceHeight: source.height, width: options.analysisWidth });
  const sx = source.width / size.width;
  const sy = source.height / size.height;
  const frames: FrameDetections[] = [];
  let lastReport = 0;
  for await (const frame of decodeFrames(source.path, {
    pixelFormat: 'rgb24',
    sourceWidth: source.width,
    sourceHeight: source.height,
    width: options.analysisWidth,
    signal: options.signal,
  })) {
    const faces = await options.detector.detect(frame);
    frames.push({ frame: frame.index, faces: faces.map((f) => ({ box: scaleBox(f.box, sx, sy), score: f.score })) });
    if (options.onProgress && performance.now() - lastReport > 250) {
      lastReport = performance.now();
      options.onProgress(progressFromFrames(frame.index + 1, source.frameCount, elapsed()));
    }
  }
  options.onProgress?.(progressFromFrames(source.frameCount, source.frameCount, elapsed()));
  return { frames, framesAnalysed: frames.length, analysisWidth: size.width, elapsedSeconds: elapsed() };
}
