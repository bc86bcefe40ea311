/**
 * The one IPC contract between the main process and the renderer: channel names, argument and
 * result types. `electron/preload` exposes it as `window.blurline`; `electron/main` registers a
 * handler per call and validates every argument (the renderer is not trusted). The end-to-end
 * tests bind the same handlers into a browser page, so the renderer cannot tell the hosts apart.
 *
 * Types only (plus channel-name constants): no Electron, Node or DOM imports.
 */
import type { LeakCheckReport } from '../../core/auditReport';
import type { ExportSettings, Project, SourceInfo } from '../../core/project';
import type { ErrorCode } from '../../core/errors';
import type { OnnxFaceFormat } from '../../core/onnxFaceModels';
import type { Box } from '../../core/geometry';
import type { FollowDirection, FollowResult } from '../../core/regionFollow';

/** Errors cross IPC as data; a user's cancel is an outcome (`cancelled`), not an error. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string };

/** Progress of a long job, as shown to the user (same shape as the CLI's). */
export interface JobProgressSnapshot {
  frame: number;
  fps: number;
  /** 0..1 */
  ratio: number;
  etaSeconds: number | null;
}

export type JobKind = 'render' | 'proxy' | 'follow';
export type JobStatus = 'running' | 'done' | 'failed' | 'cancelled';

/** Pushed to the window whenever a job changes; the last one for a job has a final status. */
export interface JobSnapshot {
  jobId: string;
  kind: JobKind;
  status: JobStatus;
  /** What the job is doing now, in words ("verifying the source", "encoding"). */
  stage: string;
  progress: JobProgressSnapshot | null;
  /** Set when status is 'failed'. */
  error: { code: ErrorCode; message: string } | null;
  /** Set when status is 'done': the master's (or proxy's) path. */
  outputPath: string | null;
  /** Set when a 'proxy' job is done: the URL to play. */
  playbackUrl: string | null;
  /** Set when a 'render' job is done: the leak check and the audit report beside the master. */
  exported: ExportOutcome | null;
  /** Set when a 'follow' job is done: the boxes it placed and where it stopped. */
  followed: FollowResult | null;
}

/** One clip of the batch queue, as the window shows it. */
export interface BatchItemSnapshot {
  id: string;
  sourcePath: string;
  outputDir: string;
  /** The clip's autosaved project marks it graphic. */
  graphic: boolean;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  /** What it is doing now, in words. */
  stage: string;
  progress: JobProgressSnapshot | null;
  result: {
    projectPath: string;
    masterPath: string;
    reportPaths: { json: string; html: string };
    tracks: number;
    /** Of those, tracks the leak check added for faces it found (the master was rendered again). */
    leakTracksAdded: number;
    leakFindings: number;
    seconds: number;
  } | null;
  error: { code: ErrorCode; message: string } | null;
}

export interface AddToBatchArgs {
  paths: string[];
  /** Results go here: `<name>.blurred.mp4` (.mov for ProRes), its project and its audit report. */
  outputDir: string;
  preset: 'thorough' | 'fast';
  codec: ExportSettings['videoCodec'];
  overwrite: boolean;
}

/** Who is working: signs edits, decisions, exports and waivers. */
export interface ActorInfo {
  name: string;
  role: 'editor' | 'reviewer';
}

/** What an export produced beside the master, and whether it is an approved export. */
export interface ExportOutcome {
  masterPath: string;
  reportPaths: { json: string; html: string };
  approvedExport: boolean;
  /** Why it is not an approved export (empty when it is). */
  blockers: string[];
  leakCheck: LeakCheckReport | null;
}

export interface WaiveFindingArgs {
  /** The SHA-256 of the open source: the report must be one of its exports. */
  sourceSha256: string;
  /** The export's audit report (.audit.json) whose finding is waived. */
  reportPath: string;
  findingId: string;
  reason: string;
  actor: ActorInfo;
}

/** A probed source the renderer can play and analyse. */
export interface OpenedVideo {
  source: SourceInfo;
  /**
   * URL the `<video>` element plays (range requests supported): the source itself, or a cached
   * proxy when Chromium cannot decode the source's codec. Null while the proxy is being made:
   * then `proxyJobId` names the 'proxy' job, whose final snapshot carries the URL in `playbackUrl`.
   */
  playbackUrl: string | null;
  proxyJobId: string | null;
  /** True when playback is a proxy (same frame count and timing, H.264, smaller). */
  playbackIsProxy: boolean;
  /**
   * URL template for exact-index raw frames for detection:
   * `${framesUrl}?start=N&count=M&width=W` answers `count` frames of RGB24 (`width` x height,
   * height kept to aspect and even, as `decodeSize`), concatenated, in index order.
   * Response headers `X-Frame-Width` / `X-Frame-Height` give the size.
   */
  framesUrl: string;
  /** The autosaved project for this source, if there is one. */
  autosaved: {
    project: Project;
    savedAt: string;
    sourceChanged: boolean;
    /** Set when the newest autosave was damaged or missing and the one before it was restored: why. */
    recoveredBecause: string | null;
  } | null;
}

export interface RecentFile {
  path: string;
  openedAt: string;
  /** Its autosaved project marks it graphic. */
  graphic: boolean;
}

export interface StartRenderArgs {
  project: Project;
  outputPath: string;
  overwrite: boolean;
  actor: ActorInfo;
}

/** Follow a region from a box on one frame of the open source (found by its SHA-256). */
export interface StartFollowArgs {
  sourceSha256: string;
  frame: number;
  box: Box;
  directions: FollowDirection[];
}

/** Where the renderer loads detection assets from (models, tfjs wasm), served by the host. */
export interface DetectionAssets {
  modelBaseUrl: string;
  wasmBaseUrl: string;
  /** @vladmandic/human's models folder: the person models (CenterNet, MoveNet) and BlazeFace, graphs with their weights beside them. */
  personModelBaseUrl: string;
  /** @mediapipe/face_detection's folder: its BlazeFace models (.tflite). */
  mediapipeModelBaseUrl: string;
  /** The user's own model is at `${detectorModelBaseUrl}${sha256}` (only the one chosen is served). */
  detectorModelBaseUrl: string;
}

/** The user's own ONNX face model (a setting), as checked in the main process. */
export interface DetectorModelInfo {
  /** Absolute path. */
  file: string;
  sha256: string;
  format: OnnxFaceFormat;
}

/** The remembered model; `problem` says why it cannot be used now (the file is gone or changed). */
export interface DetectorModelSetting {
  model: DetectorModelInfo;
  problem: string | null;
}

/** Calls: renderer → main, with a result. Each key is the IPC channel `blurline:<key>`. */
export interface BlurlineCalls {
  /** Native open dialog; null when the user cancels. */
  chooseVideo(): Promise<IpcResult<string | null>>;
  /** Probe a path (from the dialog, drag and drop or recent files) and prepare playback. */
  openVideo(path: string): Promise<IpcResult<OpenedVideo>>;
  recentFiles(): Promise<IpcResult<RecentFile[]>>;
  /** Atomic write of the autosave for the project's source (debounced by the renderer). */
  autosaveProject(project: Project): Promise<IpcResult<{ savedAt: string }>>;
  /** Save dialog + atomic write; null when the user cancels. */
  saveProjectAs(project: Project): Promise<IpcResult<string | null>>;
  /** Open dialog + read + validate a project file; null when the user cancels. */
  /** `relinkedFrom`: the video had moved and was found beside the project by its SHA-256; the path the project named. */
  openProject(): Promise<IpcResult<{ path: string; project: Project; sourceChanged: boolean; relinkedFrom: string | null } | null>>;
  /** Save dialog for the master; null when the user cancels. */
  chooseExportPath(defaultPath: string): Promise<IpcResult<string | null>>;
  /** Checks the output path at once (same as the source, not writable, exists) and starts the job. */
  startRender(args: StartRenderArgs): Promise<IpcResult<{ jobId: string }>>;
  cancelJob(jobId: string): Promise<IpcResult<void>>;
  /** Starts following a region (a 'follow' job; its final snapshot carries the boxes): the region's look, frame by frame, until it is lost. */
  startFollow(args: StartFollowArgs): Promise<IpcResult<{ jobId: string }>>;
  /** Folder dialog, then the videos directly in it (Blurline's own masters left out); null when cancelled. */
  chooseBatchFolder(): Promise<IpcResult<{ folder: string; videos: string[] } | null>>;
  /** Queues clips: each is analysed, exported with the leak check and reported, one after another. */
  addToBatch(args: AddToBatchArgs): Promise<IpcResult<{ ids: string[] }>>;
  /** A queued clip is skipped; a running one stops and leaves nothing at its output. */
  cancelBatchItem(id: string): Promise<IpcResult<void>>;
  clearFinishedBatch(): Promise<IpcResult<void>>;
  batchItems(): Promise<IpcResult<BatchItemSnapshot[]>>;
  /** Signs a waiver of one leak-check finding: rewrites the audit report and returns the updated outcome (the renderer logs the waiver in the pass). */
  waiveLeakFinding(args: WaiveFindingArgs): Promise<IpcResult<ExportOutcome>>;
  detectionAssets(): Promise<IpcResult<DetectionAssets>>;
  /** The user's own detector model, checked again; null when none is set (the built-in models only). */
  detectorModel(): Promise<IpcResult<DetectorModelSetting | null>>;
  /** Open dialog for an .onnx file, checked (a YuNet, SCRFD or CenterFace model) and remembered; null when cancelled. */
  chooseDetectorModel(): Promise<IpcResult<DetectorModelSetting | null>>;
  /** Back to the built-in models only. */
  removeDetectorModel(): Promise<IpcResult<void>>;
  /** Show a file in the system file manager. */
  revealFile(path: string): Promise<IpcResult<void>>;
}

/** Events: main → renderer. Each key is the IPC channel `blurline:event:<key>`. */
export interface BlurlineEvents {
  job: JobSnapshot;
  /** The whole batch queue, after every change. */
  batch: BatchItemSnapshot[];
  /** Menu commands the renderer carries out (File ▸ Export…, Edit ▸ Undo, …). */
  menu: MenuCommand;
}

export type MenuCommand =
  | 'open-video'
  | 'open-project'
  | 'save-project-as'
  | 'export'
  | 'batch'
  | 'undo'
  | 'redo'
  | 'delete-track'
  | 'zoom-in'
  | 'zoom-out'
  | 'toggle-original'
  | 'follow'
  | 'protective-view'
  | 'show-shortcuts';

export type CallName = keyof BlurlineCalls;
export type EventName = keyof BlurlineEvents;

export const CALL_NAMES = [
  'chooseVideo',
  'openVideo',
  'recentFiles',
  'autosaveProject',
  'saveProjectAs',
  'openProject',
  'chooseExportPath',
  'startRender',
  'cancelJob',
  'startFollow',
  'waiveLeakFinding',
  'chooseBatchFolder',
  'addToBatch',
  'cancelBatchItem',
  'clearFinishedBatch',
  'batchItems',
  'detectionAssets',
  'detectorModel',
  'chooseDetectorModel',
  'removeDetectorModel',
  'revealFile',
] as const satisfies readonly CallName[];

export const EVENT_NAMES = ['job', 'batch', 'menu'] as const satisfies readonly EventName[];

export const callChannel = (name: CallName): string => `blurline:${name}`;
export const eventChannel = (name: EventName): string => `blurline:event:${name}`;

/** What `window.blurline` is: every call, plus `on(event, listener)` returning an unsubscribe. */
export type BlurlineApi = BlurlineCalls & {
  on<E extends EventName>(event: E, listener: (payload: BlurlineEvents[E]) => void): () => void;
  /**
   * The path of a dropped `File` (for `openVideo`), answered in the preload without IPC; null
   * for files not on disk. Absent (or null) in hosts that have no paths, such as a browser test.
   */
  pathForFile?(file: unknown): string | null;
};

/** Re-exported for the renderer, which imports types from here only. */
export type { ExportSettings, Project, SourceInfo };
