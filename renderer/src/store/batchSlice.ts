import type { StateCreator } from 'zustand';
import type { MasterCodec } from '../../../core/project';
import type { AddToBatchArgs, BatchItemSnapshot } from '../../../electron/shared/contract';
import { dirName, fileName, isAbsolutePath, joinPath } from '../paths';
import type { EditorState } from './index';

/**
 * The batch queue as the window shows it (main runs it and pushes the whole queue after every
 * change) and the form that adds clips to it: the videos found or dropped, each checked or not,
 * where the results go, the detection preset, the master's codec and whether earlier results may
 * be replaced.
 */

export type BatchPreset = AddToBatchArgs['preset'];

export interface BatchVideo {
  path: string;
  checked: boolean;
}

export interface BatchForm {
  /** The folder last added; its `blurred` subfolder is the default output folder. */
  folder: string | null;
  videos: BatchVideo[];
  outputDir: string;
  preset: BatchPreset;
  codec: MasterCodec;
  overwrite: boolean;
}

export interface BatchSlice {
  batchOpen: boolean;
  /** The queue, as main last pushed it. */
  batchItems: BatchItemSnapshot[];
  /** Clips that had finished when the queue last started running: the toolbar counts this run's clips only. */
  batchEarlier: string[];
  batchForm: BatchForm;
  openBatch(open: boolean): void;
  /** A new snapshot of the whole queue. */
  batchChanged(items: BatchItemSnapshot[]): void;
  /** A chosen folder's videos replace the list, all checked; the output folder becomes `<folder>/blurred`. */
  batchFolderChosen(folder: string, videos: string[]): void;
  /** Dropped videos join the list, checked (ones already listed are checked again); an empty output folder becomes `<their folder>/blurred`. Returns how many were new. */
  addBatchVideos(paths: string[]): number;
  setBatchVideoChecked(path: string, checked: boolean): void;
  setAllBatchVideosChecked(checked: boolean): void;
  setBatchOutputDir(dir: string): void;
  setBatchOptions(options: Partial<Pick<BatchForm, 'preset' | 'codec' | 'overwrite'>>): void;
  /** The checked videos were queued: the list empties for the next ones, the settings stay. */
  batchQueued(): void;
}

export const BATCH_PRESET_LABELS: Record<BatchPreset, string> = { thorough: 'Thorough (for export)', fast: 'Fast' };

export const isActiveItem = (item: BatchItemSnapshot) => item.status === 'queued' || item.status === 'running';
export const isFinishedItem = (item: BatchItemSnapshot) => !isActiveItem(item);

/** Where a folder's results go by default. */
export function defaultOutputDir(folder: string): string {
  return joinPath(folder, 'blurred');
}

/** Main writes `<out>/<name>.blurred.mp4` (.mov for ProRes): two clips of the same name (clip.mp4, clip.MOV) or folders spelled differently meet there. */
function outputKey(outputDir: string, sourcePath: string): string {
  const stem = fileName(sourcePath).replace(/\.[^.]+$/, '');
  // Compared without case: macOS and Windows folders do not tell Clip from clip.
  return `${outputDir.trim().replace(/[\\/]+$/, '')}/${stem}`.toLowerCase();
}

/**
 * Why the checked videos cannot be queued as the form stands (an empty list when they can): none
 * checked, an output folder that is not a full path, two clips that would be written to the same
 * master, or a clip whose master a queued or running clip is about to write.
 */
export function batchFormProblems(form: BatchForm, queue: readonly BatchItemSnapshot[]): string[] {
  const problems: string[] = [];
  const checked = form.videos.filter((v) => v.checked);
  if (checked.length === 0) problems.push(form.videos.length === 0 ? 'Add a folder or drop videos here.' : 'Check at least one video.');
  const outputDir = form.outputDir.trim();
  if (!outputDir) problems.push('Choose an output folder.');
  else if (!isAbsolutePath(outputDir)) problems.push(`The output folder must be a full path (like ${form.folder ? defaultOutputDir(form.folder) : '/Users/me/Videos/blurred'}), not “${outputDir}”.`);
  else {
    const seen = new Map<string, string>();
    for (const { path } of checked) {
      const key = outputKey(outputDir, path);
      const other = seen.get(key);
      if (other) problems.push(`${fileName(other)} and ${fileName(path)} would be written to the same file: uncheck one (or queue it separately, into another folder).`);
      else seen.set(key, path);
    }
    const busy = new Set(queue.filter(isActiveItem).map((i) => outputKey(i.outputDir, i.sourcePath)));
    for (const { path } of checked) if (busy.has(outputKey(outputDir, path))) problems.push(`${fileName(path)} is already in the queue for this output folder.`);
  }
  return problems;
}

/** What Start asks main to queue (the form has no problems). */
export function batchRequest(form: BatchForm): AddToBatchArgs {
  return {
    paths: form.videos.filter((v) => v.checked).map((v) => v.path),
    outputDir: form.outputDir.trim(),
    preset: form.preset,
    codec: form.codec,
    overwrite: form.overwrite,
  };
}

/** The clips of the current run (cancelled ones left out): how many there are, which one runs, how they ended. */
export interface BatchRun {
  total: number;
  /** 1-based: the clip running now (or the next one), among `total`. */
  position: number;
  done: number;
  failed: number;
  cancelled: number;
  active: boolean;
}

export function batchRun(items: readonly BatchItemSnapshot[], earlier: readonly string[]): BatchRun {
  const run = items.filter((i) => !earlier.includes(i.id));
  const count = (status: BatchItemSnapshot['status']) => run.filter((i) => i.status === status).length;
  const [done, failed, cancelled] = [count('done'), count('failed'), count('cancelled')];
  const total = run.length - cancelled;
  return { total, position: Math.min(total, done + failed + 1), done, failed, cancelled, active: run.some(isActiveItem) };
}

/** The notice when a run ends. */
export function batchSummary(run: BatchRun): string {
  const parts = [run.done > 0 && `${run.done} done`, run.failed > 0 && `${run.failed} failed`, run.cancelled > 0 && `${run.cancelled} cancelled`].filter(Boolean);
  return `Batch ${run.done + run.failed > 0 ? 'finished' : 'stopped'}: ${parts.join(', ')}.${run.done > 0 ? ' Batch exports are not approved exports: open each clip in the editor to review it.' : ''}`;
}

const EMPTY_FORM: BatchForm = { folder: null, videos: [], outputDir: '', preset: 'thorough', codec: 'h264', overwrite: false };

export const createBatchSlice: StateCreator<EditorState, [], [], BatchSlice> = (set, get) => {
  const form = (patch: Partial<BatchForm>) => set((s) => ({ batchForm: { ...s.batchForm, ...patch } }));
  return {
    batchOpen: false,
    batchItems: [],
    batchEarlier: [],
    batchForm: EMPTY_FORM,
    openBatch: (open) => set({ batchOpen: open }),
    batchChanged: (items) =>
      set((s) => {
        const starting = !s.batchItems.some(isActiveItem) && items.some(isActiveItem);
        const earlier = starting ? s.batchItems.filter(isFinishedItem).map((i) => i.id) : s.batchEarlier;
        return { batchItems: items, batchEarlier: earlier.filter((id) => items.some((i) => i.id === id)) };
      }),
    batchFolderChosen: (folder, videos) => form({ folder, videos: videos.map((path) => ({ path, checked: true })), outputDir: defaultOutputDir(folder) }),
    addBatchVideos: (paths) => {
      const { videos, outputDir, folder } = get().batchForm;
      const fresh = [...new Set(paths)].filter((p) => !videos.some((v) => v.path === p));
      const listed = videos.map((v) => (paths.includes(v.path) ? { ...v, checked: true } : v));
      const firstFolder = folder ?? (paths.length > 0 ? dirName(paths[0]) : null);
      form({
        folder: firstFolder,
        videos: [...listed, ...fresh.map((path) => ({ path, checked: true }))],
        outputDir: outputDir.trim() || !firstFolder ? outputDir : defaultOutputDir(firstFolder),
      });
      return fresh.length;
    },
    setBatchVideoChecked: (path, checked) => form({ videos: get().batchForm.videos.map((v) => (v.path === path ? { ...v, checked } : v)) }),
    setAllBatchVideosChecked: (checked) => form({ videos: get().batchForm.videos.map((v) => ({ ...v, checked })) }),
    setBatchOutputDir: (dir) => form({ outputDir: dir }),
    setBatchOptions: (options) => form(options),
    batchQueued: () => form({ videos: [] }),
  };
};
