import type { KeyValueStorage } from './identity';
import type { EditorStore } from './store';
import { PROTECTIVE_VIEW_OFF, type ProtectiveView } from './store/viewSlice';

/** Where each user's protective view is kept between sessions: by name, so two people sharing a machine keep their own. */
export const PROTECTIVE_VIEW_KEY = 'blurline.protectiveView';

function readAll(storage: KeyValueStorage): Record<string, ProtectiveView> {
  try {
    const value: unknown = JSON.parse(storage.getItem(PROTECTIVE_VIEW_KEY) ?? '{}');
    return typeof value === 'object' && value !== null ? (value as Record<string, ProtectiveView>) : {};
  } catch {
    return {};
  }
}

function viewOf(saved: unknown): ProtectiveView {
  const v = (typeof saved === 'object' && saved !== null ? saved : {}) as Record<string, unknown>;
  return { on: v.on === true, outsideBlur: v.outsideBlur === true, smaller: v.smaller === true };
}

/** Restores the user's protective view, follows a change of user, and remembers every change; returns the unsubscribe. */
export function bindProtectiveViewStorage(store: EditorStore, storage: KeyValueStorage): () => void {
  const key = (name: string) => name.trim();
  const load = (name: string) => {
    const saved = readAll(storage)[key(name)];
    store.getState().setProtectiveView(saved ? viewOf(saved) : PROTECTIVE_VIEW_OFF);
  };
  load(store.getState().userName);
  return store.subscribe((s, before) => {
    if (s.userName !== before.userName) return load(s.userName);
    if (s.protectiveView === before.protectiveView) return;
    try {
      storage.setItem(PROTECTIVE_VIEW_KEY, JSON.stringify({ ...readAll(storage), [key(s.userName)]: s.protectiveView }));
    } catch {
      // Storage full or disabled: the view is the default next time, nothing else is lost.
    }
  });
}
