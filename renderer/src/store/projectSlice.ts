import type { StateCreator } from 'zustand';
import { EditError, type Edit } from '../../../core/edits';
import { commitEdit, EMPTY_HISTORY, redo, undo, type History, type HistoryResult } from '../../../core/history';
import { recordEdit, type Actor } from '../../../core/review';
import type { Project } from '../../../electron/shared/contract';
import type { EditorState } from './index';
import { actorOf } from './reviewSlice';

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
   * Builds an edit from the current project, applies it, records it for undo (`coalesce`: joins
   * the last step of the same label) and logs it in the review as the current user, or as `by`
   * (detection logs the user who ran it). An impossible edit becomes an error notice, and in
   * reviewer mode an edit of the reviewed work is refused with a notice; returns success.
   */
  edit(make: (project: Project) => Edit, label: string, coalesce?: boolean, by?: Actor): boolean;
  /** Undo and redo are edits too: logged as "Undo: <label>"; the review log is not undone. */
  undo(): void;
  redo(): void;
  /** Records what the autosave holds (revision −1: nothing yet, save at the next chance). */
  markSaved(revision: number, savedAt: string | null): void;
}

/** What a reviewer may change: export settings and the graphic mark are not part of what is reviewed. */
function changesReviewedWork(edit: Edit): boolean {
  return edit.type !== 'setExportSettings' && edit.type !== 'setGraphic';
}

export const createProjectSlice: StateCreator<EditorState, [], [], ProjectSlice> = (set, get) => {
  /** Refuses an edit of the reviewed work in reviewer mode (the reviewer sees the pass as the editor left it). */
  function refusedForReviewer(actor: Actor, edit: Edit, label: string): boolean {
    if (actor.role !== 'reviewer' || !changesReviewedWork(edit)) return false;
    get().notify('warning', `Reviewer mode: “${label}” was not applied — the tracks and audio redactions are read-only while reviewing. Switch the role to Editor to change them.`);
    return true;
  }

  /** Puts a changed project in place with the change logged (decisions on what it touched withdrawn). */
  function commit(before: Project, result: HistoryResult, label: string, actor: Actor, coalesce: boolean) {
    const review = recordEdit(before, result.project, label, actor, new Date().toISOString(), coalesce);
    const withdrawn = review.events.slice(before.review.events.length).find((e) => e.type === 'approval-invalidated');
    set((s) => ({ project: { ...result.project, review }, history: result.history, revision: s.revision + 1 }));
    if (withdrawn) get().notify('warning', `Approval withdrawn: ${withdrawn.detail}. The reviewer has to look at it again.`);
  }

  /** Undo or redo: a new edit of the project, logged as such (the log itself is never undone). */
  function replay(direction: 'Undo' | 'Redo') {
    const { project, history } = get();
    const entry = direction === 'Undo' ? history.past.at(-1) : history.future.at(-1);
    if (!project || !entry) return;
    const actor = actorOf(get());
    const label = `${direction}: ${entry.label}`;
    if (refusedForReviewer(actor, direction === 'Undo' ? entry.inverse : entry.forward, label)) return;
    const result = direction === 'Undo' ? undo(project, history) : redo(project, history);
    if (result) commit(project, result, label, actor, false);
  }

  return {
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
        selectedAudioId: null,
        audioMark: null,
        lastWatched: null,
        range: null,
        frame: 0,
        rate: 0,
        seek: null,
        scrollFrame: 0,
        exportPath: null,
        exportExtSwitched: false,
        exportMinimised: false,
        leakFocus: null,
        renderJob: null,
        analysis: { ...s.analysis, status: 'idle', stage: '', range: null, progress: null, found: [], error: null },
      })),
    setPlaybackUrl: (url) => set((s) => (s.media ? { media: { ...s.media, playbackUrl: url, proxyJobId: null } } : {})),
    edit: (make, label, coalesce = false, by) => {
      const { project, history } = get();
      if (!project) return false;
      const actor = by ?? actorOf(get());
      try {
        const edit = make(project);
        if (refusedForReviewer(actor, edit, label)) return false;
        commit(project, commitEdit(project, history, edit, label, coalesce), label, actor, coalesce);
        return true;
      } catch (err) {
        if (!(err instanceof EditError)) throw err;
        get().notify('error', `${label}: ${err.message}`);
        return false;
      }
    },
    undo: () => replay('Undo'),
    redo: () => replay('Redo'),
    markSaved: (revision, savedAt) => set({ savedRevision: revision, savedAt }),
  };
};
