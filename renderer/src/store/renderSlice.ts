import type { StateCreator } from 'zustand';
import type { LeakFinding } from '../../../core/auditReport';
import { EditError } from '../../../core/edits';
import { addLeakCheckTracks } from '../../../core/leakTracks';
import type { MasterCodec } from '../../../core/project';
import type { ExportOutcome, JobSnapshot } from '../../../electron/shared/contract';
import { pathForCodec } from '../paths';
import type { EditorState } from './index';

export interface RenderSlice {
  exportDialogOpen: boolean;
  /** The dialog was put aside to look at a leak-check finding in the player; a bar brings it back. */
  exportMinimised: boolean;
  /** The finding looked at while the dialog is aside: the player marks its box on its frame. */
  leakFocus: Pick<LeakFinding, 'id' | 'peakFrame' | 'box'> | null;
  exportPath: string | null;
  /** Whether the path became .mov only because ProRes was chosen (H.264/H.265 turn it back to .mp4). */
  exportExtSwitched: boolean;
  /** The render job this window started, and its last snapshot (its outcome updated by waivers). */
  renderJob: JobSnapshot | null;
  /** Opens or closes the dialog (either way it is no longer minimised). */
  openExportDialog(open: boolean): void;
  /** Puts the dialog aside and shows a finding's peak frame (a source frame, as the player's), nothing selected. */
  lookAtFinding(finding: Pick<LeakFinding, 'id' | 'peakFrame' | 'box'>): void;
  /** The path the user chose. */
  setExportPath(path: string | null): void;
  /** The master's codec (an export-settings edit); the path's extension follows ProRes to .mov and back. */
  setMasterCodec(codec: MasterCodec): void;
  renderChanged(snapshot: JobSnapshot | null): void;
  /** The export's outcome after a waiver (main rewrote its report); ignored for another export. */
  exportOutcomeChanged(outcome: ExportOutcome): void;
  /**
   * Adds pending leak-check tracks for the findings (the frames no track holds yet) as one
   * undoable edit, logged; the next export blurs them. Returns the ids of the tracks added.
   */
  addTracksForFindings(findings: readonly LeakFinding[]): string[];
}

export const createRenderSlice: StateCreator<EditorState, [], [], RenderSlice> = (set, get) => ({
  exportDialogOpen: false,
  exportMinimised: false,
  leakFocus: null,
  exportPath: null,
  exportExtSwitched: false,
  renderJob: null,
  openExportDialog: (open) => set({ exportDialogOpen: open, exportMinimised: false, leakFocus: null }),
  lookAtFinding: ({ id, peakFrame, box }) => {
    set({ exportDialogOpen: false, exportMinimised: true, leakFocus: { id, peakFrame, box } });
    get().select([]);
    get().selectAudio(null);
    get().seekTo(peakFrame);
  },
  setExportPath: (path) => set({ exportPath: path, exportExtSwitched: false }),
  setMasterCodec: (codec) => {
    const { project, exportPath, exportExtSwitched, edit } = get();
    if (!project) return;
    if (!edit(() => ({ type: 'setExportSettings', settings: { ...project.exportSettings, videoCodec: codec } }), 'Export settings', true)) return;
    if (!exportPath) return;
    const next = pathForCodec(exportPath, codec, exportExtSwitched);
    set({ exportPath: next.path, exportExtSwitched: next.switched });
  },
  renderChanged: (snapshot) => set({ renderJob: snapshot }),
  exportOutcomeChanged: (outcome) =>
    set((s) => (s.renderJob?.exported?.reportPaths.json === outcome.reportPaths.json ? { renderJob: { ...s.renderJob, exported: outcome } } : {})),
  addTracksForFindings: (findings) => {
    const { project, edit, notify } = get();
    if (!project) return [];
    let made: ReturnType<typeof addLeakCheckTracks>;
    try {
      made = addLeakCheckTracks(project, findings);
    } catch (err) {
      if (!(err instanceof EditError)) throw err;
      notify('info', `Add tracks for the findings: ${err.message}.`);
      return [];
    }
    if (!edit(() => made.edit, made.label)) return [];
    const ids = made.made.flatMap((m) => m.added.map((t) => t.id));
    notify('info', `${made.label}: pending on the timeline (${ids.join(', ')}). Export again to blur them.`);
    return ids;
  },
});
