import { useState, type FormEvent } from 'react';
import { useEditor, useEditorStore } from '../store';
import { ROLE_LABELS, type WorkRole } from '../store/reviewSlice';

const ROLES: WorkRole[] = ['editor', 'reviewer'];

/** Asks who is working (name and role) before a step that is signed with the name. */
export function IdentityDialog() {
  const prompt = useEditor((s) => s.identityPrompt);
  // Remounted for each prompt, so the fields start from the current identity.
  return prompt ? <IdentityForm key={`${prompt.reason}-${prompt.role}`} reason={prompt.reason} initialRole={prompt.role} /> : null;
}

function IdentityForm({ reason, initialRole }: { reason: string; initialRole: WorkRole }) {
  const store = useEditorStore();
  const [name, setName] = useState(() => store.getState().userName);
  const [role, setRole] = useState<WorkRole>(initialRole);
  const [error, setError] = useState<string | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!name.trim()) {
      setError('Enter your name: it signs every edit and review decision in the log.');
      return;
    }
    store.getState().setIdentity(name, role);
  }

  return (
    <div className="modal-backdrop" onClick={() => store.getState().closeIdentityPrompt()}>
      <form className="modal identity-dialog" role="dialog" aria-label="Who is working" onClick={(e) => e.stopPropagation()} onSubmit={submit} data-testid="identity-dialog">
        <h2>Who is working?</h2>
        <p className="small">{reason}</p>
        <label>
          Your name
          <input className="path" value={name} onChange={(e) => setName(e.target.value)} autoFocus aria-label="Your name" />
        </label>
        <fieldset className="roles">
          <legend>Role</legend>
          {ROLES.map((r) => (
            <label key={r}>
              <input type="radio" name="role" value={r} checked={role === r} onChange={() => setRole(r)} /> {ROLE_LABELS[r]}
              <span className="small">{r === 'editor' ? ' — changes tracks and audio redactions' : ' — decides on each track, read-only'}</span>
            </label>
          ))}
        </fieldset>
        {error && <p className="error" role="alert">{error}</p>}
        <div className="row end">
          <button type="button" onClick={() => store.getState().closeIdentityPrompt()}>Cancel</button>
          <button type="submit" className="primary" data-testid="identity-continue">Continue</button>
        </div>
      </form>
    </div>
  );
}
