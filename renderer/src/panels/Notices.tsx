import { useEditor, useEditorStore } from '../store';

/** Errors, warnings and confirmations; errors stay until dismissed. */
export function Notices() {
  const store = useEditorStore();
  const notices = useEditor((s) => s.notices);
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
