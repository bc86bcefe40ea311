import type { StateCreator } from 'zustand';
import type { JobSnapshot } from '../../../electron/shared/contract';
import type { EditorState } from './index';

export interface RenderSlice {
  exportDialogOpen: boolean;
  exportPath: string | null;
  /** The render job this window started, and its last snapshot. */
  renderJob: JobSnapshot | null;
  openExportDialog(open: boolean): void;
  setExportPath(path: string | null): void;
  renderChanged(snapshot: JobSnapshot | null): void;
}

export const createRenderSlice: StateCreator<EditorState, [], [], RenderSlice> = (set) => ({
  exportDialogOpen: false,
  exportPath: null,
  renderJob: null,
  openExportDialog: (open) => set({ exportDialogOpen: open }),
  setExportPath: (path) => set({ exportPath: path }),
  renderChanged: (snapshot) => set({ renderJob: snapshot }),
});
