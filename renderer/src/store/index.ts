import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { createAnalysisSlice, type AnalysisSlice } from './analysisSlice';
import { createBatchSlice, type BatchSlice } from './batchSlice';
import { createFollowSlice, type FollowSlice } from './followSlice';
import { createViewSlice, type ViewSlice } from './viewSlice';
import { createPlaybackSlice, type PlaybackSlice } from './playbackSlice';
import { createProjectSlice, type ProjectSlice } from './projectSlice';
import { createRenderSlice, type RenderSlice } from './renderSlice';
import { createReviewSlice, type ReviewSlice } from './reviewSlice';
import { createTimelineSlice, type TimelineSlice } from './timelineSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createContext, useContext } from 'react';

export type EditorState = ProjectSlice & PlaybackSlice & TimelineSlice & AnalysisSlice & RenderSlice & UiSlice & ReviewSlice & BatchSlice & FollowSlice & ViewSlice;
export type EditorStore = StoreApi<EditorState>;

/** A fresh store (one per window; tests make their own). */
export function createEditorStore(): EditorStore {
  return createStore<EditorState>()((...a) => ({
    ...createProjectSlice(...a),
    ...createPlaybackSlice(...a),
    ...createTimelineSlice(...a),
    ...createAnalysisSlice(...a),
    ...createRenderSlice(...a),
    ...createUiSlice(...a),
    ...createReviewSlice(...a),
    ...createBatchSlice(...a),
    ...createFollowSlice(...a),
    ...createViewSlice(...a),
  }));
}

export const StoreContext = createContext<EditorStore | null>(null);

export function useEditorStore(): EditorStore {
  const store = useContext(StoreContext);
  if (!store) throw new Error('the editor store is not provided');
  return store;
}

/** Selects one value (or a stable derived one) from the editor state. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStore(), selector);
}
