import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trackBoxAt } from '../../core/tracks';
import type { Project, Track } from '../../core/project';
import { readGrayFrames } from '../helpers/media';
import { coverage, plateClip, type PlateClip } from '../helpers/plateClip';
import { describeMissingBrowser, haveChromium, startEditorSession, type EditorSession } from './setup';

/**
 * Following a licence plate in Chromium on the real main-process handlers: the editor draws one
 * box over the plate, presses F, corrects the box on a later frame and follows forward again from
 * there, undoes that, and exports; the master's pixels show the plate hidden on every frame.
 */

describeMissingBrowser('following a region in Chromium');

const WIDTH = 640;
const HEIGHT = 360;
const FRAMES = 48;
const DRAWN_ON = 16;
const CORRECTED_ON = 32;

describe.runIf(haveChromium)('following a region in Chromium', () => {
  let session: EditorSession;
  let clip: PlateClip;
  const page = () => session.page;
  const plate = (p: Project): Track | undefined => p.tracks.find((t) => t.object?.label === 'plate');

  beforeAll(async () => {
    clip = await plateClip({ width: WIDTH, height: HEIGHT, frames: FRAMES, plateWidth: [70, 110], seed: 3 });
    session = await startEditorSession({
      clip: async () => ({ path: clip.path, width: WIDTH, height: HEIGHT }),
      dialogs: ({ dir }) => ({ chooseVideo: async () => path.join(dir, 'dashcam.mp4'), chooseExportPath: async () => path.join(dir, 'dashcam.blurred.mp4') }),
    });
  });

  afterAll(async () => {
    expect(session?.pageErrors ?? []).toEqual([]);
    await session?.close();
  });

  async function boxCorners(n: number) {
    const b = clip.plate[n];
    return { topLeft: await session.toScreen(b.x, b.y), bottomRight: await session.toScreen(b.x + b.width, b.y + b.height) };
  }

  it('draws one box over the plate, follows it both ways with F, as a plate track', async () => {
    await page().getByTestId('open-video').click();
    await session.waitForPicture(0);
    await session.goToFrame(DRAWN_ON);
    const { topLeft, bottomRight } = await boxCorners(DRAWN_ON);
    await session.focusEditor();
    await page().keyboard.press('b');
    await session.drag(topLeft, bottomRight);
    const lane = page().locator('[data-testid=lane][data-track="manual-1"]');
    await expect.poll(() => lane.count(), { timeout: 10_000 }).toBe(1);
    expect(await page().getByTestId('follow-kind').inputValue()).toBe('plate');
    await session.focusEditor();
    await page().keyboard.press('f');
    await expect.poll(() => lane.locator('[data-testid=object-tag]').textContent(), { timeout: 60_000 }).toBe('plate');
    await session.shot('follow-00-followed');

    const saved = await session.savedProject((p) => plate(p) !== undefined);
    const track = plate(saved)!;
    expect(track.object!.markedBy.length).toBeGreaterThan(0);
    expect(track.style).toMatchObject({ type: 'solid', shape: 'rect' });
    // One box became the whole clip's, keyframed where the motion needs it.
    expect([track.keyframes[0].frame, track.keyframes.at(-1)!.frame]).toEqual([0, FRAMES - 1]);
    expect(track.keyframes.length).toBeLessThan(FRAMES / 2);
    const covered = clip.plate.filter((b, n) => coverage(trackBoxAt(track, n)!, b) >= 0.95).length;
    expect(covered).toBeGreaterThanOrEqual(Math.ceil(0.98 * FRAMES));
    const edit = saved.review.events.filter((e) => e.type === 'edit').at(-1)!;
    expect(edit.detail).toBe(`Follow plate manual-1 from frame ${DRAWN_ON}`);
  });

  it('corrects the box on a later frame, follows forward again from there, and undoes that follow in one step', async () => {
    await session.goToFrame(CORRECTED_ON);
    const before = plate(await session.savedProject((p) => plate(p) !== undefined))!;
    const b = trackBoxAt(before, CORRECTED_ON)!;
    // Drag the box 4 px right (the correction: a keyframe on this frame).
    const from = await session.toScreen(b.x + b.width / 2, b.y + b.height / 2);
    const to = await session.toScreen(b.x + b.width / 2 + 4, b.y + b.height / 2);
    await session.drag(from, to);
    const corrected = plate(await session.savedProject((p) => plate(p)!.keyframes.some((k) => k.frame === CORRECTED_ON && Math.abs(k.box.x - b.x - 4) < 1.5)))!;
    await session.focusEditor();
    await page().keyboard.press('Shift+F');
    const followedAgain = plate(await session.savedProject((p) => p.review.events.at(-1)?.detail === `Follow plate manual-1 from frame ${CORRECTED_ON}`))!;
    // Frames before the correction are untouched; from it on, the new follow's boxes.
    expect(followedAgain.keyframes.filter((k) => k.frame < CORRECTED_ON)).toEqual(corrected.keyframes.filter((k) => k.frame < CORRECTED_ON));
    expect(followedAgain.keyframes.find((k) => k.frame === CORRECTED_ON)!.box.x).toBeCloseTo(b.x + 4, 0);

    await page().keyboard.press('Control+z');
    const undone = plate(await session.savedProject((p) => p.review.events.at(-1)?.detail === `Undo: Follow plate manual-1 from frame ${CORRECTED_ON}`))!;
    expect(undone.keyframes).toEqual(corrected.keyframes);
  });

  it('exports a master in which the plate is hidden on every frame', async () => {
    await page().getByTestId('open-export').click();
    await page().getByTestId('choose-export-path').click();
    await page().getByTestId('start-export').click();
    await page().locator('[data-testid=render-status][data-status=done]').waitFor({ timeout: 280_000 });
    const source = await readGrayFrames(clip.path, WIDTH, HEIGHT);
    const master = await readGrayFrames(path.join(session.dir, 'dashcam.blurred.mp4'), WIDTH, HEIGHT);
    expect(master).toHaveLength(FRAMES);
    // Grey levels across the plate, a pixel in from its edges: ~200 in the source (dark characters on white), codec noise over a solid box.
    const spread = (frame: Uint8Array, n: number) => {
      const b = clip.plate[n];
      let lo = 255;
      let hi = 0;
      for (let y = Math.ceil(b.y) + 1; y < Math.floor(b.y + b.height) - 1; y++) {
        for (let x = Math.ceil(b.x) + 1; x < Math.floor(b.x + b.width) - 1; x++) {
          lo = Math.min(lo, frame[y * WIDTH + x]);
          hi = Math.max(hi, frame[y * WIDTH + x]);
        }
      }
      return hi - lo;
    };
    for (let n = 0; n < FRAMES; n++) {
      expect(spread(source[n], n)).toBeGreaterThan(150);
      expect(spread(master[n], n), `frame ${n}`).toBeLessThan(12);
    }
    await session.shot('follow-01-exported');
  });
});
