import { randomBytes } from 'node:crypto';
import { mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { LeakCheckPass } from '../../../core/auditReport';
import { BlurlineError, isCancelled } from '../../../core/errors';
import { masterExtension } from '../../../core/masterFormat';
import type { DetectionPreset } from '../../../core/presets';
import type { MasterCodec, Project } from '../../../core/project';
import { progressFromFrames, type JobProgress } from '../../../core/progress';
import type { BatchItemSnapshot } from '../../shared/contract';
import { toIpcError } from '../ipc/calls';
import { checkOutputPath } from '../media/render';
import type { OnnxModelFile } from '../detect/onnxFaceDetector';
import { detectToProject } from '../pipeline';
import { writeProjectFile } from '../project/projectFile';
import { AUTO_EXPORT_PASSES, exportMaster, type ExportStage } from './exportMaster';

/**
 * Many clips, unattended: each is analysed, its project saved, and its master exported with the
 * leak check and the audit report, one clip after another (detection already uses every core).
 * The CLI's `blurline batch` and the app's queue both run clips through `anonymiseClip`.
 * A batch export is never an approved one: nobody has reviewed it yet; its project is there to
 * open, review and export again.
 */

/** Containers ffmpeg reads that cameras, phones and dashcams write (the Open dialog offers the same). */
export const VIDEO_EXTENSIONS = ['mp4', 'mov', 'm4v', 'mkv', 'webm', 'avi', 'mts', 'm2ts', 'ts', 'mpg', 'mpeg', 'mxf', 'wmv', '3gp'];
const VIDEO_EXTENSION_SET = new Set(VIDEO_EXTENSIONS.map((e) => `.${e}`));

/** Blurline's own outputs: a batch run twice over a folder must not anonymise its masters again. */
const OUTPUT_MARK = '.blurred.';

/** The videos directly in `folder` (not in subfolders, not hidden, not Blurline's own masters), sorted by name. */
export async function listVideos(folder: string): Promise<string[]> {
  let names: string[];
  try {
    if (!(await stat(folder)).isDirectory()) throw new Error('not a folder');
    names = await readdir(folder);
  } catch {
    throw new BlurlineError('SOURCE_NOT_FOUND', `folder not found: ${folder}`);
  }
  const videos: string[] = [];
  for (const name of names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    if (name.startsWith('.') || name.includes(OUTPUT_MARK) || !VIDEO_EXTENSION_SET.has(path.extname(name).toLowerCase())) continue;
    const file = path.join(folder, name);
    if ((await stat(file)).isFile()) videos.push(file);
  }
  return videos;
}

/** `<out>.blurline.json` beside a master, so the editor can reopen the pass later. */
export function projectPathFor(masterPath: string): string {
  const parsed = path.parse(path.resolve(masterPath));
  return path.join(parsed.dir, `${parsed.name}.blurline.json`);
}

/** Where a clip's results go: `<out>/<name>.blurred.mp4` (.mov for ProRes) and its project beside it. */
export function batchOutputs(sourcePath: string, outputDir: string, codec: MasterCodec): { master: string; project: string } {
  const master = path.join(outputDir, `${path.basename(sourcePath, path.extname(sourcePath))}.blurred${masterExtension(codec)}`);
  return { master, project: projectPathFor(master) };
}

/**
 * Clips that would write the master another clip of the same batch writes (`clip.mp4` and
 * `clip.MOV` both make `clip.blurred.mp4`): each later one with the earlier clip it clashes with.
 * `taken`: masters already claimed (clips queued before).
 */
export function masterClashes(
  sourcePaths: readonly string[],
  outputDir: string,
  codec: MasterCodec,
  taken: ReadonlyMap<string, string> = new Map(),
): { sourcePath: string; clashesWith: string; master: string }[] {
  const claimed = new Map(taken);
  const clashes: { sourcePath: string; clashesWith: string; master: string }[] = [];
  for (const sourcePath of sourcePaths) {
    const master = batchOutputs(sourcePath, outputDir, codec).master.toLowerCase();
    const earlier = claimed.get(master);
    if (earlier !== undefined) clashes.push({ sourcePath, clashesWith: earlier, master: batchOutputs(sourcePath, outputDir, codec).master });
    else claimed.set(master, sourcePath);
  }
  return clashes;
}

export interface ClipSettings {
  preset: DetectionPreset;
  /** The user's own ONNX face model, checked once for the whole batch. */
  detectorModel?: OnnxModelFile;
  codec: MasterCodec;
  /** Replace results of an earlier run (only ever by rename, after a complete export). */
  overwrite: boolean;
}

export type ClipStage = 'analyse' | ExportStage;

export interface ClipCallbacks {
  signal?: AbortSignal;
  onStage?: (stage: ClipStage) => void;
  onProgress?: (stage: ClipStage, progress: JobProgress) => void;
}

export interface ClipResult {
  sourcePath: string;
  projectPath: string;
  masterPath: string;
  reportPaths: { json: string; html: string };
  project: Project;
  tracks: number;
  /** Faces the master's leak check found (after the passes that added tracks for earlier ones). */
  leakFindings: number;
  leakCheckPasses: LeakCheckPass[];
  seconds: number;
}

/**
 * Detects, saves the project and exports one clip into `outputDir`, rendering again while the
 * leak check finds faces no track holds (up to AUTO_EXPORT_PASSES); the project is saved again
 * with the tracks that added.
 */
export async function anonymiseClip(sourcePath: string, outputDir: string, settings: ClipSettings, callbacks: ClipCallbacks = {}): Promise<ClipResult> {
  const started = performance.now();
  const outputs = batchOutputs(sourcePath, outputDir, settings.codec);
  await mkdir(outputDir, { recursive: true });
  // A wrong output fails before minutes of analysis.
  checkOutputPath(sourcePath, outputs.master, settings.overwrite, settings.codec);
  const detected = await detectToProject(sourcePath, {
    preset: settings.preset,
    detectorModel: settings.detectorModel,
    signal: callbacks.signal,
    onStage: (stage) => stage === 'analyse' && callbacks.onStage?.('analyse'),
    onProgress: (_stage, p) => callbacks.onProgress?.('analyse', p),
  });
  const detectedProject = detected.project;
  detectedProject.exportSettings.videoCodec = settings.codec;
  await writeProjectFile(outputs.project, detectedProject);
  const exported = await exportMaster(detectedProject, outputs.master, { ...callbacks, overwrite: settings.overwrite, maxPasses: AUTO_EXPORT_PASSES });
  // The project beside the master is the one it was rendered from: with the leak check's tracks.
  const { project } = exported;
  if (project !== detectedProject) await writeProjectFile(outputs.project, project);
  return {
    sourcePath: project.source.path,
    projectPath: outputs.project,
    masterPath: exported.render.outputPath,
    reportPaths: exported.reportPaths,
    project,
    tracks: project.tracks.length,
    leakFindings: exported.report.leakCheck?.findings.length ?? 0,
    leakCheckPasses: exported.report.leakCheckPasses,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---- The app's queue ----

const STAGE_WORDS: Record<ClipStage, string> = {
  probe: 'reading the source',
  analyse: 'finding faces',
  verify: 'verifying the source',
  render: 'encoding',
  'leak-check': 'checking the master for faces left showing',
  report: 'writing the audit report',
};

export interface BatchQueueOptions {
  /** Pushes the whole queue after every change. */
  publish(items: BatchItemSnapshot[]): void;
  /** Called with each finished clip's project (the app keeps it as the clip's autosave). */
  onClipDone?(project: Project): Promise<void>;
  /** Whether a clip is marked graphic (its autosave says so), for the queue to show. */
  isGraphic?(sourcePath: string): Promise<boolean>;
}

/**
 * Runs queued clips one after another. Each item can be cancelled (queued: it is skipped;
 * running: its work stops and nothing is left at its output); a failed clip does not stop the queue.
 */
export class BatchQueue {
  private readonly items: BatchItemSnapshot[] = [];
  private readonly settings = new Map<string, ClipSettings>();
  private readonly controllers = new Map<string, AbortController>();
  private running: Promise<void> | null = null;

  constructor(private readonly options: BatchQueueOptions) {}

  list(): BatchItemSnapshot[] {
    return this.items.map((item) => ({ ...item }));
  }

  /** Queues clips; refused as a whole when two of them (or one and a clip still waiting or running) would write the same master. */
  add(sourcePaths: readonly string[], outputDir: string, settings: ClipSettings): string[] {
    const pending = new Map(
      this.items
        .filter((i) => i.status === 'queued' || i.status === 'running')
        .map((i) => [batchOutputs(i.sourcePath, i.outputDir, this.settings.get(i.id)!.codec).master.toLowerCase(), i.sourcePath] as const),
    );
    const [clash] = masterClashes(sourcePaths, outputDir, settings.codec, pending);
    if (clash) {
      throw new BlurlineError(
        'OUTPUT_EXISTS',
        `${path.basename(clash.sourcePath)} and ${path.basename(clash.clashesWith)} would both be written to ${clash.master}: put one in another output folder`,
      );
    }
    const ids = sourcePaths.map((sourcePath) => {
      const id = `clip-${randomBytes(6).toString('hex')}`;
      this.items.push({ id, sourcePath, outputDir, graphic: false, status: 'queued', stage: 'queued', progress: null, result: null, error: null });
      this.settings.set(id, settings);
      return id;
    });
    this.publish();
    for (const item of this.items.filter((i) => ids.includes(i.id))) {
      void this.options.isGraphic?.(item.sourcePath).then(
        (graphic) => graphic && this.update(item, { graphic }),
        () => {},
      );
    }
    this.running ??= this.drain().finally(() => {
      this.running = null;
    });
    return ids;
  }

  cancel(id: string): void {
    const item = this.items.find((i) => i.id === id);
    if (!item) throw new BlurlineError('INVALID_ARGUMENT', `no such batch item: ${id}`);
    if (item.status === 'queued') this.update(item, { status: 'cancelled', stage: 'cancelled' });
    this.controllers.get(id)?.abort();
  }

  /** Removes finished items from the list. */
  clearFinished(): void {
    for (let i = this.items.length - 1; i >= 0; i--) if (this.items[i].status !== 'queued' && this.items[i].status !== 'running') this.items.splice(i, 1);
    this.publish();
  }

  /** Cancels everything and waits for the running clip to stop (on quit). */
  async close(): Promise<void> {
    for (const item of this.items) if (item.status === 'queued') this.update(item, { status: 'cancelled', stage: 'cancelled' });
    for (const controller of this.controllers.values()) controller.abort();
    await this.running;
  }

  private publish(): void {
    this.options.publish(this.list());
  }

  private update(item: BatchItemSnapshot, change: Partial<BatchItemSnapshot>): void {
    Object.assign(item, change);
    this.publish();
  }

  private async drain(): Promise<void> {
    for (let item = this.next(); item; item = this.next()) await this.run(item);
  }

  private next(): BatchItemSnapshot | undefined {
    return this.items.find((i) => i.status === 'queued');
  }

  private async run(item: BatchItemSnapshot): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(item.id, controller);
    this.update(item, { status: 'running', stage: 'starting' });
    try {
      const clip = await anonymiseClip(item.sourcePath, item.outputDir, this.settings.get(item.id)!, {
        signal: controller.signal,
        onStage: (stage) => this.update(item, { stage: STAGE_WORDS[stage], progress: null }),
        onProgress: (_stage, progress) => this.update(item, { progress }),
      });
      await this.options.onClipDone?.(clip.project);
      const { projectPath, masterPath, reportPaths, tracks, leakFindings, leakCheckPasses, seconds } = clip;
      const leakTracksAdded = leakCheckPasses.reduce((n, p) => n + p.tracksAdded.length, 0);
      this.update(item, {
        status: 'done',
        stage: 'done',
        progress: progressFromFrames(1, 1, seconds),
        result: { projectPath, masterPath, reportPaths, tracks, leakTracksAdded, leakFindings, seconds },
      });
    } catch (err) {
      if (controller.signal.aborted || isCancelled(err)) this.update(item, { status: 'cancelled', stage: 'cancelled' });
      else {
        const { code, message } = toIpcError(err);
        this.update(item, { status: 'failed', stage: 'failed', error: { code, message } });
      }
    } finally {
      this.controllers.delete(item.id);
    }
  }
}
