import type { EditorStore } from './store';
import type { WorkRole } from './store/reviewSlice';

/** Where the user's name and role are kept between sessions (per machine user, like any preference). */
export const IDENTITY_KEY = 'blurline.identity';

/** The part of `localStorage` used (tests pass their own). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

function parseIdentity(text: string | null): { name: string; role: WorkRole } | null {
  if (!text) return null;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return null;
    const { name, role } = value as Record<string, unknown>;
    if (typeof name !== 'string' || (role !== 'editor' && role !== 'reviewer')) return null;
    // Reviewer mode always has a name: a stored reviewer without one starts as an editor.
    return { name, role: role === 'reviewer' && !name.trim() ? 'editor' : role };
  } catch {
    return null;
  }
}

/** Restores the remembered name and role into the store and remembers every change; returns the unsubscribe. */
export function bindIdentityStorage(store: EditorStore, storage: KeyValueStorage): () => void {
  const saved = parseIdentity(storage.getItem(IDENTITY_KEY));
  if (saved) store.getState().setIdentity(saved.name, saved.role);
  return store.subscribe((s, before) => {
    if (s.userName === before.userName && s.role === before.role) return;
    try {
      storage.setItem(IDENTITY_KEY, JSON.stringify({ name: s.userName, role: s.role }));
    } catch {
      // Storage full or disabled: the name is asked for again next time, nothing else is lost.
    }
  });
}
