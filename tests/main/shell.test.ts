import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CALL_NAMES } from '../../electron/shared/contract';

/**
 * The Electron entry (electron/main/app/main.ts) run against a recording fake of the electron
 * module: the binary cannot be downloaded here, and what matters is what the shell asks of it.
 */

type Handler = (...args: any[]) => any;

const fake = vi.hoisted(() => {
  const record = {
    privileged: [] as { scheme: string; privileges: Record<string, boolean> }[],
    protocols: new Map<string, (request: Request) => Promise<Response>>(),
    ipc: new Map<string, (...args: any[]) => any>(),
    appListeners: new Map<string, ((...args: any[]) => any)[]>(),
    windows: [] as any[],
    sent: [] as [string, unknown][],
    menu: null as unknown,
    permissionRequest: null as null | ((...args: any[]) => void),
    permissionCheck: null as null | ((...args: any[]) => boolean),
    quit: 0,
    sandboxEnabled: false,
    appPath: '',
    userData: '',
  };
  class BrowserWindow {
    webContents = {
      mainFrame: { url: 'blurline://app/index.html' },
      send: (channel: string, payload: unknown) => record.sent.push([channel, payload]),
    };
    url = '';
    constructor(readonly options: any) {
      record.windows.push(this);
    }
    once() {}
    on() {}
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
  }
  const electron = {
    app: {
      name: 'Blurline',
      isPackaged: false,
      whenReady: () => Promise.resolve(),
      enableSandbox: () => {
        record.sandboxEnabled = true;
      },
      getAppPath: () => record.appPath,
      getPath: () => record.userData,
      on: (event: string, listener: Handler) => record.appListeners.set(event, [...(record.appListeners.get(event) ?? []), listener]),
      quit: () => record.quit++,
    },
    protocol: {
      registerSchemesAsPrivileged: (schemes: any[]) => record.privileged.push(...schemes),
      handle: (scheme: string, handler: any) => record.protocols.set(scheme, handler),
    },
    ipcMain: { handle: (channel: string, handler: any) => record.ipc.set(channel, handler) },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: any) => (record.permissionRequest = h),
        setPermissionCheckHandler: (h: any) => (record.permissionCheck = h),
        webRequest: { onHeadersReceived: () => {} },
      },
    },
    Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: (menu: unknown) => (record.menu = menu) },
    BrowserWindow,
    dialog: {},
    shell: { showItemInFolder: () => {} },
  };
  return { record, electron };
});

vi.mock('electron', () => ({ ...fake.electron, default: fake.electron }));

const { record } = fake;

beforeAll(async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'blurline-shell-'));
  record.appPath = root;
  record.userData = path.join(root, 'userData');
  mkdirSync(path.join(root, 'dist', 'renderer'), { recursive: true });
  writeFileSync(path.join(root, 'dist', 'renderer', 'index.html'), '<!doctype html><title>Blurline</title>');
  await import('../../electron/main/app/main');
  await vi.waitFor(() => expect(record.windows).toHaveLength(1));
});

describe('Electron shell', () => {
  it('opens one sandboxed, context-isolated window on the app scheme with the bundled preload', () => {
    const [window] = record.windows;
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(window.options.webPreferences.preload).toMatch(/preload\.cjs$/);
    expect(window.url).toBe('blurline://app/index.html');
    expect(record.sandboxEnabled).toBe(true);
  });

  it('registers the app and media schemes as secure standard schemes and serves both', async () => {
    expect(record.privileged).toEqual([
      expect.objectContaining({ scheme: 'blurline', privileges: expect.objectContaining({ standard: true, secure: true }) }),
      expect.objectContaining({ scheme: 'blurline-media', privileges: expect.objectContaining({ standard: true, secure: true, stream: true, supportFetchAPI: true }) }),
    ]);
    const page = await record.protocols.get('blurline')!(new Request('blurline://app/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self' 'wasm-unsafe-eval';/);
    expect((await record.protocols.get('blurline-media')!(new Request('blurline-media://media/video/unknown'))).status).toBe(404);
  });

  it('handles every contract call, only for the app window’s own top frame', async () => {
    expect([...record.ipc.keys()].sort()).toEqual(CALL_NAMES.map((n) => `blurline:${n}`).sort());
    const recent = record.ipc.get('blurline:recentFiles')!;
    const mainFrame = record.windows[0].webContents.mainFrame;
    expect(await recent({ senderFrame: mainFrame })).toEqual({ ok: true, value: [] });
    for (const senderFrame of [{ url: 'blurline://app/index.html' }, null]) {
      expect(await recent({ senderFrame })).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT', message: expect.stringContaining('refused') });
    }
    mainFrame.url = 'https://example.com/';
    expect(await recent({ senderFrame: mainFrame })).toMatchObject({ ok: false });
    mainFrame.url = 'blurline://app/index.html';
    // Arguments are still validated behind the sender check.
    expect(await record.ipc.get('blurline:openVideo')!({ senderFrame: mainFrame }, 'relative.mp4')).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('denies new windows, navigation away from the app, webviews and every permission', () => {
    const handlers = new Map<string, Handler>();
    let openHandler: Handler | null = null;
    const contents = { setWindowOpenHandler: (h: Handler) => (openHandler = h), on: (event: string, h: Handler) => handlers.set(event, h) };
    for (const listener of record.appListeners.get('web-contents-created')!) listener({}, contents);
    expect(openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const prevented = (event: string, url?: string) => {
      let called = false;
      handlers.get(event)!({ preventDefault: () => (called = true) }, url);
      return called;
    };
    expect(prevented('will-navigate', 'https://example.com/')).toBe(true);
    expect(prevented('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(prevented('will-navigate', 'blurline://app/index.html')).toBe(false);
    expect(prevented('will-redirect', 'https://example.com/')).toBe(true);
    expect(prevented('will-attach-webview')).toBe(true);
    const answers: boolean[] = [];
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) record.permissionRequest!({}, permission, (ok: boolean) => answers.push(ok));
    expect(answers).toEqual([false, false, false, false]);
    expect(record.permissionCheck!({}, 'clipboard-read')).toBe(false);
  });

  it('sends menu commands to the window', () => {
    const template = (record.menu as { template: any[] }).template;
    const undo = template.flatMap((m) => m.submenu ?? []).find((i: any) => i.label === 'Undo');
    undo.click();
    expect(record.sent.at(-1)).toEqual(['blurline:event:menu', 'undo']);
  });

  it('lets running jobs clean up before quitting', async () => {
    let prevented = false;
    for (const listener of record.appListeners.get('before-quit')!) listener({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(record.quit).toBe(1));
  });
});
