import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import { CALL_NAMES, callChannel, eventChannel, type BlurlineCalls } from '../../shared/contract';
import { stopAllMediaProcesses } from '../media/ffmpeg';
import { createBlurlineHandlers } from '../ipc/handlers';
import { createMediaServer, packageAssetDirs } from '../ipc/mediaServer';
import { createAppProtocolHandler } from './appProtocol';
import { electronDialogs } from './dialogs';
import { buildMenuTemplate } from './menu';
import { APP_ORIGIN, APP_SCHEME, contentSecurityPolicy, isAppUrl, MEDIA_BASE_URL, MEDIA_SCHEME, originOf } from './security';

/**
 * The Electron shell, kept thin: it opens the window, mounts the app and media schemes, and
 * registers the contract's handlers. Everything it wires together is a plain module with its
 * own tests; this file is the only one (with the preload) that imports Electron at run time.
 */

/** `npm start` loads the built renderer; BLURLINE_DEV_URL points the window at Vite's dev server. */
const devUrl = process.env.BLURLINE_DEV_URL || null;
const appOrigin = devUrl ? originOf(devUrl)! : APP_ORIGIN;
const here = path.dirname(fileURLToPath(import.meta.url));

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, stream: true } },
]);
app.enableSandbox();

let window: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'Blurline',
    backgroundColor: '#111318',
    show: false,
    webPreferences: {
      preload: path.join(here, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    window = null;
  });
  void win.loadURL(devUrl ?? `${APP_ORIGIN}/index.html`);
  return win;
}

/** IPC answers only the app's own top-level page (not an iframe, not a page it navigated to). */
function trustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!frame && frame === window?.webContents.mainFrame && isAppUrl(frame.url, appOrigin);
}

function lockDown(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  if (devUrl) {
    // The dev server sends no CSP; add the same one the app scheme sends (plus what hot reload needs).
    const csp = contentSecurityPolicy({ devServerOrigin: appOrigin });
    session.defaultSession.webRequest.onHeadersReceived({ urls: [`${appOrigin}/*`] }, (details, callback) =>
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } }),
    );
  }
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!isAppUrl(url, appOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAppUrl(url, appOrigin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
}

async function start(): Promise<void> {
  await app.whenReady();
  lockDown();
  const media = createMediaServer({ baseUrl: MEDIA_BASE_URL, assetDirs: packageAssetDirs() });
  protocol.handle(MEDIA_SCHEME, (request) => media.handle(request));
  protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(app.getAppPath(), 'dist', 'renderer'), contentSecurityPolicy()));

  const handlers = createBlurlineHandlers({
    userDataDir: app.getPath('userData'),
    dialogs: electronDialogs(dialog, () => window!),
    showItemInFolder: (file) => shell.showItemInFolder(file),
    emit: (event, payload) => window?.webContents.send(eventChannel(event), payload),
    media,
  });
  for (const name of CALL_NAMES) {
    const call = handlers.calls[name] as (...args: unknown[]) => ReturnType<BlurlineCalls[typeof name]>;
    ipcMain.handle(callChannel(name), (event, ...args: unknown[]) =>
      trustedSender(event) ? call(...args) : { ok: false, code: 'INVALID_ARGUMENT', message: 'refused: not the Blurline window' },
    );
  }

  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate({
        platform: process.platform,
        appName: app.name,
        isDev: !app.isPackaged,
        send: (command) => window?.webContents.send(eventChannel('menu'), command),
      }),
    ),
  );

  window = createWindow();
  app.on('activate', () => {
    window ??= createWindow();
  });
  app.on('window-all-closed', () => app.quit());
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    // Let running jobs remove their temp files before the process ends.
    quitting = true;
    event.preventDefault();
    void handlers.close().finally(() => {
      stopAllMediaProcesses();
      app.quit();
    });
  });
}

void start();
