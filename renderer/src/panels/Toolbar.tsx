import { useControllerContext } from '../controllerContext';
import { useEditor } from '../store';

export function Toolbar() {
  const controller = useControllerContext();
  const hasProject = useEditor((s) => s.project !== null);
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const undoLabel = useEditor((s) => s.history.past.at(-1)?.label);
  const redoLabel = useEditor((s) => s.history.future.at(-1)?.label);
  const name = useEditor((s) => s.project?.source.path.split(/[\\/]/).pop());
  const saveState = useEditor((s) => (s.revision === s.savedRevision ? (s.savedAt ? 'saved' : '') : 'unsaved changes'));
  return (
    <header className="toolbar">
      <strong className="brand">Blurline</strong>
      <button onClick={() => controller.command('open-video')} data-testid="open-video">Open video…</button>
      <button onClick={() => controller.command('open-project')}>Open project…</button>
      <button onClick={() => controller.command('save-project-as')} disabled={!hasProject}>Save project as…</button>
      <span className="sep" />
      <button onClick={() => controller.command('undo')} disabled={!canUndo} title={undoLabel ? `Undo: ${undoLabel} (Ctrl/Cmd+Z)` : 'Nothing to undo'} data-testid="undo">↶ Undo</button>
      <button onClick={() => controller.command('redo')} disabled={!canRedo} title={redoLabel ? `Redo: ${redoLabel} (Shift+Ctrl/Cmd+Z)` : 'Nothing to redo'} data-testid="redo">↷ Redo</button>
      <span className="sep" />
      <button className="primary" onClick={() => controller.command('export')} disabled={!hasProject} data-testid="open-export">Export…</button>
      <span className="spacer" />
      {name && <span className="file-name" title={name}>{name}</span>}
      {saveState && <span className={`save-state ${saveState === 'saved' ? '' : 'dirty'}`}>{saveState}</span>}
      <button onClick={() => controller.command('show-shortcuts')} title="Keyboard shortcuts (?)">?</button>
    </header>
  );
}
