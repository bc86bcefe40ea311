import type { StateCreator } from 'zustand';
import { EditError, type Edit } from '../../../core/edits';
import { commitEdit, EMPTY_HISTORY, redo, undo, type History } from '../../../core/history';
import type { Project } from '../../../electron/shared/contract';
import type { EditorState } from './index';

/** What the host gave for the open source: where to play it and where to read exact frames. */
export interface OpenedMedia {
  playbackUrl: string | null;
  proxyJobId: string | null;
  playbackIsProxy: boolean;
  framesUrl: string;
}

export interface ProjectSlice {
  project: Project | null;
  media: OpenedMedia | null;
  history: History;
  /** Bumped by every change of the project; autosave compares it with `savedRevision`. */
  revision: number;
  savedRevision: number;
  savedAt: string | null;
  loadProject(project: Project, media: OpenedMedia): void;
  setPlaybackUrl(url: string): void;
  /**
   * Builds an edit from the current project, applies it and records it for undo (`coalesce`: joins
   * the last step of the same label). An impossible edit becomes an error notice; returns success.
   */
  edit(make: (project: Project) => Edit, label: string, coalesce?: boolean): boolean;
  undo(): void;
  redo(): void;
  /** Records what the autosave holds (revision −1: nothing yet, save at the next chance). */
  markSaved(revision: number, savedAt: string | null): void;
}

export const createProjectSlice: StateCreator<EditorState, [], [], ProjectSlice> = (set, get) => ({
  project: null,
  media: null,
  history: EMPTY_HISTORY,
  revision: 0,
  savedRevision: 0,
  savedAt: null,
  // A new project starts a fresh view: nothing selected, at the first frame, no job of the old one.
  loadProject: (project, media) =>
    set((s) => ({
      project,
      media,
      history: EMPTY_HISTORY,
      revision: 0,
      savedRevision: 0,
      savedAt: null,
      selectedIds: [],
      range: null,
      frame: 0,
      rate: 0,
      seek: null,
      scrollFrame: 0,
      exportPath: null,
      renderJob: null,
      analysis: { ...s.analysis, status: 'idle', stage: '', range: null, progress: null, found: [], error: null },
    })),
  setPlaybackUrl: (url) => set((s) => (s.media ? { media: { ...s.media, playbackUrl: url, proxyJobId: null } } : {})),
  edit: (make, label, coalesce = false) => {
    const { project, history } = get();
    if (!project) return false;
    try {
      const next = commitEdit(project, history, make(project), label, coalesce);
      set((s) => ({ ...next, revision: s.revision + 1 }));
      return true;
    } catch (err) {
      if (!(err instanceof EditError)) throw err;
      get().notify('error', `${label}: ${err.message}`);
      return false;
    }
  },
  undo: () => {
    const { project, history } = get();
    const result = project && undo(project, history);
    if (result) set((s) => ({ ...result, revision: s.revision + 1 }));
  },
  redo: () => {
    const { project, history } = get();
    const result = project && redo(project, history);
    if (result) set((s) => ({ ...result, revision: s.revision + 1 }));
  },
  markSaved: (revision, savedAt) => set({ savedRevision: revision, savedAt }),
});
