import type { StateCreator } from 'zustand';
import type { TrackStatus } from '../../../core/project';
import type { EditorState } from './index';

export type Tool = 'select' | 'draw';

export interface TimelineSlice {
  /** Selected tracks, most recent last (merge joins the last into the first). */
  selectedIds: string[];
  /** The selected audio redaction (selecting it deselects tracks, and the other way round). */
  selectedAudioId: string | null;
  /** Where an audio redaction being marked with R starts; null when none is being marked. */
  audioMark: number | null;
  /** Pixels per frame on the timeline; the view starts at `scrollFrame`. */
  pxPerFrame: number;
  scrollFrame: number;
  statusFilter: Record<TrackStatus, boolean>;
  /** Frames chosen for analysis (inclusive); null = the whole clip. */
  range: { first: number; last: number } | null;
  tool: Tool;
  select(ids: string[]): void;
  selectAudio(id: string | null): void;
  setAudioMark(frame: number | null): void;
  toggleSelected(id: string): void;
  setZoom(pxPerFrame: number, anchorFrame?: number): void;
  zoomBy(factor: number): void;
  scrollTo(frame: number): void;
  toggleFilter(status: TrackStatus): void;
  setRange(range: { first: number; last: number } | null): void;
  setTool(tool: Tool): void;
}

const MIN_PX_PER_FRAME = 0.002;
const MAX_PX_PER_FRAME = 24;

export const createTimelineSlice: StateCreator<EditorState, [], [], TimelineSlice> = (set, get) => ({
  selectedIds: [],
  pxPerFrame: 4,
  scrollFrame: 0,
  statusFilter: { pending: true, confirmed: true, rejected: true },
  range: null,
  tool: 'select',
  selectedAudioId: null,
  audioMark: null,
  select: (ids) => set((s) => ({ selectedIds: ids, selectedAudioId: ids.length > 0 ? null : s.selectedAudioId })),
  selectAudio: (id) => set((s) => ({ selectedAudioId: id, selectedIds: id === null ? s.selectedIds : [] })),
  setAudioMark: (frame) => set({ audioMark: frame }),
  toggleSelected: (id) =>
    set((s) => ({ selectedIds: s.selectedIds.includes(id) ? s.selectedIds.filter((x) => x !== id) : [...s.selectedIds, id], selectedAudioId: null })),
  setZoom: (pxPerFrame, anchorFrame) => {
    const { scrollFrame, pxPerFrame: old, frame } = get();
    const next = Math.max(MIN_PX_PER_FRAME, Math.min(MAX_PX_PER_FRAME, pxPerFrame));
    // Keep the anchor (the playhead by default) at the same place on screen.
    const anchor = anchorFrame ?? frame;
    const offsetPx = (anchor - scrollFrame) * old;
    set({ pxPerFrame: next, scrollFrame: Math.max(0, anchor - offsetPx / next) });
  },
  zoomBy: (factor) => get().setZoom(get().pxPerFrame * factor),
  scrollTo: (frame) => set({ scrollFrame: Math.max(0, frame) }),
  toggleFilter: (status) => set((s) => ({ statusFilter: { ...s.statusFilter, [status]: !s.statusFilter[status] } })),
  setRange: (range) => set({ range: range && { first: Math.min(range.first, range.last), last: Math.max(range.first, range.last) } }),
  setTool: (tool) => set({ tool }),
});
