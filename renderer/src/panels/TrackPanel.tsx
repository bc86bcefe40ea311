import { setStatus } from '../../../core/edits';
import type { TrackStatus } from '../../../core/project';
import { trackSpan } from '../../../core/tracks';
import { useControllerContext } from '../controllerContext';
import { DECISION_MARKS, decisionText } from '../decisions';
import { useEditor, useEditorStore } from '../store';
import { FollowControls } from './FollowControls';
import { StyleEditor } from './StyleEditor';

const STATUSES: TrackStatus[] = ['pending', 'confirmed', 'rejected'];

/** The list of tracks with status filters, actions on the selection, and the selected track's style. */
export function TrackPanel() {
  const store = useEditorStore();
  const controller = useControllerContext();
  const tracks = useEditor((s) => s.project?.tracks ?? []);
  const filter = useEditor((s) => s.statusFilter);
  const selectedIds = useEditor((s) => s.selectedIds);
  const decisions = useEditor((s) => s.project?.review.decisions);
  const editing = useEditor((s) => s.role === 'editor');
  const counts = Object.fromEntries(STATUSES.map((st) => [st, tracks.filter((t) => t.status === st).length])) as Record<TrackStatus, number>;
  const shown = tracks.filter((t) => filter[t.status]);
  const selected = tracks.filter((t) => selectedIds.includes(t.id));

  return (
    <div className="panel track-panel" data-testid="track-panel">
      <h3>Tracks</h3>
      <div className="filters">
        {STATUSES.map((st) => (
          <label key={st} className={`filter status-${st}`}>
            <input type="checkbox" checked={filter[st]} onChange={() => store.getState().toggleFilter(st)} /> {st} ({counts[st]})
          </label>
        ))}
      </div>
      <ul className="track-list" data-testid="track-list">
        {shown.map((t) => {
          const span = trackSpan(t);
          const decision = decisions?.[t.id];
          return (
            <li
              key={t.id}
              className={`status-${t.status}${selectedIds.includes(t.id) ? ' selected' : ''}`}
              data-track={t.id}
              onClick={(e) => {
                if (e.shiftKey) store.getState().toggleSelected(t.id);
                else store.getState().select([t.id]);
                if (!e.shiftKey) store.getState().seekTo(span.first);
              }}
            >
              <span className={`dot status-${t.status}`} />
              <span className="id">{t.id}</span>
              <span className="small">
                {span.first}–{span.last} · {t.object ? t.object.label : t.origin === 'person' ? 'possible face' : t.origin}
              </span>
              {decision && (
                <span className={`decision decision-${decision.decision}`} title={decisionText(decision)} data-testid="decision">
                  {DECISION_MARKS[decision.decision]}
                </span>
              )}
              {editing && (
                <span className="quick">
                  <button
                    title="Confirm (C)"
                    onClick={(e) => {
                      e.stopPropagation();
                      store.getState().edit((p) => setStatus(p, [t.id], 'confirmed'), `Confirm ${t.id}`);
                    }}
                  >
                    ✓
                  </button>
                  <button
                    title="Reject: not a face, not blurred (X)"
                    data-testid="reject"
                    onClick={(e) => {
                      e.stopPropagation();
                      store.getState().edit((p) => setStatus(p, [t.id], 'rejected'), `Reject ${t.id}`);
                    }}
                  >
                    ✕
                  </button>
                </span>
              )}
            </li>
          );
        })}
        {shown.length === 0 && <li className="empty">No tracks to show.</li>}
      </ul>
      {editing && selected.length > 0 && (
        <div className="selection-actions">
          <div className="small">Selected: {selected.map((t) => t.id).join(', ')}</div>
          <div className="row wrap">
            <button onClick={() => controller.command('confirm-track')} data-testid="confirm-selected">Confirm</button>
            <button onClick={() => controller.command('reject-track')} data-testid="reject-selected">Reject</button>
            <button onClick={() => controller.command('delete-track')} data-testid="delete-selected">Delete</button>
            <button onClick={() => controller.command('split-track')} title="Split at the playhead (S)">Split here</button>
            <button onClick={() => controller.command('merge-tracks')} disabled={selected.length < 2} title="Merge the second selected into the first (M)">Merge</button>
          </div>
          {selected.length === 1 && <FollowControls track={selected[0]} />}
          {selected.length === 1 && <StyleEditor track={selected[0]} />}
        </div>
      )}
    </div>
  );
}
