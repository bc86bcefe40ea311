import { describe, expect, it } from 'vitest';
import { buildBlurlineApi, exposeBlurlineApi, type IpcRendererLike } from '../../electron/preload/api';
import { CALL_NAMES, EVENT_NAMES, type BlurlineApi } from '../../electron/shared/contract';

type Listener = (event: unknown, ...args: unknown[]) => void;

function fakeIpc() {
  const invoked: [string, unknown[]][] = [];
  const listeners = new Map<string, Set<Listener>>();
  const ipc: IpcRendererLike = {
    async invoke(channel, ...args) {
      invoked.push([channel, args]);
      return { ok: true, value: channel };
    },
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
    },
  };
  const send = (channel: string, payload: unknown) => listeners.get(channel)?.forEach((l) => l({ sender: 'secret ipc object' }, payload));
  return { ipc, invoked, listeners, send };
}

describe('preload API', () => {
  it('exposes exactly the contract as window.blurline, and nothing else', () => {
    const exposed: [string, unknown][] = [];
    exposeBlurlineApi({ exposeInMainWorld: (key, api) => exposed.push([key, api]) }, fakeIpc().ipc, () => '');
    expect(exposed.map(([key]) => key)).toEqual(['blurline']);
    const api = exposed[0][1] as Record<string, unknown>;
    expect(Object.keys(api).sort()).toEqual([...CALL_NAMES, 'on', 'pathForFile'].sort());
    for (const key of Object.keys(api)) expect(typeof api[key], key).toBe('function');
  });

  it('invokes each call on its channel with the arguments as given', async () => {
    const { ipc, invoked } = fakeIpc();
    const api = buildBlurlineApi(ipc, () => '');
    for (const name of CALL_NAMES) await (api[name] as (...a: unknown[]) => Promise<unknown>)('/a.mp4', 2);
    expect(invoked).toEqual(CALL_NAMES.map((name) => [`blurline:${name}`, ['/a.mp4', 2]]));
    expect(await api.openVideo('/x.mp4')).toEqual({ ok: true, value: 'blurline:openVideo' });
  });

  it('delivers events without the Electron event object, and unsubscribes', () => {
    const { ipc, listeners, send } = fakeIpc();
    const api: BlurlineApi = buildBlurlineApi(ipc, () => '');
    const got: unknown[] = [];
    const off = api.on('menu', (command) => got.push(command));
    send('blurline:event:menu', 'undo');
    expect(got).toEqual(['undo']);
    off();
    send('blurline:event:menu', 'redo');
    expect(got).toEqual(['undo']);
    expect(listeners.get('blurline:event:menu')?.size).toBe(0);
    for (const event of EVENT_NAMES) expect(typeof api.on(event, () => {})).toBe('function');
    expect(() => api.on('ipc-message' as 'job', () => {})).toThrow(/unknown Blurline event/);
  });

  it('gives dropped files their path, and null for anything else', () => {
    const api = buildBlurlineApi(fakeIpc().ipc, (file: { path?: string }) => {
      if (!file || typeof file !== 'object') throw new TypeError('not a File');
      return file.path ?? '';
    });
    expect(api.pathForFile?.({ path: '/videos/a.mp4' })).toBe('/videos/a.mp4');
    expect(api.pathForFile?.({})).toBeNull();
    expect(api.pathForFile?.('string')).toBeNull();
  });
});
