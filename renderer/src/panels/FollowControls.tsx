import { formatDuration } from '../../../core/progress';
import { OBJECT_LABELS, type Track } from '../../../core/project';
import { useControllerContext } from '../controllerContext';
import { useEditor, useEditorStore } from '../store';
import type { FollowKind } from '../store/followSlice';

const KINDS: FollowKind[] = [...OBJECT_LABELS, 'face'];

/**
 * Follow the selected track's box on this frame through the clip: what it becomes (a plate, a
 * tattoo… or a face the detector missed), the direction, and the running follow with its
 * progress and a cancel.
 */
export function FollowControls({ track }: { track: Track }) {
  const store = useEditorStore();
  const controller = useControllerContext();
  const kind = useEditor((s) => s.followKind);
  const job = useEditor((s) => s.followJob);
  const running = job?.snapshot.status === 'running' ? job : null;
  const progress = running?.snapshot.progress;
  return (
    <div className="follow-controls" data-testid="follow-controls">
      <div className="row wrap">
        {track.object ? (
          <span className="small" data-testid="object-label">
            {track.object.label}, marked by {track.object.markedBy}
          </span>
        ) : (
          <label title="What the followed box hides: an object track gets a solid box; a face stays a face track">
            Hides
            <select value={kind} data-testid="follow-kind" onChange={(e) => store.getState().setFollowKind(e.target.value as FollowKind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      <div className="row wrap">
        <button disabled={!!running} onClick={() => void controller.startFollow(['backward'])} title="Follow backward from this frame (Shift+Ctrl/Cmd+F)">
          ◀ Follow
        </button>
        <button disabled={!!running} data-testid="follow" onClick={() => void controller.startFollow(['forward', 'backward'])} title="Follow both ways from this frame (F)">
          Follow both ways
        </button>
        <button disabled={!!running} onClick={() => void controller.startFollow(['forward'])} title="Follow forward from this frame (Shift+F)">
          Follow ▶
        </button>
      </div>
      {running && (
        <div className="row" data-testid="follow-progress">
          <progress max={1} value={progress?.ratio ?? 0} />
          <span className="small">
            Following {running.trackId} from frame {running.frame}
            {progress ? ` · frame ${progress.frame} · ${progress.fps.toFixed(0)} fps · ${progress.etaSeconds === null ? 'estimating…' : `${formatDuration(progress.etaSeconds)} left`}` : '…'}
          </span>
          <button onClick={() => void controller.cancelFollow()} data-testid="cancel-follow">
            Cancel
          </button>
        </div>
      )}
    </div>
  );
}
