import { CALL_NAMES, EVENT_NAMES, callChannel, eventChannel, type BlurlineApi, type EventName } from '../shared/contract';

/**
 * `window.blurline`, built from the contract's name lists: one function per call (an IPC
 * invoke on its channel), `on` for events (only the contract's, and the Electron event object
 * never reaches the page), and `pathForFile` for drag and drop. Nothing else is exposed.
 */

/** The part of `ipcRenderer` the API uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function buildBlurlineApi(ipc: IpcRendererLike, getPathForFile: (file: never) => string): BlurlineApi {
  const calls = Object.fromEntries(CALL_NAMES.map((name) => [name, (...args: unknown[]) => ipc.invoke(callChannel(name), ...args)]));
  const api = {
    ...calls,
    on(event: EventName, listener: (payload: unknown) => void) {
      if (!(EVENT_NAMES as readonly string[]).includes(event)) throw new Error(`unknown Blurline event: ${String(event)}`);
      const forward = (_event: unknown, payload: unknown) => listener(payload);
      ipc.on(eventChannel(event), forward);
      return () => {
        ipc.removeListener(eventChannel(event), forward);
      };
    },
    pathForFile(file: unknown) {
      try {
        return getPathForFile(file as never) || null;
      } catch {
        // Not a File: nothing to tell.
        return null;
      }
    },
  };
  return api as unknown as BlurlineApi;
}

export function exposeBlurlineApi(
  contextBridge: { exposeInMainWorld(key: string, api: unknown): void },
  ipc: IpcRendererLike,
  getPathForFile: (file: never) => string,
): void {
  contextBridge.exposeInMainWorld('blurline', buildBlurlineApi(ipc, getPathForFile));
}
