import { BINDINGS } from '../keymap';
import { useEditor, useEditorStore } from '../store';

export function HelpPanel() {
  const store = useEditorStore();
  const open = useEditor((s) => s.helpOpen);
  if (!open) return null;
  return (
    <div className="modal-backdrop" onClick={() => store.getState().setHelpOpen(false)}>
      <div className="modal help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()} data-testid="help">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {BINDINGS.map((b) => (
              <tr key={`${b.label}-${b.command}`}>
                <td><kbd>{b.label}</kbd></td>
                <td>{b.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="small">On the picture: click a blur to select its track, drag the box or its corners to set a keyframe on this frame; with “Add box” (B), drag to start a manual track. On the timeline: drag a track's ends to trim or extend it, shift-click to select a second track, Ctrl+wheel to zoom.</p>
        <p className="small">Audio lane (under the tracks): R at the start and at the end of what must not be heard (or once over an I/O range); click a range to choose mute or bleep and say why, drag its ends to move them, Delete removes it.</p>
        <p className="small">Reviewer mode (Role in the toolbar, signed with your name): the pass is read-only; N selects the next undecided track, A approves it, “Send back” returns it with a comment. Every frame shown counts as watched (the bar under the ruler); red marks are low-confidence detections — click one to go there.</p>
        <div className="row end">
          <button onClick={() => store.getState().setHelpOpen(false)}>Close</button>
        </div>
      </div>
    </div>
  );
}
