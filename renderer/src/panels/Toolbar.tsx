import { useShallow } from 'zustand/react/shallow';
import { formatDuration } from '../../../core/progress';
import { useControllerContext } from '../controllerContext';
import { fileName } from '../paths';
import { useEditor, useEditorStore } from '../store';
import { batchRun } from '../store/batchSlice';
import { ROLE_LABELS, type WorkRole } from '../store/reviewSlice';

export function Toolbar() {
  const controller = useControllerContext();
  const store = useEditorStore();
  const userName = useEditor((s) => s.userName);
  const role = useEditor((s) => s.role);
  const hasProject = useEditor((s) => s.project !== null);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const undoLabel = useEditor((s) => s.history.past.at(-1)?.label);
  const redoLabel = useEditor((s) => s.history.future.at(-1)?.label);
  const path = useEditor((s) => s.project?.source.path);
  const graphic = useEditor((s) => s.project?.graphic ?? false);
  const saveState = useEditor((s) => (s.revision === s.savedRevision ? (s.savedAt ? 'saved' : '') : 'unsaved changes'));
  const recent = useEditor((s) => s.recentFiles);
  return (
    <header className="toolbar">
      <strong className="brand">Blurline</strong>
      <button onClick={() => controller.command('open-video')} data-testid="open-video">Open video…</button>
      {recent.length > 0 && (
        <select
          value=""
          onFocus={() => void controller.refreshRecentFiles()}
          onChange={(e) => e.target.value && void controller.openPath(e.target.value)}
          aria-label="Open a recent file"
        >
          <option value="">Recent…</option>
          {recent.map((r) => (
            <option key={r.path} value={r.path}>{fileName(r.path)}{r.graphic ? ' (graphic)' : ''} — {r.path}</option>
          ))}
        </select>
      )}
      <button onClick={() => controller.command('open-project')}>Open project…</button>
      <button onClick={() => controller.command('save-project-as')} disabled={!hasProject}>Save project as…</button>
      <span className="sep" />
      <button onClick={() => controller.command('undo')} disabled={!canUndo} title={undoLabel ? `Undo: ${undoLabel} (Ctrl/Cmd+Z)` : 'Nothing to undo'} data-testid="undo">↶ Undo</button>
      <button onClick={() => controller.command('redo')} disabled={!canRedo} title={redoLabel ? `Redo: ${redoLabel} (Shift+Ctrl/Cmd+Z)` : 'Nothing to redo'} data-testid="redo">↷ Redo</button>
      <span className="sep" />
      <button className="primary" onClick={() => controller.command('export')} disabled={!hasProject} data-testid="open-export">Export…</button>
      <BatchButton />
      <span className="spacer" />
      <label className={`role role-${role}`} title="Editor: change the tracks. Reviewer: decide on them, read-only.">
        Role
        <select value={role} onChange={(e) => store.getState().setRole(e.target.value as WorkRole)} aria-label="Role" data-testid="role">
          <option value="editor">{ROLE_LABELS.editor}</option>
          <option value="reviewer">{ROLE_LABELS.reviewer}</option>
        </select>
      </label>
      <button
        className="identity"
        onClick={() => store.getState().askIdentity('Your name signs your edits and review decisions in the project’s log.')}
        title="Who is working: every edit and decision is logged under this name"
        data-testid="identity"
      >
        {userName || 'Enter your name'}
      </button>
      <span className="sep" />
      {path && <span className="file-name" title={path}>{fileName(path)}</span>}
      {path && (
        <label className="toggle graphic-mark" title="Graphic content (injury, death): opens in the protective view, paused, sound off. Not part of the export.">
          <input
            type="checkbox"
            checked={graphic}
            onChange={() => {
              const s = store.getState();
              if (s.edit(() => ({ type: 'setGraphic', graphic: !graphic }), graphic ? 'Unmark graphic' : 'Mark graphic') && !graphic) s.setProtectiveView({ on: true });
            }}
            data-testid="graphic-mark"
          />{' '}
          Graphic
        </label>
      )}
      {saveState && <span className={`save-state ${saveState === 'saved' ? '' : 'dirty'}`}>{saveState}</span>}
      <button onClick={() => controller.command('show-shortcuts')} title="Keyboard shortcuts (?)">?</button>
    </header>
  );
}

/** Opens the batch panel; while the queue runs it says which clip of the run, and how far it is. */
function BatchButton() {
  const controller = useControllerContext();
  const run = useEditor(useShallow((s) => batchRun(s.batchItems, s.batchEarlier)));
  const running = useEditor((s) => s.batchItems.find((i) => i.status === 'running'));
  const open = () => controller.command('batch');
  if (!run.active) {
    return <button onClick={open} title="Blur the faces in many clips, one after another, while you work (Shift+Ctrl/Cmd+B)" data-testid="open-batch">Batch…</button>;
  }
  const ratio = running?.progress?.ratio ?? 0;
  const eta = running?.progress?.etaSeconds;
  const title = running
    ? `Batch: ${running.sourcePath} — ${running.stage}${running.progress ? ` (${Math.round(ratio * 100)}%${eta != null ? `, ${formatDuration(eta)} left` : ''})` : ''}${run.failed > 0 ? ` · ${run.failed} failed so far` : ''} (Shift+Ctrl/Cmd+B)`
    : 'Batch: starting the next clip (Shift+Ctrl/Cmd+B)';
  return (
    <button className="batch-indicator" onClick={open} title={title} data-testid="open-batch">
      <span data-testid="batch-indicator">Batch {run.position}/{run.total}</span>
      <span className="meter" aria-hidden="true"><span style={{ width: `${Math.round(ratio * 100)}%` }} /></span>
    </button>
  );
}
