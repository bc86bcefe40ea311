import { useEffect } from 'react';
import { useEditor, useEditorStore } from '../store';

/** How long a confirmation stays; errors and warnings stay until dismissed. */
const INFO_SECONDS = 8;

/** Errors, warnings and confirmations. */
export function Notices() {
  const store = useEditorStore();
  const notices = useEditor((s) => s.notices);
  useEffect(() => {
    const timers = notices.filter((n) => n.kind === 'info').map((n) => setTimeout(() => store.getState().dismiss(n.id), INFO_SECONDS * 1000));
    return () => timers.forEach(clearTimeout);
  }, [notices, store]);
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'} data-testid={`notice-${n.kind}`}>
          <span>{n.text}</span>
          <button onClick={() => store.getState().dismiss(n.id)} aria-label="Dismiss">×</button>
        </div>
      ))}
    </div>
  );
}
