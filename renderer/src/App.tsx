import { useEffect, type DragEvent } from 'react';
import { useControllerContext } from './controllerContext';
import { commandForKey } from './keymap';
import { AnalysisPanel } from './panels/AnalysisPanel';
import { ExportDialog } from './panels/ExportDialog';
import { MinimisedExport } from './panels/ExportOutcome';
import { AudioRedactionPanel } from './panels/AudioRedactionPanel';
import { BatchPanel } from './panels/BatchPanel';
import { HelpPanel } from './panels/HelpPanel';
import { IdentityDialog } from './panels/IdentityDialog';
import { Notices } from './panels/Notices';
import { ReviewPanel } from './panels/ReviewPanel';
import { Toolbar } from './panels/Toolbar';
import { TrackPanel } from './panels/TrackPanel';
import { Welcome } from './panels/Welcome';
import { Player } from './player/Player';
import { useEditor, useEditorStore } from './store';
import { Timeline } from './timeline/Timeline';

/** Keys go to the editor unless the user is typing in a field. */
function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) && !(target instanceof HTMLInputElement && ['checkbox', 'range', 'button'].includes(target.type));
}

export function App() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const hasProject = useEditor((s) => s.project !== null);
  const reviewing = useEditor((s) => s.role === 'reviewer');
  const exportMinimised = useEditor((s) => s.exportMinimised);
  const protective = useEditor((s) => s.protectiveView.on);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        store.getState().setHelpOpen(false);
        store.getState().openBatch(false);
        store.getState().closeIdentityPrompt();
        store.getState().setAudioMark(null);
        if (store.getState().renderJob?.status !== 'running') store.getState().openExportDialog(false);
        return;
      }
      if (isTyping(e.target)) return;
      const command = commandForKey(e);
      if (!command) return;
      e.preventDefault();
      controller.command(command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, store]);

  function onDrop(e: DragEvent) {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) void controller.openDropped(file);
  }

  return (
    <div className={`app${protective ? ' protective' : ''}`} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <Toolbar />
      {hasProject && exportMinimised && <MinimisedExport />}
      {hasProject ? (
        <>
          <main className="workspace">
            <Player />
            <aside className="sidebar">
              {/* Detection changes the tracks: the reviewer sees the pass as the editor left it. */}
              {!reviewing && <AnalysisPanel />}
              <ReviewPanel />
              <AudioRedactionPanel />
              <TrackPanel />
            </aside>
          </main>
          <Timeline />
        </>
      ) : (
        <Welcome />
      )}
      <Notices />
      <ExportDialog />
      <BatchPanel />
      <HelpPanel />
      <IdentityDialog />
    </div>
  );
}
