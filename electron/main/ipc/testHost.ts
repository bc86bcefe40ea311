import type { Page } from 'playwright-core';
import { CALL_NAMES, type BlurlineCalls, type BlurlineEvents, type EventName } from '../../shared/contract';
import { createBlurlineHandlers, type HostDialogs } from './handlers';
import { startHttpMediaServer } from './httpMediaServer';
import { createMediaServer, packageAssetDirs, type AssetDirs, type MediaServer } from './mediaServer';

/**
 * The main process without Electron, for browser tests: the real handlers (real ffmpeg, real
 * files) and the media server on `http://127.0.0.1:<port>`. A Playwright harness binds it to
 * the page so the renderer sees the same `window.blurline` as in the app:
 *
 *   import { bindTestHostToPage, createTestHost } from '../../electron/main/ipc/testHost';
 *
 *   const host = await createTestHost({ userDataDir: tmpDir, dialogs: { chooseVideo: async () => clipPath } });
 *   await bindTestHostToPage(page, host); // before page.goto
 *   await page.goto(rendererUrl);
 *   ...
 *   await host.close();
 *
 * Dialogs not given answer null (as if the user cancelled); `revealed` records revealFile's
 * paths; `sendMenu` plays a menu command. URLs in results (playbackUrl, framesUrl,
 * detectionAssets) point at `mediaServerUrl`, which answers any origin (CORS), so the page may
 * be served from anywhere.
 */

export interface TestHostOptions {
  userDataDir: string;
  dialogs?: Partial<HostDialogs>;
  /** Where models and wasm are served from; defaults to the installed packages. */
  assetDirs?: AssetDirs;
}

export type HostEventListener = <E extends EventName>(event: E, payload: BlurlineEvents[E]) => void;

export interface TestHost {
  handlers: BlurlineCalls;
  /** `http://127.0.0.1:<port>` */
  mediaServerUrl: string;
  /** Receives every event the app would push to the window; returns an unsubscribe function. */
  onEvent(listener: HostEventListener): () => void;
  /** Sends a menu command, as the app menu would. */
  sendMenu(command: BlurlineEvents['menu']): void;
  /** Paths passed to revealFile, in order. */
  revealed: string[];
  /** Cancels running jobs, waits for them, and stops the server. */
  close(): Promise<void>;
}

const cancelled = async () => null;

export async function createTestHost(options: TestHostOptions): Promise<TestHost> {
  let media: MediaServer | null = null;
  const server = await startHttpMediaServer((request) => media!.handle(request));
  media = createMediaServer({ baseUrl: server.url, assetDirs: options.assetDirs ?? packageAssetDirs() });
  const listeners = new Set<HostEventListener>();
  const emit: HostEventListener = (event, payload) => listeners.forEach((listener) => listener(event, payload));
  const revealed: string[] = [];
  const handlers = createBlurlineHandlers({
    userDataDir: options.userDataDir,
    dialogs: {
      chooseVideo: cancelled,
      chooseProjectToOpen: cancelled,
      chooseProjectSavePath: cancelled,
      chooseExportPath: cancelled,
      chooseFolder: cancelled,
      chooseDetectorModel: cancelled,
      ...options.dialogs,
    },
    showItemInFolder: (file) => revealed.push(file),
    emit,
    media,
  });
  return {
    handlers: handlers.calls,
    mediaServerUrl: server.url,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    sendMenu: (command) => emit('menu', command),
    revealed,
    async close() {
      await handlers.close();
      await server.close();
    },
  };
}

/**
 * `window.blurline` in the page, built like the preload builds it: each call goes to the
 * binding `__blurline_<name>`, and events arrive through `__blurlineEmit(event, payload)`.
 */
const PAGE_BRIDGE = `(CALL_NAMES) => {
  const listeners = new Map();
  const api = {
    on(event, listener) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(listener);
      return () => listeners.get(event).delete(listener);
    },
  };
  for (const name of CALL_NAMES) api[name] = (...args) => window['__blurline_' + name](...args);
  window.__blurlineEmit = (event, payload) => listeners.get(event)?.forEach((listener) => listener(payload));
  window.blurline = Object.freeze(api);
}`;

/** Exposes the host to a Playwright page as `window.blurline`; call before the page loads. */
export async function bindTestHostToPage(page: Page, host: TestHost): Promise<void> {
  for (const name of CALL_NAMES) {
    const call = host.handlers[name] as (...args: unknown[]) => Promise<unknown>;
    await page.exposeBinding(`__blurline_${name}`, (_source, ...args: unknown[]) => call(...args));
  }
  await page.addInitScript({ content: `(${PAGE_BRIDGE})(${JSON.stringify(CALL_NAMES)});` });
  host.onEvent((event, payload) => {
    page
      .evaluate(([e, p]) => (globalThis as unknown as { __blurlineEmit?: (e: string, p: unknown) => void }).__blurlineEmit?.(e, p), [event, payload] as const)
      // The page may be navigating or closed; an event it cannot receive is an event it no longer needs.
      .catch(() => {});
  });
}
