import type { StateCreator } from 'zustand';
import type { EditorState } from './index';

/**
 * The protective view, for people who watch graphic footage for hours: the picture in grey,
 * optionally smaller, optionally soft everywhere but the boxes being worked on, with the sound
 * off until asked for. It changes what the editor shows, never the project or the export.
 */
export interface ProtectiveView {
  on: boolean;
  /** Blur everything outside the selected tracks (and, reviewing, the tracks without a decision). */
  outsideBlur: boolean;
  /** Show the picture at a reduced size. */
  smaller: boolean;
}

export const PROTECTIVE_VIEW_OFF: ProtectiveView = { on: false, outsideBlur: false, smaller: false };

/** Size of the picture in the smaller protective view, as a fraction of its fitted size. */
export const SMALLER_PICTURE = 0.55;

export interface ViewSlice {
  protectiveView: ProtectiveView;
  /** The player's sound; off at start and whenever the protective view is turned on. */
  audioMuted: boolean;
  /** Changes the view; turning it on mutes the sound. */
  setProtectiveView(change: Partial<ProtectiveView>): void;
  setAudioMuted(muted: boolean): void;
}

export const createViewSlice: StateCreator<EditorState, [], [], ViewSlice> = (set) => ({
  protectiveView: PROTECTIVE_VIEW_OFF,
  audioMuted: true,
  setProtectiveView: (change) =>
    set((s) => {
      const next = { ...s.protectiveView, ...change };
      return { protectiveView: next, audioMuted: next.on && !s.protectiveView.on ? true : s.audioMuted };
    }),
  setAudioMuted: (muted) => set({ audioMuted: muted }),
});
