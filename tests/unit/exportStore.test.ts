import { describe, expect, it } from 'vitest';
import type { LeakFinding } from '../../core/auditReport';
import type { ExportOutcome, JobSnapshot } from '../../electron/shared/contract';
import { containerProblem, defaultExportPath, extensionOf, pathForCodec, withExtension } from '../../renderer/src/paths';
import { createEditorStore, type EditorStore } from '../../renderer/src/store';
import { keyframe, projectWith, track } from '../helpers/projects';

const media = { playbackUrl: 'http://host/video/x', proxyJobId: null, playbackIsProxy: false, framesUrl: 'http://host/frames/x' };
const box = { x: 10, y: 10, width: 20, height: 20 };

function loadedStore(): EditorStore {
  const store = createEditorStore();
  store.getState().loadProject(projectWith([track('a', [keyframe(0, box)])]), media);
  return store;
}

const finding = (id: string, frames: number[]): LeakFinding => ({
  id,
  frames,
  faces: frames.map(() => ({ box, score: 0.9 })),
  firstFrame: frames[0],
  lastFrame: frames.at(-1)!,
  peakFrame: frames[0],
  box,
  confidence: 0.9,
  thumbnail: null,
  waiver: null,
});

function outcome(json: string, findings: LeakFinding[]): ExportOutcome {
  return {
    masterPath: json.replace('.audit.json', ''),
    reportPaths: { json, html: json.replace('.json', '.html') },
    approvedExport: false,
    blockers: ['1 leak-check finding without a waiver (leak-1)'],
    leakCheck: { checkedAt: '2026-11-25T10:00:00.000Z', detector: 'test', framesChecked: 100, elapsedSeconds: 1, findings },
  };
}

const doneJob = (exported: ExportOutcome): JobSnapshot => ({
  jobId: 'job-1',
  kind: 'render',
  status: 'done',
  stage: 'done',
  progress: null,
  error: null,
  outputPath: exported.masterPath,
  playbackUrl: null,
  exported,
  followed: null,
});

describe('output paths for a master codec', () => {
  it('reads and replaces extensions, POSIX or Windows, dots in folders ignored', () => {
    expect(extensionOf('/videos/cam.3/clip.MOV')).toBe('.mov');
    expect(extensionOf('/videos/cam.3/clip')).toBe('');
    expect(withExtension('/videos/cam.3/clip.blurred.mp4', '.mov')).toBe('/videos/cam.3/clip.blurred.mov');
    expect(withExtension('C:\\clips.d\\dash', '.mov')).toBe('C:\\clips.d\\dash.mov');
    expect(defaultExportPath('/videos/cam.mp4', 'prores')).toBe('/videos/cam.blurred.mov');
  });

  it('ProRes makes any path .mov; H.264/H.265 turn back only a .mov that ProRes made', () => {
    expect(pathForCodec('/v/a.mp4', 'prores', false)).toEqual({ path: '/v/a.mov', switched: true });
    expect(pathForCodec('/v/a.mkv', 'prores', false)).toEqual({ path: '/v/a.mov', switched: true });
    expect(pathForCodec('/v/a.mov', 'prores', false)).toEqual({ path: '/v/a.mov', switched: false });
    expect(pathForCodec('/v/a.mov', 'h265', true)).toEqual({ path: '/v/a.mp4', switched: false });
    // The user's own .mov (or .mkv) stays.
    expect(pathForCodec('/v/a.mov', 'h264', false)).toEqual({ path: '/v/a.mov', switched: false });
    expect(pathForCodec('/v/a.mkv', 'h264', false)).toEqual({ path: '/v/a.mkv', switched: false });
    expect(containerProblem('/v/a.mp4', 'prores')).toMatch(/ProRes 422 HQ is written in a \.mov file, not \.mp4/);
    expect(containerProblem('/v/a.mov', 'prores')).toBeNull();
    expect(containerProblem('/v/a.mkv', 'h265')).toBeNull();
  });

  it('choosing the codec is an export-settings edit that takes the path along, and undo restores the codec', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setMasterCodec('prores');
    expect(s().project!.exportSettings.videoCodec).toBe('prores');
    expect(s().exportPath).toBeNull();
    s().setExportPath('/v/out.mp4');
    s().setMasterCodec('h265');
    s().setMasterCodec('prores');
    expect(s().exportPath).toBe('/v/out.mov');
    s().setMasterCodec('h264');
    expect(s().exportPath).toBe('/v/out.mp4');
    // A .mov the user chose is kept.
    s().setExportPath('/v/mine.mov');
    s().setMasterCodec('h265');
    expect(s().exportPath).toBe('/v/mine.mov');
    // Export settings are not part of the reviewed work: not logged, and joined into one undo step.
    expect(s().project!.review.events).toEqual([]);
    expect(s().history.past).toHaveLength(1);
    s().undo();
    expect(s().project!.exportSettings.videoCodec).toBe('h264');
  });
});

describe('the export outcome and waivers', () => {
  it('looks at a finding: the dialog aside, its frame shown with nothing selected; the dialog back forgets it, and so does a new video', () => {
    const store = loadedStore();
    const s = store.getState;
    s().openExportDialog(true);
    s().select(['a']);
    s().lookAtFinding(finding('leak-1', [40, 41, 42]));
    expect([s().exportDialogOpen, s().exportMinimised, s().leakFocus]).toEqual([false, true, { id: 'leak-1', peakFrame: 40, box }]);
    expect([s().frame, s().seek?.frame, s().selectedIds, s().selectedAudioId]).toEqual([40, 40, [], null]);
    s().openExportDialog(true);
    expect([s().exportDialogOpen, s().exportMinimised, s().leakFocus]).toEqual([true, false, null]);
    s().lookAtFinding(finding('leak-1', [40]));
    s().loadProject(projectWith([]), media);
    expect([s().exportMinimised, s().leakFocus]).toEqual([false, null]);
  });

  it('replaces the outcome after a waiver, but not with that of another export', () => {
    const store = loadedStore();
    const s = store.getState;
    const first = outcome('/v/out.mp4.audit.json', [finding('leak-1', [3, 4, 5])]);
    s().renderChanged(doneJob(first));
    const waived = { ...first, approvedExport: true, blockers: [] };
    s().exportOutcomeChanged(outcome('/v/other.mp4.audit.json', []));
    expect(s().renderJob!.exported).toBe(first);
    s().exportOutcomeChanged(waived);
    expect(s().renderJob!.exported).toBe(waived);
    expect(s().renderJob!.status).toBe('done');
  });

  it('logs a waiver by an editor or a reviewer with a name, not as an undo step; without a name it asks for one', () => {
    const store = loadedStore();
    const s = store.getState;
    expect(s().recordWaiver('leak-1', '3–5', 'not a face: a poster', '2026-11-25T10:05:00.000Z')).toBe(false);
    expect(s().identityPrompt).toEqual({ reason: 'Waive leak-1: enter your name first — a waiver is signed with it.', role: 'editor' });
    expect(s().project!.review.events).toEqual([]);

    s().setIdentity('Eda', 'editor');
    const revision = s().revision;
    expect(s().recordWaiver('leak-1', '3–5', ' not a face: a poster ', '2026-11-25T10:05:00.000Z')).toBe(true);
    // Saved (the revision moves) but never undone.
    expect(s().revision).toBe(revision + 1);
    s().setIdentity('Rae', 'reviewer');
    expect(s().recordWaiver('leak-2', '9', 'consent form 12', '2026-11-25T10:06:00.000Z')).toBe(true);
    expect(s().project!.review.events.map((e) => [e.type, e.actor, e.role, e.at, e.detail, e.comment])).toEqual([
      ['waiver', 'Eda', 'editor', '2026-11-25T10:05:00.000Z', 'waived leak-check finding leak-1 (frames 3–5)', 'not a face: a poster'],
      ['waiver', 'Rae', 'reviewer', '2026-11-25T10:06:00.000Z', 'waived leak-check finding leak-2 (frames 9)', 'consent form 12'],
    ]);
    expect(s().history.past).toHaveLength(0);
  });

  it('adds tracks for findings as one undoable step, logged under the user; once added, nothing is left to add', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setIdentity('Eda', 'editor');
    const found = [finding('leak-1', [3, 4, 5]), finding('leak-2', [60, 61])];
    expect(s().addTracksForFindings(found)).toEqual(['leak-check-2', 'leak-check-3']);
    expect(s().project!.tracks.map((t) => [t.id, t.origin, t.status])).toEqual([
      ['a', 'auto', 'pending'],
      ['leak-check-2', 'leak-check', 'pending'],
      ['leak-check-3', 'leak-check', 'pending'],
    ]);
    expect(s().history.past.map((e) => e.label)).toEqual(['Add 2 tracks for leak-check findings leak-1, leak-2']);
    expect(s().project!.review.events.map((e) => [e.type, e.actor, e.trackIds, e.detail])).toEqual([
      ['edit', 'Eda', ['leak-check-2', 'leak-check-3'], 'Add 2 tracks for leak-check findings leak-1, leak-2'],
    ]);
    expect(s().addTracksForFindings(found)).toEqual([]);
    expect(s().notices.at(-1)!.text).toMatch(/every finding is on a track already/);
    s().undo();
    expect(s().project!.tracks.map((t) => t.id)).toEqual(['a']);
    s().redo();
    expect(s().project!.tracks.map((t) => t.id)).toEqual(['a', 'leak-check-2', 'leak-check-3']);
    expect(s().project!.review.events.map((e) => e.detail).slice(1)).toEqual([
      'Undo: Add 2 tracks for leak-check findings leak-1, leak-2',
      'Redo: Add 2 tracks for leak-check findings leak-1, leak-2',
    ]);
  });
});
