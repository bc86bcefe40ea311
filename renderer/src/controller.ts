import { frameRuns } from '../../core/auditReport';
import { addManualTrack, followEdit, freshTrackId, mergeTracks, removeTracks, setStatus, splitTrack, type Edit } from '../../core/edits';
import type { Box } from '../../core/geometry';
import { createProject, DEFAULT_BLUR_STYLE, type Track } from '../../core/project';
import { nextPossibleFace, nextUndecided, type Actor } from '../../core/review';
import { describeFollow, followedKeyframes, type FollowDirection } from '../../core/regionFollow';
import { trackBoxAt, trackSpan } from '../../core/tracks';
import type { BlurlineApi, IpcResult, JobSnapshot, OpenedVideo, Project } from '../../electron/shared/contract';
import type { Analyser } from './analysis/analyser';
import { bindBatch, type BatchController } from './batchController';
import type { Command } from './commands';
import type { AnalysisRecord, Backend, WorkerReply } from './analysis/protocol';
import { addRedaction, freshAudioId, removeRedaction } from './audioRedactions';
import { defaultExportPath } from './paths';
import { plural } from './words';
import type { EditorStore } from './store';
import { actorOf } from './store/reviewSlice';
import type { FollowJob } from './store/followSlice';

/** How long edits wait before they are autosaved (a crash loses at most this much work). */
const AUTOSAVE_DELAY_MS = 2000;

export interface Controller {
  chooseAndOpen(): Promise<void>;
  openPath(path: string): Promise<void>;
  /** Opens a file dropped on the window (its path comes from the preload), or the dialog when the host has no path for it. */
  openDropped(file: File): Promise<void>;
  openProjectFile(): Promise<void>;
  saveProjectAs(): Promise<void>;
  refreshRecentFiles(): Promise<void>;
  startAnalysis(): Promise<void>;
  cancelAnalysis(): void;
  /** The host's file dialog for the user's own ONNX face model, checked and remembered there. */
  chooseDetectorModel(): Promise<void>;
  /** Back to the built-in models only. */
  removeDetectorModel(): Promise<void>;
  chooseExportPath(): Promise<void>;
  startExport(): Promise<void>;
  cancelExport(): Promise<void>;
  /** Shows the last export's master, or its printable audit report, in the file manager. */
  revealExport(which?: 'master' | 'report'): Promise<void>;
  /**
   * Waives a finding of the last export's leak check, signed with the user's name (asked for
   * first when there is none): main rewrites the report, the outcome is replaced by the new one
   * and the waiver is logged in the pass. Returns whether it was waived.
   */
  waiveFinding(findingId: string, reason: string): Promise<boolean>;
  /**
   * Follows the selected track's box on the current frame through the clip (a job in main), then
   * puts what it followed into that track as one undoable edit: F both ways, Shift+F forward,
   * Ctrl/Cmd+Shift+F backward.
   */
  startFollow(directions: FollowDirection[]): Promise<void>;
  cancelFollow(): Promise<void>;
  /** The batch queue: many clips analysed and exported by main while the user works. */
  batch: BatchController;
  /** Editing commands shared by buttons, keys and menus. */
  command(name: Command): void;
  addManualTrackAt(frame: number, box: Box): void;
  flushAutosave(): Promise<void>;
  dispose(): void;
}

export interface ControllerOptions {
  /** Tensorflow backends the detection worker tries in order. */
  backends?: Backend[];
}

/**
 * Binds the host API to the store: the one place that calls `window.blurline`. Listens to job and
 * menu events, autosaves edits, and carries out the commands of buttons, keys and menus.
 */
export function bindIpc(store: EditorStore, api: BlurlineApi, analyser: Analyser, options: ControllerOptions = {}): Controller {
  const state = store.getState;
  const backends = options.backends ?? ['webgl', 'wasm'];

  /** Unwraps an IPC result; a failure becomes an error notice naming what was being done. */
  async function call<T>(what: string, promise: Promise<IpcResult<T>>): Promise<T | undefined> {
    try {
      const result = await promise;
      if (result.ok) return result.value;
      state().notify('error', `${what}: ${result.message}`);
    } catch (err) {
      state().notify('error', `${what}: ${(err as Error).message}`);
    }
    return undefined;
  }

  function load(project: Project, opened: OpenedVideo) {
    // An analysis of the previous video must not put its tracks into this one.
    analysisRun++;
    analyser.cancel();
    state().loadProject(project, {
      playbackUrl: opened.playbackUrl,
      proxyJobId: opened.proxyJobId,
      playbackIsProxy: opened.playbackIsProxy,
      framesUrl: opened.framesUrl,
    });
    // A clip marked graphic opens in the protective view, paused (as every clip), sound off.
    if (project.graphic) state().setProtectiveView({ on: true });
    state().setAudioMuted(true);
    if (opened.playbackUrl === null) {
      state().notify('info', `This ${project.source.videoCodec} video does not play in the editor: making a playable copy (the export still uses the original)…`);
      // A short copy can be finished before this reply arrives: its last snapshot came first.
      const finished = opened.proxyJobId && endedProxies.get(opened.proxyJobId);
      if (finished) proxyEnded(finished);
    }
  }

  /** The warning for saved work whose video changed; the work is kept, on the file as it is now. */
  function warnSourceChanged(what: string, savedAt: string) {
    state().notify(
      'warning',
      `This video changed since ${what} was saved (${new Date(savedAt).toLocaleString()}): its content is different (SHA-256). The saved tracks were kept but may no longer match the faces — review every track before exporting.`,
    );
  }

  async function openPath(path: string) {
    await flushAutosave();
    state().setBusy(`Opening ${path}…`);
    try {
      const opened = await call(`Could not open ${path}`, api.openVideo(path));
      if (!opened) return;
      const saved = opened.autosaved;
      if (!saved) {
        load(createProject(opened.source), opened);
      } else if (saved.sourceChanged) {
        load({ ...saved.project, source: opened.source }, opened);
        warnSourceChanged('your work on it', saved.savedAt);
        // Autosave at once, so the restored work is recorded against the current file.
        state().markSaved(-1, null);
        void flushAutosave();
      } else {
        load(saved.project, opened);
        const when = new Date(saved.savedAt).toLocaleString();
        if (saved.recoveredBecause) state().notify('warning', `Restored your autosaved work from ${when}: ${saved.recoveredBecause}, so the one before it was used.`);
        else state().notify('info', `Restored your autosaved work from ${when}.`);
      }
    } finally {
      state().setBusy(null);
      void refreshRecentFiles();
    }
  }

  async function chooseAndOpen() {
    const path = await call('Could not show the open dialog', api.chooseVideo());
    if (path) await openPath(path);
  }

  async function openDropped(file: File) {
    const path = api.pathForFile?.(file) ?? null;
    if (path) return openPath(path);
    state().notify('warning', `“${file.name}” was dropped, but its path on disk is unknown here: choose it in the Open dialog.`);
    await chooseAndOpen();
  }

  async function openProjectFile() {
    const opened = await call('Could not open the project', api.openProject());
    if (!opened) return;
    const media = await call(`Could not open the project's video ${opened.project.source.path}`, api.openVideo(opened.project.source.path));
    if (!media) return;
    load(opened.sourceChanged ? { ...opened.project, source: media.source } : opened.project, media);
    if (opened.sourceChanged) warnSourceChanged(opened.path, opened.project.updatedAt);
    if (opened.relinkedFrom) state().notify('warning', `The video had moved from ${opened.relinkedFrom}: found at ${opened.project.source.path} by its content (SHA-256), and relinked.`);
    // The opened project becomes this video's autosave.
    state().markSaved(-1, null);
    void flushAutosave();
  }

  async function saveProjectAs() {
    const project = state().project;
    if (!project) return;
    const path = await call('Could not save the project', api.saveProjectAs({ ...project, updatedAt: new Date().toISOString() }));
    if (path) state().notify('info', `Project saved to ${path}`);
  }

  async function refreshRecentFiles() {
    const files = await call('Could not read the recent files', api.recentFiles());
    if (files) state().setRecentFiles(files);
  }

  // ---- autosave ----
  let autosaveTimer: ReturnType<typeof setTimeout> | null = null;
  let saving: Promise<void> | null = null;

  async function flushAutosave() {
    if (autosaveTimer) clearTimeout(autosaveTimer);
    autosaveTimer = null;
    await saving;
    const { project, revision, savedRevision } = state();
    if (!project || revision === savedRevision) return;
    saving = (async () => {
      const stamped = { ...project, updatedAt: new Date().toISOString() };
      const saved = await call('Autosave failed (your latest edits are not on disk yet)', api.autosaveProject(stamped));
      if (saved) state().markSaved(revision, saved.savedAt);
    })();
    await saving;
    saving = null;
  }

  const unsubscribeAutosave = store.subscribe((s, before) => {
    if (s.revision === before.revision || s.revision === s.savedRevision) return;
    // The first unsaved change starts the wait; later ones do not restart it, so continuous
    // changes (a reviewer's playback marking watched frames, a dragged slider) are still saved.
    if (!autosaveTimer) autosaveTimer = setTimeout(() => void flushAutosave(), AUTOSAVE_DELAY_MS);
  });
  const onLeave = () => void flushAutosave();
  window.addEventListener('blur', onLeave);
  window.addEventListener('beforeunload', onLeave);

  // ---- analysis ----
  /** Identifies the current run; replies of an older run (another video) are dropped. */
  let analysisRun = 0;
  /** Who ran the current detection: its tracks are logged as their edit, whoever works when they arrive. */
  let analysisActor: Actor = actorOf(state());

  async function startAnalysis() {
    const { project, media, analysis, range } = state();
    if (!project || !media) return;
    if (analysis.status === 'running' || analysis.status === 'starting') return;
    if (!editingAllowed('detecting faces')) return;
    analysisActor = actorOf(state());
    const first = range?.first ?? 0;
    const last = range?.last ?? project.source.frameCount - 1;
    const run = ++analysisRun;
    state().analysisChanged({ status: 'starting', stage: 'starting', range: { first, last }, progress: null, found: [], error: null });
    const assets = await call('Could not find the face models', api.detectionAssets());
    if (run !== analysisRun) return;
    if (!assets) {
      state().analysisChanged({ status: 'failed', error: 'the face models are not available' });
      return;
    }
    const setting = analysis.detectorModel;
    if (setting?.problem) state().notify('warning', `Detecting without your model: ${setting.problem}`);
    analyser.start(
      {
        framesUrl: media.framesUrl,
        assets,
        preset: analysis.preset,
        detectorModel: setting && !setting.problem ? setting.model : null,
        first,
        last,
        source: { width: project.source.width, height: project.source.height, frameCount: project.source.frameCount },
        backends,
      },
      (reply) => run === analysisRun && onAnalysisReply(reply),
    );
  }

  async function refreshDetectorModel() {
    const setting = await call('Could not read your detector model', api.detectorModel());
    if (setting !== undefined) state().setDetectorModel(setting);
  }

  async function chooseDetectorModel() {
    const setting = await call('Could not use that model', api.chooseDetectorModel());
    if (setting) state().setDetectorModel(setting);
  }

  async function removeDetectorModel() {
    const result = await api.removeDetectorModel();
    if (result.ok) state().setDetectorModel(null);
    else state().notify('error', `Could not remove your model: ${result.message}`);
  }

  /** Puts found tracks into the project as one undoable step, replacing the unreviewed detections of the range. */
  function commitFound(found: Track[], first: number, last: number, info: AnalysisRecord | null) {
    const project = state().project;
    if (!project) return;
    const stale = project.tracks.filter((t) => {
      const span = trackSpan(t);
      return t.origin === 'auto' && t.status === 'pending' && span.first >= first && span.last <= last;
    });
    const taken = new Set<string>();
    const kept = project.tracks.filter((t) => !stale.includes(t));
    const base = { ...project, tracks: kept };
    const tracks = found.map((t) => {
      const id = freshTrackId(base, 'auto-', taken);
      taken.add(id);
      return { ...t, id };
    });
    const edit: Edit = { type: 'replace', remove: stale.map((t) => t.id), insert: tracks.map((track, i) => ({ index: kept.length + i, track })) };
    if (edit.remove.length > 0 || edit.insert.length > 0) state().edit(() => edit, `Detection (frames ${first}–${last})`, false, analysisActor);
    if (info) {
      // The record of how the project was analysed; it travels with the detection step's autosave.
      store.setState((s) => ({ project: s.project && { ...s.project, analysis: { preset: s.analysis.preset, ...info } } }));
    }
  }

  function onAnalysisReply(reply: WorkerReply) {
    const { analysis } = state();
    const range = analysis.range ?? { first: 0, last: 0 };
    switch (reply.type) {
      case 'stage':
        state().analysisChanged({ status: reply.stage === 'analysing' ? 'running' : 'starting', stage: reply.backend ? `${reply.stage} (${reply.backend})` : reply.stage });
        break;
      case 'progress':
        state().analysisChanged({ progress: reply.progress });
        break;
      case 'tracks':
        state().analysisChanged({ found: reply.tracks });
        break;
      case 'done':
        commitFound(reply.tracks, range.first, range.last, reply.record);
        state().analysisChanged({
          status: 'done',
          found: [],
          stage: `found ${plural(reply.tracks.length, 'face track')}${reply.userModelFaces === null ? '' : `; ${plural(reply.userModelFaces, 'detection')} by your model`}`,
        });
        break;
      case 'cancelled':
        commitFound(reply.tracks, range.first, reply.lastFrame, null);
        state().analysisChanged({ status: 'cancelled', found: [], stage: `cancelled; kept ${reply.tracks.length} track${reply.tracks.length === 1 ? '' : 's'} found so far` });
        break;
      case 'failed':
        state().analysisChanged({ status: 'failed', found: [], error: reply.message });
        state().notify('error', `Face detection failed: ${reply.message}`);
        break;
    }
  }

  // ---- export ----
  /** Last snapshots of proxy jobs, by id (few: one per unplayable source opened). */
  const endedProxies = new Map<string, JobSnapshot>();

  async function chooseExportPath() {
    const { project, exportPath } = state();
    if (!project) return;
    const path = await call('Could not show the save dialog', api.chooseExportPath(exportPath ?? defaultExportPath(project.source.path, project.exportSettings.videoCodec)));
    if (path) state().setExportPath(path);
  }

  async function startExport() {
    const { project, exportPath } = state();
    if (!project) return;
    if (!exportPath) {
      state().notify('error', 'Choose where to save the blurred video first.');
      return;
    }
    await flushAutosave();
    const started = await call('Export could not start', api.startRender({ project, outputPath: exportPath, overwrite: true, actor: { name: actorOf(state()).name, role: state().role } }));
    if (started) {
      state().renderChanged({
        jobId: started.jobId,
        kind: 'render',
        status: 'running',
        stage: 'starting',
        progress: null,
        error: null,
        outputPath: null,
        playbackUrl: null,
        exported: null,
        followed: null,
      });
    }
  }

  async function cancelExport() {
    const job = state().renderJob;
    if (job && job.status === 'running') await call('Could not cancel the export', api.cancelJob(job.jobId));
  }

  async function revealExport(which: 'master' | 'report' = 'master') {
    const job = state().renderJob;
    const path = which === 'report' ? job?.exported?.reportPaths.html : (job?.exported?.masterPath ?? job?.outputPath);
    if (path) await call('Could not show the file', api.revealFile(path));
  }

  async function waiveFinding(findingId: string, reason: string): Promise<boolean> {
    const s = state();
    const outcome = s.renderJob?.exported;
    const finding = outcome?.leakCheck?.findings.find((f) => f.id === findingId);
    if (!s.project || !outcome || !finding) return false;
    if (!reason.trim()) {
      s.notify('error', `Waive ${findingId}: a waiver needs a reason.`);
      return false;
    }
    if (!s.userName.trim()) {
      s.askIdentity(`Waive ${findingId}: enter your name first — a waiver is signed with it.`);
      return false;
    }
    const actor = { name: s.userName.trim(), role: s.role };
    const waived = await call(
      `Could not waive ${findingId}`,
      api.waiveLeakFinding({ sourceSha256: s.project.source.sha256, reportPath: outcome.reportPaths.json, findingId, reason: reason.trim(), actor }),
    );
    if (!waived) return false;
    state().exportOutcomeChanged(waived);
    const signed = waived.leakCheck?.findings.find((f) => f.id === findingId)?.waiver;
    return state().recordWaiver(findingId, frameRuns(finding.frames), reason, signed?.at ?? new Date().toISOString());
  }

  // ---- following a marked region ----
  /** Follow jobs that ended before the renderer had their id (a short follow can). */
  const endedFollows = new Map<string, JobSnapshot>();

  async function startFollow(directions: FollowDirection[]) {
    const s = state();
    const project = s.project;
    if (!project || !editingAllowed('following a region')) return;
    if (s.followJob?.snapshot.status === 'running') {
      s.notify('warning', 'A follow is already running: wait for it, or cancel it.');
      return;
    }
    const track = selectedTracks()[0];
    if (!track) {
      s.notify('warning', 'Follow: draw a box over what to hide (B), or select a track, then press F.');
      return;
    }
    const frame = s.frame;
    const box = trackBoxAt(track, frame);
    if (!box) {
      s.notify('warning', `Follow: ${track.id} has no box on frame ${frame}. Go to one of its frames, or draw a box (B) over what to hide.`);
      return;
    }
    const started = await call('Could not start following', api.startFollow({ sourceSha256: project.source.sha256, frame, box, directions }));
    if (!started) return;
    const snapshot: JobSnapshot = {
      jobId: started.jobId, kind: 'follow', status: 'running', stage: 'following', progress: null,
      error: null, outputPath: null, playbackUrl: null, exported: null, followed: null,
    };
    state().followStarted({ trackId: track.id, frame, directions, kind: state().followKind, snapshot: endedFollows.get(started.jobId) ?? snapshot });
    const job = state().followJob!;
    if (job.snapshot.status !== 'running') followEnded(job);
  }

  async function cancelFollow() {
    const job = state().followJob;
    if (job?.snapshot.status === 'running') await call('Could not cancel the follow', api.cancelJob(job.snapshot.jobId));
  }

  function followEnded({ snapshot, trackId, kind }: FollowJob) {
    const s = state();
    if (snapshot.status === 'failed') s.notify('error', `Follow failed: ${snapshot.error?.message ?? 'unknown error'}`);
    if (snapshot.status === 'cancelled') s.notify('info', `Follow of ${trackId} cancelled: nothing changed.`);
    const result = snapshot.followed;
    if (snapshot.status !== 'done' || !result) return;
    const object = kind === 'face' ? null : { label: kind, markedBy: actorOf(s).name };
    const what = s.project?.tracks.find((t) => t.id === trackId)?.object?.label ?? kind;
    if (s.edit((p) => followEdit(p, trackId, followedKeyframes(result), object), `Follow ${what} ${trackId} from frame ${result.frame}`)) {
      s.notify('info', `Followed ${trackId}: ${describeFollow(result)}.`);
    }
  }

  function onJob(snapshot: JobSnapshot) {
    const { renderJob, media } = state();
    if (snapshot.kind === 'follow') {
      const job = state().followJob;
      if (job?.snapshot.jobId !== snapshot.jobId) {
        if (snapshot.status !== 'running') endedFollows.set(snapshot.jobId, snapshot);
        return;
      }
      state().followChanged(snapshot);
      if (snapshot.status !== 'running') followEnded(state().followJob!);
      return;
    }
    if (snapshot.kind === 'render' && renderJob?.jobId === snapshot.jobId) {
      state().renderChanged(snapshot);
      if (snapshot.status === 'failed') state().notify('error', `Export failed: ${snapshot.error?.message ?? 'unknown error'}`);
      if (snapshot.status === 'done') {
        const verdict = snapshot.exported && (snapshot.exported.approvedExport ? ': an approved export' : ': not an approved export');
        state().notify('info', `Exported ${snapshot.outputPath}${verdict ?? ''}`);
      }
    }
    if (snapshot.kind === 'proxy' && snapshot.status !== 'running') {
      endedProxies.set(snapshot.jobId, snapshot);
      if (media?.proxyJobId === snapshot.jobId) proxyEnded(snapshot);
    }
  }

  function proxyEnded(snapshot: JobSnapshot) {
    if (snapshot.status === 'done' && snapshot.playbackUrl) state().setPlaybackUrl(snapshot.playbackUrl);
    if (snapshot.status === 'failed') state().notify('error', `Could not make a playable copy: ${snapshot.error?.message ?? 'unknown error'}`);
  }

  // ---- editing commands ----
  /** Editing tools are the editor's: in reviewer mode they say so; returns whether to go on. */
  function editingAllowed(what: string): boolean {
    if (state().role !== 'reviewer') return true;
    state().notify('warning', `Reviewer mode: ${what} is not available — the reviewer sees the pass as the editor left it. Switch the role to Editor to change it.`);
    return false;
  }

  /** R: the first press marks where an audio redaction starts, the second adds it up to the playhead; with an I/O range, one press covers the range. */
  function markAudioRange() {
    const s = state();
    if (!s.project || !editingAllowed('marking audio redactions')) return;
    let first: number;
    let last: number;
    if (s.audioMark !== null) [first, last] = [Math.min(s.audioMark, s.frame), Math.max(s.audioMark, s.frame)];
    else if (s.range) ({ first, last } = s.range);
    else {
      s.setAudioMark(s.frame);
      s.notify('info', `Audio redaction starts at frame ${s.frame}: go to where it ends and press R again (Esc cancels).`);
      return;
    }
    const id = freshAudioId(s.project.audioRedactions);
    if (s.edit((p) => addRedaction(p, id, first, last), `Add audio redaction ${id} (frames ${first}–${last})`)) s.selectAudio(id);
    s.setAudioMark(null);
  }

  function deleteSelection() {
    const s = state();
    const audioId = s.selectedAudioId;
    if (audioId && s.selectedIds.length === 0) {
      if (s.edit((p) => removeRedaction(p, audioId), `Delete audio redaction ${audioId}`)) s.selectAudio(null);
      return;
    }
    const tracks = needSelection('Delete');
    if (tracks && s.edit((p) => removeTracks(p, tracks.map((t) => t.id)), `Delete ${tracks.map((t) => t.id).join(', ')}`)) s.select([]);
  }

  /** N: the next track without a decision after the selected one; selects it and shows its first frame. */
  function goToNextUndecided() {
    const s = state();
    if (!s.project) return;
    const next = nextUndecided(s.project, s.selectedIds[0] ?? null);
    if (!next) {
      s.notify('info', s.project.tracks.length === 0 ? 'There are no tracks to review.' : 'Every track has a decision.');
      return;
    }
    s.select([next.id]);
    s.seekTo(trackSpan(next).first);
  }

  /** P: the next possible face (pending ones first); selects it and shows its first frame. */
  function goToNextPossibleFace() {
    const s = state();
    if (!s.project) return;
    const next = nextPossibleFace(s.project.tracks, s.selectedIds[0] ?? null);
    if (!next) {
      s.notify('info', 'There are no possible faces: every person found had a face track.');
      return;
    }
    s.select([next.id]);
    s.seekTo(trackSpan(next).first);
  }

  function selectedTracks(): Track[] {
    const { project, selectedIds } = state();
    return project ? project.tracks.filter((t) => selectedIds.includes(t.id)) : [];
  }

  function needSelection(what: string, count = 1): Track[] | null {
    const tracks = selectedTracks();
    if (tracks.length < count) {
      state().notify('warning', count === 1 ? `${what}: select a track first.` : `${what}: select ${count} tracks (shift-click the second).`);
      return null;
    }
    return tracks;
  }

  function command(name: Command) {
    const s = state();
    const project = s.project;
    switch (name) {
      case 'open-video':
        return void chooseAndOpen();
      case 'open-project':
        return void openProjectFile();
      case 'save-project-as':
        return void saveProjectAs();
      case 'export':
        return s.openExportDialog(true);
      case 'show-shortcuts':
        return s.setHelpOpen(!s.helpOpen);
      case 'batch':
        s.openBatch(!s.batchOpen);
        if (!s.batchOpen) void batch.controller.refresh();
        return;
      case 'toggle-original':
        return s.toggleOriginal();
      case 'protective-view':
        return s.setProtectiveView({ on: !s.protectiveView.on });
      // The options turn the view on with them: asking for them means wanting it.
      case 'protective-outside-blur':
        return s.setProtectiveView({ on: true, outsideBlur: !(s.protectiveView.on && s.protectiveView.outsideBlur) });
      case 'protective-smaller':
        return s.setProtectiveView({ on: true, smaller: !(s.protectiveView.on && s.protectiveView.smaller) });
      case 'toggle-audio':
        return s.setAudioMuted(!s.audioMuted);
      case 'zoom-in':
        return s.zoomBy(1.5);
      case 'zoom-out':
        return s.zoomBy(1 / 1.5);
    }
    if (!project) return;
    switch (name) {
      case 'undo':
        return s.undo();
      case 'redo':
        return s.redo();
      case 'play-pause':
        return s.togglePlay();
      case 'step-back':
        return s.step(-1);
      case 'step-forward':
        return s.step(1);
      case 'step-back-10':
        return s.step(-10);
      case 'step-forward-10':
        return s.step(10);
      case 'shuttle-back':
        return s.setRate(s.rate >= 0 ? -1 : Math.max(-4, s.rate * 2));
      case 'shuttle-stop':
        return s.setRate(0);
      case 'shuttle-forward':
        return s.setRate(s.rate <= 0 ? 1 : Math.min(4, s.rate * 2));
      case 'first-frame':
        return s.seekTo(0);
      case 'last-frame':
        return s.seekTo(project.source.frameCount - 1);
      case 'delete-track':
        return deleteSelection();
      case 'confirm-track':
      case 'reject-track': {
        const tracks = needSelection(name === 'confirm-track' ? 'Confirm' : 'Reject');
        const status = name === 'confirm-track' ? 'confirmed' : 'rejected';
        if (tracks) s.edit((p) => setStatus(p, tracks.map((t) => t.id), status), `${status === 'confirmed' ? 'Confirm' : 'Reject'} ${tracks.map((t) => t.id).join(', ')}`);
        return;
      }
      case 'split-track': {
        const tracks = needSelection('Split');
        if (!tracks) return;
        const id = freshTrackId(project, `${tracks[0].origin}-`);
        if (s.edit((p) => splitTrack(p, tracks[0].id, s.frame, id), `Split ${tracks[0].id} at frame ${s.frame}`)) s.select([id]);
        return;
      }
      case 'merge-tracks': {
        const tracks = needSelection('Merge', 2);
        if (!tracks) return;
        const [keep, other] = [s.selectedIds[0], s.selectedIds[1]];
        if (s.edit((p) => mergeTracks(p, keep, other), `Merge ${other} into ${keep}`)) s.select([keep]);
        return;
      }
      case 'range-start':
        return s.setRange({ first: s.frame, last: Math.max(s.frame, s.range?.last ?? project.source.frameCount - 1) });
      case 'range-end':
        return s.setRange({ first: Math.min(s.frame, s.range?.first ?? 0), last: s.frame });
      case 'draw-tool':
        if (s.tool === 'select' && !editingAllowed('drawing boxes')) return;
        return s.setTool(s.tool === 'draw' ? 'select' : 'draw');
      case 'analyse':
        return void startAnalysis();
      case 'audio-range':
        return markAudioRange();
      case 'start-review':
        return void s.startReview();
      case 'approve-track': {
        const tracks = needSelection('Approve');
        if (!tracks) return;
        for (const t of tracks) if (!state().decideTrack(t.id, 'approved')) return;
        return;
      }
      case 'next-undecided':
        return goToNextUndecided();
      case 'next-possible-face':
        return goToNextPossibleFace();
      case 'follow':
        return void startFollow(['forward', 'backward']);
      case 'follow-forward':
        return void startFollow(['forward']);
      case 'follow-backward':
        return void startFollow(['backward']);
    }
  }

  function addManualTrackAt(frame: number, box: Box) {
    const project = state().project;
    if (!project) return;
    const id = freshTrackId(project, 'manual-');
    if (state().edit((p) => addManualTrack(p, id, frame, box, DEFAULT_BLUR_STYLE), `Add manual track ${id}`)) {
      state().select([id]);
      state().setTool('select');
    }
  }

  const batch = bindBatch(store, api, call, openPath);
  // A queue started before this window (re)loaded shows in the toolbar at once.
  void batch.controller.refresh();
  void refreshDetectorModel();
  const unsubscribeJob = api.on('job', onJob);
  const unsubscribeMenu = api.on('menu', (cmd) => command(cmd));

  return {
    chooseAndOpen,
    openPath,
    openDropped,
    openProjectFile,
    saveProjectAs,
    refreshRecentFiles,
    startAnalysis,
    cancelAnalysis: () => analyser.cancel(),
    chooseDetectorModel,
    removeDetectorModel,
    chooseExportPath,
    startExport,
    cancelExport,
    revealExport,
    waiveFinding,
    startFollow,
    cancelFollow,
    batch: batch.controller,
    command,
    addManualTrackAt,
    flushAutosave,
    dispose() {
      unsubscribeJob();
      unsubscribeMenu();
      batch.dispose();
      unsubscribeAutosave();
      window.removeEventListener('blur', onLeave);
      window.removeEventListener('beforeunload', onLeave);
      if (autosaveTimer) clearTimeout(autosaveTimer);
      analyser.dispose();
    },
  };
}
