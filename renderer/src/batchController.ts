import type { BlurlineApi, BatchItemSnapshot, IpcResult } from '../../electron/shared/contract';
import { fileName } from './paths';
import type { EditorStore } from './store';
import { batchFormProblems, batchRequest, batchRun, batchSummary, isActiveItem } from './store/batchSlice';

/** The batch panel's actions: main runs the queue, the window shows it and adds to it. */
export interface BatchController {
  /** Asks main for the queue (one started before this window opened shows too). */
  refresh(): Promise<void>;
  /** The folder dialog: its videos replace the form's list, all checked. */
  addFolder(): Promise<void>;
  /** Videos dropped on the panel join the list (their paths come from the preload). */
  addDropped(files: readonly File[]): void;
  /** Queues the checked videos with the form's settings. */
  start(): Promise<void>;
  cancel(id: string): Promise<void>;
  clearFinished(): Promise<void>;
  /** Shows a finished clip's master, or its printable audit report, in the file manager. */
  reveal(id: string, which: 'master' | 'report'): Promise<void>;
  /** Opens a finished clip in the editor: its autosave is the batch's project unless the clip had one. */
  openInEditor(id: string): Promise<void>;
}

export interface BatchBinding {
  controller: BatchController;
  dispose(): void;
}

/** Unwraps an IPC result, telling the user what failed. */
export type Call = <T>(what: string, promise: Promise<IpcResult<T>>) => Promise<T | undefined>;

/** Binds the queue's calls and its `batch` event to the store. */
export function bindBatch(store: EditorStore, api: BlurlineApi, call: Call, openPath: (path: string) => Promise<void>): BatchBinding {
  const state = store.getState;
  /** Counts snapshots pushed by main: a `batchItems` reply older than one of them is dropped. */
  let pushed = 0;

  function changed(items: BatchItemSnapshot[]) {
    const wasActive = state().batchItems.some(isActiveItem);
    state().batchChanged(items);
    if (!wasActive || items.some(isActiveItem)) return;
    const run = batchRun(items, state().batchEarlier);
    state().notify(run.failed > 0 ? 'warning' : 'info', batchSummary(run));
  }

  const unsubscribe = api.on('batch', (items) => {
    pushed++;
    changed(items);
  });

  const item = (id: string) => state().batchItems.find((i) => i.id === id);

  const controller: BatchController = {
    async refresh() {
      const before = pushed;
      const items = await call('Could not read the batch queue', api.batchItems());
      if (items && pushed === before) changed(items);
    },
    async addFolder() {
      const chosen = await call('Could not show the folder dialog', api.chooseBatchFolder());
      if (!chosen) return;
      state().batchFolderChosen(chosen.folder, chosen.videos);
      if (chosen.videos.length === 0) state().notify('warning', `No videos in ${chosen.folder} (subfolders, hidden files and earlier blurred masters are left out).`);
    },
    addDropped(files) {
      const paths = files.map((f) => api.pathForFile?.(f) ?? null);
      const known = paths.filter((p): p is string => Boolean(p));
      if (known.length < files.length) {
        const unknown = files.filter((_, i) => !paths[i]).map((f) => `“${f.name}”`);
        state().notify('warning', `${unknown.join(', ')} ${unknown.length === 1 ? 'was' : 'were'} dropped, but ${unknown.length === 1 ? 'its path' : 'their paths'} on disk ${unknown.length === 1 ? 'is' : 'are'} unknown here: use “Add folder…”.`);
      }
      if (known.length > 0) state().addBatchVideos(known);
    },
    async start() {
      const { batchForm, batchItems } = state();
      const problems = batchFormProblems(batchForm, batchItems);
      if (problems.length > 0) {
        state().notify('error', `Batch: ${problems[0]}`);
        return;
      }
      const queued = await call('Could not queue the batch', api.addToBatch(batchRequest(batchForm)));
      if (queued) state().batchQueued();
    },
    async cancel(id) {
      await call(`Could not cancel ${fileName(item(id)?.sourcePath ?? id)}`, api.cancelBatchItem(id));
    },
    async clearFinished() {
      await call('Could not clear the finished clips', api.clearFinishedBatch());
    },
    async reveal(id, which) {
      const result = item(id)?.result;
      const path = which === 'report' ? result?.reportPaths.html : result?.masterPath;
      if (path) await call('Could not show the file', api.revealFile(path));
    },
    async openInEditor(id) {
      const clip = item(id);
      if (!clip) return;
      state().openBatch(false);
      await openPath(clip.sourcePath);
    },
  };

  return { controller, dispose: unsubscribe };
}
