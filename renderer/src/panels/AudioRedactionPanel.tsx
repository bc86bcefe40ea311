import { AUDIO_MODE_LABELS, changeRedaction, redactionFrames, type AudioMode } from '../audioRedactions';
import { useControllerContext } from '../controllerContext';
import { useEditor, useEditorStore } from '../store';
import { timecode } from '../time';

/** The selected audio redaction: mute or bleep, why (for the audit report), where; delete. Read-only for the reviewer. */
export function AudioRedactionPanel() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const source = useEditor((s) => s.project?.source);
  const redaction = useEditor((s) => s.project?.audioRedactions.find((r) => r.id === s.selectedAudioId) ?? null);
  const readOnly = useEditor((s) => s.role === 'reviewer');
  if (!source || !redaction) return null;
  const { first, last } = redactionFrames(source, redaction);
  const change = (patch: { mode?: AudioMode; label?: string }, label: string) =>
    store.getState().edit((p) => changeRedaction(p, redaction.id, patch), label, true);

  return (
    <div className="panel audio-panel" data-testid="audio-panel" aria-label="Audio redaction">
      <h3>
        Audio redaction <span className="id">{redaction.id}</span>
      </h3>
      <div className="small">
        Frames {first}–{last} · {timecode(source, first)} → {timecode(source, last + 1)} ({(redaction.endSeconds - redaction.startSeconds).toFixed(2)} s)
      </div>
      <div className="row">
        <select
          value={redaction.mode}
          disabled={readOnly}
          onChange={(e) => change({ mode: e.target.value as AudioMode }, `Audio redaction ${redaction.id}: ${e.target.value}`)}
          aria-label="Audio redaction mode"
        >
          {(Object.keys(AUDIO_MODE_LABELS) as AudioMode[]).map((m) => (
            <option key={m} value={m}>{AUDIO_MODE_LABELS[m]}</option>
          ))}
        </select>
        <input
          className="path"
          value={redaction.label}
          readOnly={readOnly}
          onChange={(e) => change({ label: e.target.value }, `Label of audio redaction ${redaction.id}`)}
          placeholder="Why (e.g. a name said aloud)"
          aria-label="Audio redaction label"
        />
      </div>
      <div className="row end">
        <button onClick={() => store.getState().selectAudio(null)}>Done</button>
        {!readOnly && <button onClick={() => controller.command('delete-track')} data-testid="delete-audio">Delete</button>}
      </div>
    </div>
  );
}
