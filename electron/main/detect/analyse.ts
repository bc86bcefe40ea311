import { describeSchedule, FaceAnalysis, type AnalysisStats } from '../../../core/faceAnalysis';
import { scaleBox } from '../../../core/geometry';
import type { DetectionPreset } from '../../../core/presets';
import type { SourceInfo, Track } from '../../../core/project';
import { decodeFrames, decodeSize } from '../media/decode';
import { readFrameTimeline } from '../media/probe';
import { progressFromFrames, type JobProgress } from '../../../core/progress';
import { DetectorPool } from './detectorPool';

export interface AnalyseOptions {
  preset: DetectionPreset;
  signal?: AbortSignal;
  onProgress?: (progress: JobProgress) => void;
}

export interface AnalysisRun {
  tracks: Track[];
  stats: AnalysisStats;
  analysisWidth: number;
  elapsedSeconds: number;
  detectorDescription: string;
}

/** Runs the preset's analysis over every frame of the source; track boxes come back in source pixels. */
export async function analyseVideo(source: SourceInfo, options: AnalyseOptions): Promise<AnalysisRun> {
  const { preset } = options;
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  const pool = new DetectorPool();
  const size = decodeSize({ sourceWidth: source.width, sourceHeight: source.height, width: preset.maxAnalysisWidth });
  const analysis = new FaceAnalysis((detector, urgency) => pool.detector(detector, urgency), preset.schedule);
  let lastReport = 0;
  let found: Track[];
  // Frames are placed by their timestamps, as the render places them: a frame the decoder drops
  // cannot move the detections of every later frame one frame early.
  const timeline = await readFrameTimeline(source.path, 'v:0', options.signal);
  try {
    for await (const frame of decodeFrames(source.path, {
      timeline,
      pixelFormat: 'rgb24',
      sourceWidth: source.width,
      sourceHeight: source.height,
      width: preset.maxAnalysisWidth,
      signal: options.signal,
    })) {
      await analysis.push(frame.index, frame);
      if (options.onProgress && performance.now() - lastReport > 250) {
        lastReport = performance.now();
        options.onProgress(progressFromFrames(frame.index + 1, source.frameCount, elapsed()));
      }
    }
    found = await analysis.finish(source.frameCount - 1);
  } finally {
    await pool.close();
  }
  const sx = source.width / size.width;
  const sy = source.height / size.height;
  const tracks = found.map((track) => ({
    ...track,
    keyframes: track.keyframes.map((k) => ({ ...k, box: scaleBox(k.box, sx, sy) })),
  }));
  options.onProgress?.(progressFromFrames(source.frameCount, source.frameCount, elapsed()));
  return {
    tracks,
    stats: analysis.stats,
    analysisWidth: size.width,
    elapsedSeconds: elapsed(),
    detectorDescription: describeSchedule(preset.schedule),
  };
}
