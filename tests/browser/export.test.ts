import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditReportSchema, frameRuns, type AuditReport } from '../../core/auditReport';
import { FACE_CLIP, faceClip, ffprobeJson } from '../helpers/media';
import { describeMissingBrowser, haveChromium, startEditorSession, type EditorSession } from './setup';

/**
 * The export dialog end to end in Chromium on the real main-process handlers: an approved pass
 * whose only track covers the face for part of the clip is exported; the leak check (the real
 * face models on every frame of the master) finds the face where it shows; the dialog lists the
 * findings with their pictures, goes to a finding's frame, and takes a signed waiver, which the
 * report on disk and the project's log record. Then a ProRes master of the I/O range, whose
 * findings become tracks ("Add tracks for these findings"), and the export again is clean.
 */

describeMissingBrowser('export in Chromium');

/** The one track: drawn on frame 0, its box moved with the face on frame 30; the face shows after it. */
const TRACK = { id: 'manual-1', from: 0, to: 30 };
const REVIEWER = 'Rae Viewer';
const REASON = 'the passenger consented in writing (form 12)';
/** The I/O range of the ProRes export: the face is blurred on 25–30 and shows on 31–36. */
const IO = { first: 25, last: 36 };
/**
 * The face clip's first 40 frames: the face shows on the last 9, after the track. (The leak check
 * searches every frame of each master with the real models: on all 75 frames it cost minutes.)
 */
const FRAMES = 40;

describe.runIf(haveChromium)('export in Chromium', () => {
  let session: EditorSession;
  const page = () => session.page;
  const output = () => path.join(session.dir, 'dashcam.blurred.mp4');
  const findings = () => page().getByTestId('finding');
  const verdict = () => page().getByTestId('export-verdict').textContent();

  const readReport = (file: string): AuditReport => auditReportSchema.parse(JSON.parse(readFileSync(file, 'utf8')));

  /** Exports; `leakCheckShot`: a screenshot while the leak check runs (when the export is not done before it is seen). */
  async function exportAndWait(leakCheckShot?: string) {
    await page().getByTestId('start-export').click();
    const status = page().getByTestId('render-status');
    await page().locator('[data-testid=render-status][data-status=running]').waitFor({ timeout: 30_000 });
    if (leakCheckShot) {
      await expect
        .poll(async () => ((await status.getAttribute('data-status')) === 'running' ? await status.textContent() : 'done'), { timeout: 280_000 })
        .toMatch(/^done$|checking the master for faces left showing · \d+% · /);
      if ((await status.getAttribute('data-status')) === 'running') await session.shot(leakCheckShot);
    }
    await page().locator('[data-testid=render-status][data-status=done]').waitFor({ timeout: 280_000 });
  }

  beforeAll(async () => {
    session = await startEditorSession({
      clip: async () => ({ path: await faceClip(FRAMES), width: FACE_CLIP.width, height: FACE_CLIP.height }),
      dialogs: ({ dir, clip }) => ({ chooseVideo: async () => clip, chooseExportPath: async () => path.join(dir, 'dashcam.blurred.mp4') }),
    });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('the editor blurs the face on frames 0–30 only; the reviewer approves the pass', async () => {
    await page().getByTestId('open-video').click();
    await session.waitForPicture(0);
    let face = await session.faceOnScreen(TRACK.from);
    await page().keyboard.press('b');
    await session.drag(face.topLeft, face.bottomRight);
    const lane = page().locator(`[data-testid=lane][data-track="${TRACK.id}"]`);
    await expect.poll(() => lane.count(), { timeout: 10_000 }).toBe(1);
    await session.goToFrame(TRACK.to);
    const drawn = face.centre;
    face = await session.faceOnScreen(TRACK.to);
    await session.drag(drawn, face.centre);
    await expect.poll(() => lane.locator('.kf').count(), { timeout: 10_000 }).toBe(2);

    await page().getByTestId('role').selectOption('reviewer');
    await page().getByLabel('Your name').fill(REVIEWER);
    await page().getByTestId('identity-continue').click();
    await page().getByTestId('identity-dialog').waitFor({ state: 'detached' });
    await page().getByTestId('start-review').click();
    await page().locator(`[data-testid=track-list] li[data-track="${TRACK.id}"]`).click();
    await session.focusEditor();
    await page().keyboard.press('a');
    await expect.poll(() => lane.getAttribute('data-decision'), { timeout: 10_000 }).toBe('approved');
    await page().getByTestId('approve-pass').click();
    await expect.poll(() => page().getByTestId('pass-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('approved');
  });

  it('before the export the dialog says what it is gated on; after it, not an approved export: the findings with their pictures and frames', async () => {
    await page().getByTestId('open-export').click();
    expect(await page().getByTestId('export-gate').textContent()).toBe('Approved export, if the leak check is clean');
    await page().getByTestId('choose-export-path').click();
    await expect.poll(() => page().getByTestId('export-path').inputValue(), { timeout: 10_000 }).toBe(output());
    await session.shot('export-00-before');
    await exportAndWait('export-00-leak-check-running');

    expect(await verdict()).toBe('Not an approved export');
    const report = readReport(path.join(session.dir, 'dashcam.blurred.mp4.audit.json'));
    const found = report.leakCheck!.findings;
    expect(found.length).toBeGreaterThanOrEqual(1);
    // The face shows from frame 31 on: the leak check finds it there (in source frame numbers) on
    // most of those frames. (On this clip it also reports the test pattern's edges: false alarms to waive.)
    const frames = new Set(found.flatMap((f) => f.frames));
    const showing = Array.from({ length: FRAMES - TRACK.to - 1 }, (_, i) => TRACK.to + 1 + i);
    expect(showing.filter((n) => frames.has(n)).length).toBeGreaterThan(showing.length / 2);
    expect(await page().getByTestId('export-blockers').locator('li').allTextContents()).toEqual([
      `${found.length} leak-check finding${found.length === 1 ? '' : 's'} without a waiver (${found.map((f) => f.id).join(', ')}).`,
    ]);
    expect(await page().getByTestId('leak-check-result').textContent()).toContain(
      `${found.length === 1 ? 'A possible face was' : `${found.length} possible faces were`} found outside a blurred region in the ${report.leakCheck!.framesChecked} frames of the master.`,
    );
    expect(await page().locator('.fix-hint').textContent()).toContain('go to the frame, add or adjust a track there, and export again');
    expect(await findings().count()).toBe(found.length);
    for (const [i, f] of found.entries()) {
      const item = findings().nth(i);
      expect(await item.getAttribute('data-finding')).toBe(f.id);
      expect(await item.getByTestId('finding-frames').textContent()).toBe(`Frames ${frameRuns(f.frames)}`);
      expect(await item.textContent()).toContain(`confidence ${Math.round(f.confidence * 100)}%`);
      const thumbnail = item.getByTestId('finding-thumbnail');
      expect(await thumbnail.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
      await expect.poll(() => thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth), { timeout: 10_000 }).toBeGreaterThan(0);
    }
    await session.shot('export-01-findings');
    // In the protective view the findings' pictures are grey, and still show the face (unblurred: it is what is judged).
    const filterOf = () => page().evaluate<string>("getComputedStyle(document.querySelector('[data-testid=finding-thumbnail]')).filter");
    expect(await filterOf()).toBe('none');
    await page().keyboard.press('g');
    await expect.poll(filterOf).toBe('grayscale(1)');
    await page().keyboard.press('g');
    await expect.poll(filterOf).toBe('none');

    await page().getByTestId('show-report').click();
    await expect.poll(() => session.host.revealed.at(-1), { timeout: 10_000 }).toBe(path.join(session.dir, 'dashcam.blurred.mp4.audit.html'));
    await page().getByTestId('show-master').click();
    await expect.poll(() => session.host.revealed.at(-1), { timeout: 10_000 }).toBe(output());
  }, 300_000);

  it('"Go to frame" puts the dialog aside and shows the peak frame with nothing selected; the bar brings it back', async () => {
    const found = readReport(path.join(session.dir, 'dashcam.blurred.mp4.audit.json')).leakCheck!.findings;
    const first = found[0];
    await findings().first().getByTestId('finding-go').click();
    await page().getByTestId('export-dialog').waitFor({ state: 'detached' });
    await expect.poll(session.frameNumber, { timeout: 10_000 }).toBe(first.peakFrame);
    await session.waitForPicture(first.peakFrame);
    expect(await page().locator('[data-testid=track-list] li.selected').count()).toBe(0);
    expect(await page().getByTestId('export-minimised').textContent()).toContain(`not an approved export · ${found.length} leak-check finding`);
    // The finding's box is marked on the picture, where the leak check saw the face.
    const mark = page().getByTestId('leak-mark');
    expect(await mark.getAttribute('data-finding')).toBe(first.id);
    const marked = (await mark.locator('rect').boundingBox())!;
    const expected = await session.toScreen(first.box.x, first.box.y);
    expect(Math.abs(marked.x - expected.x)).toBeLessThan(3);
    expect(Math.abs(marked.y - expected.y)).toBeLessThan(3);
    await session.shot('export-02-go-to-frame');
    await page().getByTestId('export-restore').click();
    await page().getByTestId('export-dialog').waitFor();
    expect(await verdict()).toBe('Not an approved export');
    expect(await page().getByTestId('export-minimised').count()).toBe(0);
    expect(await page().getByTestId('leak-mark').count()).toBe(0);
  });

  it('a waiver needs a reason; signed, it makes the export an approved one, in the report on disk and in the log', async () => {
    const reportPath = path.join(session.dir, 'dashcam.blurred.mp4.audit.json');
    const found = readReport(reportPath).leakCheck!.findings;
    const item = findings().first();
    await item.getByTestId('waive').click();
    expect(await item.getByTestId('waiver-error').textContent()).toBe('A waiver needs a reason: say why this may stay visible.');
    expect(readReport(reportPath).leakCheck!.findings.every((f) => f.waiver === null)).toBe(true);

    for (const [i, f] of found.entries()) {
      const finding = findings().nth(i);
      await finding.getByLabel(`Reason to waive ${f.id}`).fill(REASON);
      await finding.getByTestId('waive').click();
      await expect.poll(() => finding.getByTestId('finding-waiver').count(), { timeout: 10_000 }).toBe(1);
      expect(await finding.getByTestId('finding-waiver').textContent()).toContain(`Waived by ${REVIEWER}: “${REASON}”`);
    }
    // The only blockers were the findings: every one waived, it is an approved export.
    expect(await verdict()).toBe('Approved export');
    expect(await page().getByTestId('export-outcome').textContent()).toContain('The pass was approved and the leak check is clean (every finding waived).');
    await page().getByTestId('export-verdict').scrollIntoViewIfNeeded();
    await session.shot('export-03-waived');

    const report = readReport(reportPath);
    expect(report.approval).toEqual({ passState: 'approved', approvedExport: true, blockers: [] });
    for (const f of report.leakCheck!.findings) expect(f.waiver).toEqual({ by: REVIEWER, at: expect.any(String), reason: REASON });
    expect(readFileSync(path.join(session.dir, 'dashcam.blurred.mp4.audit.html'), 'utf8')).toContain(`waived by ${REVIEWER}`);

    // The log ends with the waivers, signed, their frames as runs and the reason as the comment.
    const saved = await session.savedProject((p) => p.review.events.at(-1)?.type === 'waiver' && p.review.events.filter((e) => e.type === 'waiver').length === found.length);
    const waivers = saved.review.events.slice(-found.length);
    expect(waivers.map((e) => [e.type, e.actor, e.role, e.detail, e.comment])).toEqual(
      found.map((f) => ['waiver', REVIEWER, 'reviewer', `waived leak-check finding ${f.id} (frames ${frameRuns(f.frames)})`, REASON]),
    );
    expect(waivers.map((e) => e.at)).toEqual(report.leakCheck!.findings.map((f) => f.waiver!.at));
    expect(saved.review.state).toBe('approved');
  });

  it('ProRes turns the path into .mov (and back), hides CRF and preset, and exports the I/O range as a .mov the report calls prores', async () => {
    await page().getByRole('button', { name: 'Close' }).click();
    await session.goToFrame(IO.first);
    await page().keyboard.press('i');
    await session.goToFrame(IO.last);
    await page().keyboard.press('o');
    await page().getByTestId('open-export').click();

    const pathValue = () => page().getByTestId('export-path').inputValue();
    expect(await page().getByLabel('x264/x265 preset').count()).toBe(1);
    await page().getByTestId('export-codec').selectOption('prores');
    await expect.poll(pathValue, { timeout: 10_000 }).toBe(path.join(session.dir, 'dashcam.blurred.mov'));
    expect(await page().getByTestId('crf').count()).toBe(0);
    expect(await page().getByTestId('x264-preset').count()).toBe(0);
    // Back to H.264, the .mov that ProRes made becomes .mp4 again; then ProRes once more.
    await page().getByTestId('export-codec').selectOption('h264');
    await expect.poll(pathValue, { timeout: 10_000 }).toBe(output());
    await page().getByTestId('export-codec').selectOption('prores');
    await expect.poll(pathValue, { timeout: 10_000 }).toBe(path.join(session.dir, 'dashcam.blurred.mov'));

    expect(await page().getByText('Remove metadata and data streams (GPS, telemetry, subtitles)').count()).toBe(1);
    expect(await page().getByTestId('range-io').isEnabled()).toBe(true);
    await page().getByTestId('range-io').check();
    await expect.poll(() => page().getByTestId('export-range').getAttribute('data-range'), { timeout: 10_000 }).toBe(`${IO.first}-${IO.last}`);
    expect(await page().getByTestId('export-range').textContent()).toContain(`frames ${IO.first}–${IO.last} (12 frames) · 00:00:01:00 – 00:00:01:11`);
    await session.shot('export-04-prores-range');

    await exportAndWait();
    const mov = path.join(session.dir, 'dashcam.blurred.mov');
    expect(existsSync(mov)).toBe(true);
    // The report beside it: the master's whole name + .audit.json (the .mp4's report of the same clip stays).
    const movReport = readReport(`${mov}.audit.json`);
    expect(movReport.master.exportSettings).toMatchObject({ videoCodec: 'prores', range: IO });
    expect(movReport.master.frames).toBe(IO.last - IO.first + 1);
    expect(movReport.ffmpeg.commandLine).toContain('prores');
    const probed = await ffprobeJson(mov);
    expect(probed.streams.find((s: { codec_type: string }) => s.codec_type === 'video').codec_name).toBe('prores');
    // The leak check counts in source frames: the face showing after frame 30 is found within the range.
    const frames = movReport.leakCheck!.findings.flatMap((f) => f.frames);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((n) => n >= IO.first && n <= IO.last)).toBe(true);
    expect(await verdict()).toBe('Not an approved export');
    await session.shot('export-05-prores-done');

    expect(await page().locator('[data-testid=notice-error]').allTextContents()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, 300_000);

  it('"Add tracks for these findings" puts a pending leak-check track on each face as one undoable, logged step; exported again, the check is clean', async () => {
    const reportPath = path.join(session.dir, 'dashcam.blurred.mov.audit.json');
    const found = readReport(reportPath).leakCheck!.findings;
    // Tracks are the editor's work (a reviewer's edit is refused): the same person switches role.
    await page().getByRole('button', { name: 'Close' }).click();
    await page().getByTestId('role').selectOption('editor');
    await page().getByTestId('open-export').click();
    const add = page().getByTestId('add-finding-tracks');
    const status = () => page().getByTestId('finding-tracks-status').textContent();
    const leakLanes = page().locator('[data-testid=lane][data-track^="leak-check-"]');
    expect(await status()).toBe(`${found.length} finding${found.length === 1 ? '' : 's'} without a track`);
    expect(await leakLanes.count()).toBe(0);

    await add.click();
    await expect.poll(() => leakLanes.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(found.length);
    const added = await leakLanes.evaluateAll((lanes) => lanes.map((l) => (l as unknown as { getAttribute(name: string): string }).getAttribute('data-track')));
    expect(await add.isDisabled()).toBe(true);
    expect(await status()).toBe(`Every finding is on a track (${added.join(', ')}): export again to check the master.`);
    await session.shot('export-06-finding-tracks-added');
    // One step: undo takes every added track away, redo brings them back.
    await page().keyboard.press('Control+z');
    await expect.poll(() => leakLanes.count(), { timeout: 10_000 }).toBe(0);
    expect(await add.isEnabled()).toBe(true);
    await page().keyboard.press('Control+Shift+z');
    await expect.poll(() => leakLanes.count(), { timeout: 10_000 }).toBe(added.length);

    const label = `Add ${added.length} track${added.length === 1 ? '' : 's'} for leak-check finding${found.length === 1 ? '' : 's'} ${found.map((f) => f.id).join(', ')}`;
    const saved = await session.savedProject((p) => p.review.events.at(-1)?.detail === `Redo: ${label}`);
    expect(saved.tracks.filter((t) => t.origin === 'leak-check').map((t) => [t.id, t.status])).toEqual(added.map((id) => [id, 'pending']));
    expect(saved.review.events.filter((e) => e.type === 'edit').slice(-3).map((e) => [e.actor, e.role, e.detail, e.trackIds])).toEqual(
      [label, `Undo: ${label}`, `Redo: ${label}`].map((detail) => [REVIEWER, 'editor', detail, added]),
    );
    // Adding tracks changed the approved pass: its approval is withdrawn until the reviewer looks again.
    expect(saved.review.state).toBe('in-review');

    await exportAndWait();
    const again = readReport(reportPath);
    expect(again.leakCheck!.findings).toEqual([]);
    expect(again.tracks.filter((t) => t.origin === 'leak-check').map((t) => [t.id, t.rendered])).toEqual(added.map((id) => [id, true]));
    expect(await page().getByTestId('leak-check-result').textContent()).toBe(`No face found outside a blurred region in ${IO.last - IO.first + 1} frames.`);
    expect(await page().getByTestId('add-finding-tracks').count()).toBe(0);
    await session.shot('export-07-clean-after-tracks');

    expect(await page().locator('[data-testid=notice-error]').allTextContents()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  }, 300_000);
});
