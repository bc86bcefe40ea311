import { useEffect } from 'react';
import { useControllerContext } from '../controllerContext';
import { useEditor } from '../store';

/** Shown before a video is open: open button, drop zone and recent files. */
export function Welcome() {
  const controller = useControllerContext();
  const recent = useEditor((s) => s.recentFiles);
  const busy = useEditor((s) => s.busy);
  useEffect(() => void controller.refreshRecentFiles(), [controller]);
  return (
    <div className="welcome" data-testid="welcome">
      <h1>Blurline</h1>
      <p>Open a video to find and blur the faces in it. You can also drop a video file here.</p>
      <button className="primary big" onClick={() => controller.command('open-video')} disabled={busy !== null}>Open video…</button>
      {busy && <p className="small">{busy}</p>}
      <p className="small">
        Many clips? <button className="link" onClick={() => controller.command('batch')} data-testid="welcome-batch">Batch…</button> blurs a whole folder, one clip after another, for you to review later.
      </p>
      {recent.length > 0 && (
        <div className="recent">
          <h3>Recent files</h3>
          <ul>
            {recent.map((r) => (
              <li key={r.path}>
                <button className="link" onClick={() => controller.openPath(r.path)} title={r.path}>{r.path}</button>
                {r.graphic && <span className="graphic-tag" data-testid="recent-graphic" title="Marked graphic: opens in the protective view, paused, sound off">graphic</span>}
                <span className="small"> {new Date(r.openedAt).toLocaleString()}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
