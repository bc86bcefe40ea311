import { copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { JSHandle } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { faceClip, generatedClip, sha256 } from '../helpers/media';
import { describeMissingBrowser, haveChromium, startEditorSession, type EditorSession } from './setup';

/**
 * The batch queue end to end in Chromium on the real main-process handlers: a folder of two short
 * face clips and a damaged file is added from the Batch panel, queued with the Fast preset, runs
 * (progress in the panel and in the toolbar while another clip is edited), and ends with two
 * masters and their reports and one readable failure; a finished clip opens in the editor with the
 * batch's tracks. Then dropped clips are queued again over the earlier results and cancelled.
 */

describeMissingBrowser('batch in Chromium');

const CLIPS = ['a-arrival.mp4', 'b-damaged.mp4', 'c-crossing.mp4'];

describe.runIf(haveChromium)('batch in Chromium', () => {
  let session: EditorSession;
  const page = () => session.page;
  const footage = () => path.join(session.dir, 'footage');
  const out = () => path.join(footage(), 'blurred');
  const items = () => page().getByTestId('batch-item');
  const itemFor = (name: string) => page().locator(`[data-testid=batch-item][data-source="${path.join(footage(), name)}"]`);
  const statuses = async () => Promise.all((await items().all()).map((item) => item.getAttribute('data-status')));
  /** The files in the output folder, hidden ones (a master being written) included. */
  const outputs = () => readdirSync(out()).sort();

  /** Drops files, by name, on the batch panel (their paths come from the session's pathForFile). */
  async function drop(names: string[]) {
    const transfer: JSHandle = await page().evaluateHandle(`(() => {
      const dt = new DataTransfer();
      for (const name of ${JSON.stringify(names)}) dt.items.add(new File(['not read'], name, { type: 'video/mp4' }));
      return dt;
    })()`);
    await page().getByTestId('batch-dialog').dispatchEvent('drop', { dataTransfer: transfer });
  }

  beforeAll(async () => {
    session = await startEditorSession({
      dialogs: ({ dir, clip }) => ({ chooseFolder: async () => path.join(dir, 'footage'), chooseVideo: async () => clip }),
      droppedPaths: ({ dir }) => Object.fromEntries(CLIPS.map((name) => [name, path.join(dir, 'footage', name)])),
    });
    mkdirSync(footage());
    const short = await generatedClip('face-short', ['-i', await faceClip(), '-frames:v', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-an']);
    copyFileSync(short, path.join(footage(), 'a-arrival.mp4'));
    copyFileSync(short, path.join(footage(), 'c-crossing.mp4'));
    writeFileSync(path.join(footage(), 'b-damaged.mp4'), Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7919) % 253)));
  });

  afterAll(async () => {
    await session?.close();
  });

  it('Shift+Ctrl+B, "Batch…" and the welcome page open the panel; a folder lists its three videos, all checked, into <folder>/blurred', async () => {
    await page().getByTestId('welcome-batch').waitFor();
    await session.shot('batch-00-welcome');
    await page().keyboard.press('Control+Shift+B');
    await page().getByTestId('batch-dialog').waitFor();
    await page().keyboard.press('Escape');
    await page().getByTestId('batch-dialog').waitFor({ state: 'detached' });
    await page().getByTestId('welcome-batch').click();
    await page().getByTestId('close-batch').click();
    await page().getByTestId('batch-dialog').waitFor({ state: 'detached' });
    await page().getByTestId('open-batch').click();
    expect(await page().getByTestId('batch-start').isDisabled()).toBe(true);
    await page().getByTestId('batch-add-folder').click();
    const videos = page().getByTestId('batch-video');
    await expect.poll(() => videos.count(), { timeout: 10_000 }).toBe(3);
    expect(await Promise.all((await videos.all()).map(async (v) => [await v.getAttribute('data-path'), await v.isChecked()]))).toEqual(
      CLIPS.map((name) => [path.join(footage(), name), true]),
    );
    expect(await page().getByTestId('batch-output').inputValue()).toBe(out());
    // A relative output folder is refused before main sees it.
    await page().getByTestId('batch-output').fill('blurred');
    expect(await page().getByTestId('batch-problems').textContent()).toContain('The output folder must be a full path');
    expect(await page().getByTestId('batch-start').isDisabled()).toBe(true);
    await page().getByTestId('batch-output').fill(out());
    await page().getByTestId('batch-preset').selectOption('fast');
    expect(await page().getByTestId('batch-codec').inputValue()).toBe('h264');
    expect(await page().getByTestId('batch-overwrite').isChecked()).toBe(false);
    expect(await page().getByTestId('batch-start').textContent()).toBe('Start (3 clips)');
    await session.shot('batch-01-form');
  });

  it('Start queues them: the running clip shows its stage, percent and ETA; the toolbar counts the clips while another one is edited', async () => {
    await page().getByTestId('batch-start').click();
    await expect.poll(() => items().count(), { timeout: 10_000 }).toBe(3);
    // The list empties for the next clips; the settings stay.
    expect(await page().getByTestId('batch-video').count()).toBe(0);
    expect(await page().getByTestId('batch-preset').inputValue()).toBe('fast');
    const first = itemFor('a-arrival.mp4');
    await expect.poll(() => first.getByTestId('batch-progress').textContent().catch(() => ''), { timeout: 120_000 }).toMatch(/^[A-Z][a-z ]+ · \d+% · (estimating…|\d+:\d\d left)$/);
    expect(await first.getAttribute('data-status')).toBe('running');
    expect(await statuses()).toEqual(['running', 'queued', 'queued']);
    await session.shot('batch-02-running');

    await page().getByTestId('close-batch').click();
    expect(await page().getByTestId('batch-indicator').textContent()).toMatch(/^Batch [1-3]\/3$/);
    await page().getByTestId('open-video').click();
    await session.waitForPicture(0);
    await expect.poll(() => page().getByTestId('batch-indicator').textContent(), { timeout: 10_000 }).toMatch(/^Batch [1-3]\/3$/);
    await session.shot('batch-03-indicator-while-editing');
  }, 180_000);

  it('goes on past the damaged file: two masters with their reports, one readable failure', async () => {
    await expect.poll(() => page().getByTestId('batch-indicator').count(), { timeout: 400_000, interval: 1000 }).toBe(0);
    expect(await page().locator('[data-testid=notice-warning]').allTextContents()).toContainEqual(expect.stringContaining('Batch finished: 2 done, 1 failed.'));
    await page().getByTestId('open-batch').click();
    expect(await statuses()).toEqual(['done', 'failed', 'done']);
    for (const name of ['a-arrival', 'c-crossing']) {
      const result = itemFor(`${name}.mp4`).getByTestId('batch-result');
      expect(await result.textContent()).toMatch(/^1 face track · leak check: no face left showing · took \d+:\d\d · draft export, not reviewed$/);
    }
    expect(outputs()).toEqual(
      ['a-arrival', 'c-crossing'].flatMap((n) => [`${n}.blurred.blurline.json`, `${n}.blurred.mp4`, `${n}.blurred.mp4.audit.html`, `${n}.blurred.mp4.audit.json`]),
    );
    const damaged = itemFor('b-damaged.mp4');
    const error = (await damaged.getByTestId('batch-error').textContent())!;
    expect(error).toMatch(/^[A-Z]/);
    expect(error).toContain('b-damaged.mp4');
    expect(error).not.toMatch(/\n|at .*\.ts:\d+/);
    expect(await damaged.getByTestId('batch-open').count()).toBe(0);
    expect(await items().getByTestId('batch-cancel').count()).toBe(0);
    await session.shot('batch-04-finished');

    await itemFor('a-arrival.mp4').getByTestId('batch-show-report').click();
    await expect.poll(() => session.host.revealed.at(-1), { timeout: 10_000 }).toBe(path.join(out(), 'a-arrival.blurred.mp4.audit.html'));
    await itemFor('c-crossing.mp4').getByTestId('batch-show-master').click();
    await expect.poll(() => session.host.revealed.at(-1), { timeout: 10_000 }).toBe(path.join(out(), 'c-crossing.blurred.mp4'));
  }, 420_000);

  it('"Open in editor" opens the clip with the batch’s track on the timeline', async () => {
    await itemFor('c-crossing.mp4').getByTestId('batch-open').click();
    await page().getByTestId('batch-dialog').waitFor({ state: 'detached' });
    await expect.poll(() => page().locator('.toolbar .file-name').textContent(), { timeout: 20_000 }).toBe('c-crossing.mp4');
    await session.waitForPicture(0);
    await expect.poll(() => page().getByTestId('lane').count(), { timeout: 10_000 }).toBe(1);
    expect(await page().getByTestId('track-list').locator('li[data-track]').count()).toBe(1);
    await session.shot('batch-05-opened-in-editor');
  }, 60_000);

  it('dropped clips queued again over the earlier results, then cancelled: the earlier masters are left as they were, nothing else written', async () => {
    const before = Object.fromEntries(['a-arrival', 'c-crossing'].map((n) => [n, sha256(path.join(out(), `${n}.blurred.mp4`))]));
    const listing = outputs();
    await page().keyboard.press('Control+Shift+B');
    await page().getByTestId('batch-dialog').waitFor();
    await page().getByTestId('batch-clear').click();
    await expect.poll(() => items().count(), { timeout: 10_000 }).toBe(0);

    // A file whose path the host does not know is refused with a word; known ones are listed, checked.
    await drop(['elsewhere.mp4']);
    await expect.poll(() => page().locator('[data-testid=notice-warning]').allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('“elsewhere.mp4” was dropped, but its path on disk is unknown here'));
    await drop(['a-arrival.mp4', 'c-crossing.mp4']);
    await expect.poll(() => page().getByTestId('batch-video').count(), { timeout: 10_000 }).toBe(2);
    expect(await page().getByTestId('batch-output').inputValue()).toBe(out());
    await page().getByTestId('batch-overwrite').check();
    await page().getByTestId('batch-start').click();

    const first = itemFor('a-arrival.mp4');
    const second = itemFor('c-crossing.mp4');
    await page().locator(`[data-testid=batch-item][data-status=running][data-source="${path.join(footage(), 'a-arrival.mp4')}"]`).waitFor({ timeout: 60_000 });
    // The queued one first (it must never start), then the running one.
    await second.getByTestId('batch-cancel').click();
    await first.getByTestId('batch-cancel').click();
    await expect.poll(statuses, { timeout: 120_000 }).toEqual(['cancelled', 'cancelled']);
    expect(await first.textContent()).toContain('Cancelled: no new master was written for it.');
    await session.shot('batch-06-cancelled');

    expect(outputs()).toEqual(listing);
    for (const [n, hash] of Object.entries(before)) expect(sha256(path.join(out(), `${n}.blurred.mp4`))).toBe(hash);
    expect(statSync(path.join(out(), 'a-arrival.blurred.mp4')).size).toBeGreaterThan(0);
    expect(await page().getByTestId('batch-indicator').count()).toBe(0);

    expect(await page().locator('[data-testid=notice-error]').allTextContents()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, 180_000);
});
