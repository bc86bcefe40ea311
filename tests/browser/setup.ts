import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Project } from '../../core/project';
import { contentSecurityPolicy, MEDIA_SCHEME } from '../../electron/main/app/security';
import type { HostDialogs } from '../../electron/main/ipc/handlers';
import { bindTestHostToPage, createTestHost, type TestHost } from '../../electron/main/ipc/testHost';
import { REPO_ROOT } from '../../electron/main/media/binaries';
import { FACE_CLIP, faceClip } from '../helpers/media';
import { buildRenderer, serveStatic, type StaticServer } from './renderer';

/**
 * The editor in Debian's Chromium for browser tests: the built renderer served under the app's
 * CSP, `window.blurline` bound to the real main-process handlers (real ffmpeg, real files), the
 * generated face clip copied into a fresh folder, and the helpers every such test needs.
 */

export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);
export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results/screenshots');

/** Without Chromium: one test that says why it is skipped, or fails under BLURLINE_REQUIRE_BROWSER=1. */
export function describeMissingBrowser(suite: string): void {
  if (haveChromium) return;
  describe(suite, () => {
    it('runs in Chromium', (ctx) => {
      const reason = `${CHROMIUM} is not installed (apt-get install -y chromium)`;
      if (process.env.BLURLINE_REQUIRE_BROWSER === '1') throw new Error(`${reason}, and BLURLINE_REQUIRE_BROWSER=1 requires it`);
      // The default reporter folds skipped tests away; the reason must still reach the log.
      console.warn(`${suite} skipped: ${reason}`);
      ctx.skip(reason);
    });
  });
}

export interface Point {
  x: number;
  y: number;
}

export interface EditorSession {
  dir: string;
  /** The face clip (FACE_CLIP) or the clip the options name, copied into `dir`. */
  clip: string;
  host: TestHost;
  page: Page;
  /** Page errors and console errors (CSP violations among them): a test ends with none. */
  pageErrors: string[];
  shot(name: string): Promise<void>;
  frameNumber(): Promise<number>;
  /** Seeks with the "Go to frame" field and waits for the picture of that frame. */
  goToFrame(frame: number): Promise<void>;
  /** Waits until the preview shows `frame` (the canvas records the frame it painted). */
  waitForPicture(frame: number): Promise<void>;
  /** Screen position of a source pixel on the picture. */
  toScreen(x: number, y: number): Promise<Point>;
  /** The clip's face on frame n, as screen points of its box's corners and centre. */
  faceOnScreen(n: number): Promise<{ topLeft: Point; bottomRight: Point; centre: Point }>;
  drag(from: Point, to: Point): Promise<void>;
  /** Takes the focus out of form fields, so keys go to the editor. */
  focusEditor(): Promise<void>;
  /** The autosave main wrote, after leaving the window flushed it; waits until `ready` holds. */
  savedProject(ready: (p: Project) => boolean): Promise<Project>;
  close(): Promise<void>;
}

export interface EditorSessionOptions {
  dialogs?: (paths: { dir: string; clip: string }) => Partial<HostDialogs>;
  /**
   * The path on disk of a file dropped on the page, by its name, as the preload's `pathForFile`
   * answers in the app (without it, the page has no `pathForFile`, as in a plain browser).
   */
  droppedPaths?: (paths: { dir: string; clip: string }) => Record<string, string>;
  /** Another clip than the face clip: its file and picture size (toScreen maps its pixels). */
  clip?: () => Promise<{ path: string; width: number; height: number }>;
}

/** Starts the host, the site and Chromium, and loads the editor (nothing open yet). */
export async function startEditorSession(options: EditorSessionOptions = {}): Promise<EditorSession> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'blurline-browser-'));
  mkdirSync(SCREENSHOTS, { recursive: true });
  const clip = path.join(dir, 'dashcam.mp4');
  let host: TestHost | undefined;
  let site: StaticServer | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await host?.close();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const picked = options.clip ? options.clip() : faceClip().then((file) => ({ path: file, width: FACE_CLIP.width, height: FACE_CLIP.height }));
    const [built, source] = await Promise.all([buildRenderer(path.join(dir, 'renderer')), picked]);
    copyFileSync(source.path, clip);
    host = await createTestHost({ userDataDir: path.join(dir, 'user-data'), dialogs: options.dialogs?.({ dir, clip }) ?? {} });
    // The app's own CSP, with the test host's media origin where the app has its media scheme.
    const csp = contentSecurityPolicy().replaceAll(`${MEDIA_SCHEME}:`, host.mediaServerUrl);
    site = await serveStatic(built, { 'Content-Security-Policy': csp });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
    await bindTestHostToPage(page, host);
    if (options.droppedPaths) {
      const byName = options.droppedPaths({ dir, clip });
      // After the bridge's script: `window.blurline` again, with the preload's pathForFile.
      await page.addInitScript((paths: Record<string, string>) => {
        const page = globalThis as unknown as { blurline: object };
        page.blurline = Object.freeze({ ...page.blurline, pathForFile: (file: { name: string }) => paths[file.name] ?? null });
      }, byName);
    }
    await page.goto(`${site.url}/index.html`);

    const frameNumber = async () => Number(await page.getByTestId('frame-number').textContent());
    const toScreen = async (x: number, y: number) => {
      const box = (await page.getByTestId('overlay').boundingBox())!;
      return { x: box.x + (x * box.width) / source.width, y: box.y + (y * box.height) / source.height };
    };
    const waitForPicture = async (frame: number) => {
      await page.locator(`[data-testid=preview][data-frame="${frame}"]`).waitFor({ state: 'attached', timeout: 10_000 });
    };
    return {
      dir,
      clip,
      host,
      page,
      pageErrors,
      close,
      frameNumber,
      waitForPicture,
      shot: async (name) => void (await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) })),
      async goToFrame(frame) {
        await page.getByLabel('Go to frame').fill(String(frame));
        await page.getByLabel('Go to frame').press('Enter');
        await expect.poll(frameNumber, { timeout: 10_000 }).toBe(frame);
        await waitForPicture(frame);
      },
      toScreen,
      async faceOnScreen(n) {
        const f = FACE_CLIP.faceBoxAt(n);
        return {
          topLeft: await toScreen(f.x, f.y),
          bottomRight: await toScreen(f.x + f.width, f.y + f.height),
          centre: await toScreen(f.x + f.width / 2, f.y + f.height / 2),
        };
      },
      async drag(from, to) {
        await page.mouse.move(from.x, from.y);
        await page.mouse.down();
        await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
        await page.mouse.move(to.x, to.y, { steps: 4 });
        await page.mouse.up();
      },
      focusEditor: () => page.evaluate('document.activeElement instanceof HTMLElement && document.activeElement.blur()').then(() => {}),
      async savedProject(ready) {
        const file = path.join(dir, 'user-data/projects', `${createHash('sha256').update(clip).digest('hex')}.json`);
        await page.evaluate("window.dispatchEvent(new Event('blur'))");
        let project: Project | null = null;
        await expect
          .poll(() => {
            try {
              project = JSON.parse(readFileSync(file, 'utf8')).project as Project;
              return ready(project);
            } catch {
              return false;
            }
          }, { timeout: 15_000 })
          .toBe(true);
        return project!;
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}
