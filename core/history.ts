import { applyEdit, type Edit } from './edits';
import type { Project } from './project';

/** One undoable step: the edit that was applied and the edit that undoes it. */
export interface HistoryEntry {
  label: string;
  forward: Edit;
  inverse: Edit;
}

export interface History {
  past: HistoryEntry[];
  future: HistoryEntry[];
}

export const EMPTY_HISTORY: History = { past: [], future: [] };

/** Steps kept for undo; older ones are dropped. */
export const HISTORY_LIMIT = 500;

export interface HistoryResult {
  project: Project;
  history: History;
}

/**
 * Applies an edit and records it; a new edit clears the redo list. With `coalesce`, an edit with
 * the same label as the last step joins it (a slider dragged through many values is one step).
 */
export function commitEdit(project: Project, history: History, edit: Edit, label: string, coalesce = false): HistoryResult {
  const { project: next, inverse } = applyEdit(project, edit);
  const last = history.past[history.past.length - 1];
  if (coalesce && last?.label === label && history.future.length === 0) {
    return { project: next, history: { past: [...history.past.slice(0, -1), { label, forward: edit, inverse: last.inverse }], future: [] } };
  }
  const past = [...history.past, { label, forward: edit, inverse }];
  return { project: next, history: { past: past.slice(-HISTORY_LIMIT), future: [] } };
}

export function undo(project: Project, history: History): HistoryResult | null {
  const entry = history.past[history.past.length - 1];
  if (!entry) return null;
  const { project: previous } = applyEdit(project, entry.inverse);
  return { project: previous, history: { past: history.past.slice(0, -1), future: [...history.future, entry] } };
}

export function redo(project: Project, history: History): HistoryResult | null {
  const entry = history.future[history.future.length - 1];
  if (!entry) return null;
  const { project: next, inverse } = applyEdit(project, entry.forward);
  return { project: next, history: { past: [...history.past, { ...entry, inverse }], future: history.future.slice(0, -1) } };
}
