import type { StateCreator } from 'zustand';
import { clampFrame } from '../time';
import type { EditorState } from './index';

export interface PlaybackSlice {
  /** The frame on screen (set by the player from the presented video frame). */
  frame: number;
  /** Signed play rate: 0 paused, 1 normal, 2/4 faster (L), −1/−2/−4 backwards (J). */
  rate: number;
  /** A seek the player carries out; `id` makes repeated seeks to one frame distinct. */
  seek: { frame: number; id: number } | null;
  showOriginal: boolean;
  /** Picture zoom (1 = fit to the panel). */
  pictureZoom: number;
  frameShown(frame: number): void;
  /** Shows `frame` (stops playback unless `keepRate`, which backwards play uses). */
  seekTo(frame: number, keepRate?: boolean): void;
  step(delta: number): void;
  setRate(rate: number): void;
  togglePlay(): void;
  toggleOriginal(): void;
  setPictureZoom(zoom: number): void;
}

export const createPlaybackSlice: StateCreator<EditorState, [], [], PlaybackSlice> = (set, get) => ({
  frame: 0,
  rate: 0,
  seek: null,
  showOriginal: false,
  pictureZoom: 1,
  frameShown: (frame) => set({ frame }),
  seekTo: (frame, keepRate = false) => {
    const { project, seek, rate } = get();
    if (!project) return;
    const target = clampFrame(project.source, frame);
    // The frame number moves at once (overlay, timeline); the player shows the frame when decoded.
    set({ rate: keepRate ? rate : 0, frame: target, seek: { frame: target, id: (seek?.id ?? 0) + 1 } });
  },
  step: (delta) => get().seekTo(get().frame + delta),
  // While playing, presented frames set the frame number (no seek is waited for).
  setRate: (rate) => set(rate === 0 ? { rate } : { rate, seek: null }),
  togglePlay: () => get().setRate(get().rate === 0 ? 1 : 0),
  toggleOriginal: () => set((s) => ({ showOriginal: !s.showOriginal })),
  setPictureZoom: (zoom) => set({ pictureZoom: Math.max(1, Math.min(8, zoom)) }),
});
