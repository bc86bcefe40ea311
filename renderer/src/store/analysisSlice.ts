import type { StateCreator } from 'zustand';
import type { PresetName } from '../../../core/presets';
import type { Track } from '../../../core/project';
import type { DetectorModelSetting, JobProgressSnapshot } from '../../../electron/shared/contract';
import type { EditorState } from './index';

export type AnalysisStatus = 'idle' | 'starting' | 'running' | 'done' | 'failed' | 'cancelled';

export interface AnalysisSlice {
  analysis: {
    status: AnalysisStatus;
    /** What the worker is doing, in words. */
    stage: string;
    preset: PresetName;
    range: { first: number; last: number } | null;
    progress: JobProgressSnapshot | null;
    /** Tracks found so far (source pixels); they join the project when the run ends. */
    found: Track[];
    error: string | null;
    /** The user's own detector model (a setting kept by the host); null: the built-in models only. */
    detectorModel: DetectorModelSetting | null;
  };
  setPreset(preset: PresetName): void;
  setDetectorModel(setting: DetectorModelSetting | null): void;
  analysisChanged(patch: Partial<AnalysisSlice['analysis']>): void;
}

export const createAnalysisSlice: StateCreator<EditorState, [], [], AnalysisSlice> = (set) => ({
  analysis: { status: 'idle', stage: '', preset: 'thorough', range: null, progress: null, found: [], error: null, detectorModel: null },
  setPreset: (preset) => set((s) => ({ analysis: { ...s.analysis, preset } })),
  setDetectorModel: (detectorModel) => set((s) => ({ analysis: { ...s.analysis, detectorModel } })),
  analysisChanged: (patch) => set((s) => ({ analysis: { ...s.analysis, ...patch } })),
});
