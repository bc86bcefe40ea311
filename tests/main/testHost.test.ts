import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bindTestHostToPage, createTestHost, type TestHost } from '../../electron/main/ipc/testHost';
import { CALL_NAMES } from '../../electron/shared/contract';
import { bframesClip } from './clips';

/** The test host as the browser tests use it: `window.blurline` in Chromium, media over HTTP from another origin. */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

describe.skipIf(!haveChromium)(`test host in Chromium${haveChromium ? '' : ` (skipped: ${CHROMIUM} is not installed)`}`, () => {
  let host: TestHost;
  let browser: Browser;
  let page: Page;
  let clip: string;

  beforeAll(async () => {
    clip = await bframesClip();
    host = await createTestHost({ userDataDir: mkdtempSync(path.join(os.tmpdir(), 'blurline-host-')), dialogs: { chooseVideo: async () => clip } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    page = await browser.newPage();
    await bindTestHostToPage(page, host);
    // A page on another origin (localhost, not 127.0.0.1), so every media request needs CORS.
    await page.goto(`${host.mediaServerUrl.replace('127.0.0.1', 'localhost')}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
  });

  it('gives the page window.blurline with exactly the contract’s calls and on()', async () => {
    const keys = await page.evaluate('Object.keys(window.blurline).sort()');
    expect(keys).toEqual([...CALL_NAMES, 'on'].sort());
    expect(await page.evaluate('window.blurline.chooseVideo()')).toEqual({ ok: true, value: clip });
    expect(await page.evaluate(`window.blurline.openVideo('relative.mp4')`)).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
  });

  it('delivers events to listeners until they unsubscribe', async () => {
    await page.evaluate(`window.menuSeen = []; window.offMenu = window.blurline.on('menu', (c) => window.menuSeen.push(c))`);
    host.sendMenu('undo');
    await expect.poll(() => page.evaluate('window.menuSeen')).toEqual(['undo']);
    await page.evaluate('window.offMenu()');
    host.sendMenu('redo');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await page.evaluate('window.menuSeen')).toEqual(['undo']);
  });

  it('plays and seeks the opened video with range requests, and reads frames cross-origin', async () => {
    const result = (await page.evaluate(`(async () => {
      const opened = (await window.blurline.openVideo(${JSON.stringify(clip)})).value;
      const video = document.createElement('video');
      video.muted = true;
      video.src = opened.playbackUrl;
      document.body.append(video);
      await new Promise((resolve, reject) => { video.onloadeddata = resolve; video.onerror = () => reject(new Error('video error ' + video.error?.code)); });
      video.currentTime = 3;
      await new Promise((resolve) => { video.onseeked = resolve; });
      const res = await fetch(opened.framesUrl + '?start=50&count=2&width=160');
      const bytes = (await res.arrayBuffer()).byteLength;
      return { currentTime: video.currentTime, duration: video.duration, width: res.headers.get('X-Frame-Width'), height: res.headers.get('X-Frame-Height'), bytes };
    })()`)) as Record<string, unknown>;
    expect(result).toMatchObject({ currentTime: 3, width: '160', height: '120', bytes: 2 * 160 * 120 * 3 });
    expect(result.duration).toBeCloseTo(4, 1);
  });
});
