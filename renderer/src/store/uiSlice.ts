import type { StateCreator } from 'zustand';
import type { RecentFile } from '../../../electron/shared/contract';
import type { EditorState } from './index';

export interface Notice {
  id: number;
  kind: 'error' | 'warning' | 'info';
  text: string;
}

export interface UiSlice {
  notices: Notice[];
  helpOpen: boolean;
  recentFiles: RecentFile[];
  /** A long step the user waits for (opening a file), in words; null when idle. */
  busy: string | null;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
  setHelpOpen(open: boolean): void;
  setRecentFiles(files: RecentFile[]): void;
  setBusy(busy: string | null): void;
}

let nextNoticeId = 1;

export const createUiSlice: StateCreator<EditorState, [], [], UiSlice> = (set) => ({
  notices: [],
  helpOpen: false,
  recentFiles: [],
  busy: null,
  // The same notice again (a refused key pressed twice) replaces the one shown, at the end.
  notify: (kind, text) =>
    set((s) => ({ notices: [...s.notices.filter((n) => n.kind !== kind || n.text !== text).slice(-4), { id: nextNoticeId++, kind, text }] })),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  setHelpOpen: (open) => set({ helpOpen: open }),
  setRecentFiles: (files) => set({ recentFiles: files }),
  setBusy: (busy) => set({ busy }),
});
