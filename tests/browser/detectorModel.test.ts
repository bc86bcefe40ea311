import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Project } from '../../core/project';
import { trackBoxAt } from '../../core/tracks';
import { iou } from '../../core/geometry';
import { FACE_CLIP, sha256, YUNET_MODEL } from '../helpers/media';
import { describeMissingBrowser, haveChromium, startEditorSession, type EditorSession } from './setup';

/**
 * The user's own face model in the app, in Chromium on the real main-process handlers: chosen
 * with the host's dialog (checked and remembered by main), run by the renderer's detection
 * workers on onnxruntime-web under the app's CSP, named in the project's analysis record, and
 * removed again.
 */

describeMissingBrowser('your own detector model in Chromium');

describe.runIf(haveChromium)('your own detector model in Chromium', () => {
  let session: EditorSession;
  const page = () => session.page;
  const settings = () => JSON.parse(readFileSync(path.join(session.dir, 'user-data/settings.json'), 'utf8'));

  beforeAll(async () => {
    session = await startEditorSession({ dialogs: ({ clip }) => ({ chooseVideo: async () => clip, chooseDetectorModel: async () => YUNET_MODEL }) });
  });
  afterAll(async () => {
    await session?.close();
  });

  it('chooses YuNet with the dialog; main checks and remembers it, and the panel names it', async () => {
    await page().getByTestId('open-video').click();
    await session.waitForPicture(0);
    await page().getByTestId('choose-detector-model').click();
    await expect.poll(() => page().getByTestId('detector-model').textContent()).toBe('Also your model: yunet.onnx (YuNet)Remove');
    expect(settings().detectorModel).toEqual({ file: YUNET_MODEL, sha256: sha256(YUNET_MODEL), format: 'yunet' });
  });

  it('detection runs it on onnxruntime-web beside the built-in models; it finds the face and the record names it', async () => {
    // Remembered: a new window reads it back from the host.
    await page().reload();
    await page().getByTestId('open-video').click();
    await session.waitForPicture(0);
    await page().getByTestId('detector-model').waitFor();
    await page().getByLabel('Detection preset').selectOption('fast');
    await page().getByTestId('start-analysis').click();
    await page().locator('[data-testid=analysis-status][data-status=done]').waitFor({ timeout: 200_000 });
    const status = await page().getByTestId('analysis-status').textContent();
    // Whole-frame searches every 4th frame of 75, and a confirming look: the one face, every time.
    const found = Number(status?.match(/; (\d+) detections? by your model/)?.[1]);
    expect(found, status ?? '').toBeGreaterThanOrEqual(19);
    await page().evaluate("window.dispatchEvent(new Event('blur'))");
    const autosave = path.join(session.dir, 'user-data/projects', `${createHash('sha256').update(session.clip).digest('hex')}.json`);
    let project: Project | null = null;
    await expect
      .poll(() => {
        try {
          project = JSON.parse(readFileSync(autosave, 'utf8')).project;
          return project?.analysis?.detectorModel?.sha256 ?? null;
        } catch {
          return null;
        }
      }, { timeout: 15_000 })
      .toBe(sha256(YUNET_MODEL));
    expect(project!.analysis).toMatchObject({ preset: 'fast', detector: 'tiny-face-detector@0.5, onnx:yunet.onnx@0.5; roi tiny-face-detector@0.4; persons centernet-person@0.3 + movenet-head@0.3 every 24 frames', detectorModel: { file: YUNET_MODEL, format: 'yunet' } });
    expect(project!.tracks).toHaveLength(1);
    for (const n of [0, 40, 74]) expect(iou(trackBoxAt(project!.tracks[0], n)!, FACE_CLIP.faceBoxAt(n)), `frame ${n}`).toBeGreaterThan(0.5);
    await session.shot('detector-model');
  }, 240_000);

  it('Remove goes back to the built-in models, and the host forgets the model', async () => {
    await page().getByTestId('remove-detector-model').click();
    await page().getByTestId('choose-detector-model').waitFor();
    expect(settings().detectorModel).toBeNull();
    expect(session.pageErrors).toEqual([]);
  });
});
