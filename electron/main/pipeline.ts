import { createProject, type Project } from '../../core/project';
import { buildRenderPlan, countPlannedRegions, planForRange, type RenderPlan } from '../../core/renderPlan';
import { DETECTION_PRESETS, withUserDetector, type DetectionPreset, type PresetName } from '../../core/presets';
import { analyseVideo } from './detect/analyse';
import type { OnnxModelFile } from './detect/onnxFaceDetector';
import { probeVideo } from './media/probe';
import type { JobProgress } from '../../core/progress';
import { checkOutputPath, renderVideo, verifySourceUnchanged, type RenderResult } from './media/render';

/**
 * The jobs a user starts (detect, render), composed from the media and detection services.
 * The CLI calls these directly; the app will call the same functions from its IPC handlers.
 */

export type JobStage = 'probe' | 'analyse' | 'verify' | 'render';

export interface JobCallbacks {
  signal?: AbortSignal;
  onStage?: (stage: JobStage) => void;
  onProgress?: (stage: JobStage, progress: JobProgress) => void;
}

export interface DetectOptions extends JobCallbacks {
  /** A named preset, or a full preset (tests and benchmarks tune single settings). */
  preset: PresetName | DetectionPreset;
  /** The user's own ONNX face model (checked by `inspectOnnxFaceModel`), searching beside the preset's. */
  detectorModel?: OnnxModelFile;
}

export interface DetectResult {
  project: Project;
  framesAnalysed: number;
  faces: number;
  analyseSeconds: number;
}

/** Probes a source, runs the detector over every frame and links the detections into tracks. */
export async function detectToProject(sourcePath: string, options: DetectOptions): Promise<DetectResult> {
  options.onStage?.('probe');
  const basePreset = typeof options.preset === 'string' ? DETECTION_PRESETS[options.preset] : options.preset;
  const model = options.detectorModel;
  // The user's model searches at the preset's threshold (or the one the user set for the run).
  const minConfidence = Math.min(...basePreset.schedule.discovery.map((l) => l.detector.minConfidence));
  const preset = model ? withUserDetector(basePreset, { model: 'onnx', file: model.file, sha256: model.sha256, minConfidence }) : basePreset;
  const source = await probeVideo(sourcePath, { signal: options.signal });
  options.onStage?.('analyse');
  const run = await analyseVideo(source, {
    preset,
    signal: options.signal,
    onProgress: (p) => options.onProgress?.('analyse', p),
  });
  const project = createProject(source);
  project.tracks = run.tracks;
  project.analysis = {
    preset: preset.name,
    detector: run.detectorDescription,
    minConfidence,
    analysisWidth: run.analysisWidth,
    framesAnalysed: run.stats.framesAnalysed,
    ...(model && { detectorModel: { file: model.file, sha256: model.sha256, format: model.format } }),
  };
  return {
    project,
    framesAnalysed: run.stats.framesAnalysed,
    faces: run.stats.detections,
    analyseSeconds: run.elapsedSeconds,
  };
}

export interface RenderProjectOptions extends JobCallbacks {
  overwrite?: boolean;
}

export interface RenderProjectResult extends RenderResult {
  /** What was blurred, on the source's frames (the leak check compares the master with it). */
  plan: RenderPlan;
  /** Region-frames the plan has in the exported range. */
  plannedRegions: number;
}

/**
 * Renders a project's master (its codec, range, metadata choice and audio redactions) after
 * checking the output path and that the source is the one analysed.
 */
export async function renderProject(project: Project, outputPath: string, options: RenderProjectOptions = {}): Promise<RenderProjectResult> {
  // Cheap checks first, so a wrong output path fails before the source is hashed.
  checkOutputPath(project.source.path, outputPath, options.overwrite, project.exportSettings.videoCodec);
  options.onStage?.('verify');
  await verifySourceUnchanged(project.source, options.signal);
  const plan = buildRenderPlan(project);
  options.onStage?.('render');
  const result = await renderVideo(
    {
      source: project.source,
      plan,
      outputPath,
      settings: project.exportSettings,
      audioRedactions: project.audioRedactions,
      overwrite: options.overwrite,
    },
    { signal: options.signal, onProgress: (p) => options.onProgress?.('render', p) },
  );
  return { ...result, plan, plannedRegions: countPlannedRegions(planForRange(plan, project.exportSettings.range)) };
}
