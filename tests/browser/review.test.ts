import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_BLUR_STYLE, EMPTY_REVIEW, type Project, type Track } from '../../core/project';
import { FACE_CLIP } from '../helpers/media';
import { WATCH_GAP } from '../../renderer/src/store/reviewSlice';
import { frameAtTime } from '../../renderer/src/time';
import { describeMissingBrowser, haveChromium, startEditorSession, type EditorSession } from './setup';

/**
 * Reviewer mode end to end in Chromium on the real main-process handlers: tracks drawn by the
 * editor, a reviewer who steps through them and approves the pass, an edit that withdraws the
 * approval of what it touched, the re-approval, the export gate, the watched frames, an audio
 * redaction, and the low-confidence marks. The review is checked in the autosave main wrote.
 */

describeMissingBrowser('review in Chromium');

/** Manual tracks: the first is drawn on frame 10 and extended to 20, the second is drawn on frame 40. */
const FIRST = { id: 'manual-1', from: 10, to: 20 };
const SECOND = { id: 'manual-2', at: 40 };
const CLOCK = { frameRate: { num: FACE_CLIP.fps, den: 1 }, frameCount: FACE_CLIP.frames };

describe.runIf(haveChromium)('review in Chromium', () => {
  let session: EditorSession;
  /** What the Open Project dialog answers. */
  let projectToOpen: string | null = null;

  const page = () => session.page;
  const lane = (id: string) => page().locator(`[data-testid=lane][data-track="${id}"]`);
  const passState = () => page().getByTestId('pass-state').getAttribute('data-state');
  const logLines = () => page().getByTestId('event-log').locator('li').allTextContents();
  const watchedFrames = async () => Number(await page().getByTestId('watched-percent').getAttribute('data-frames'));
  const noticeCount = (kind: string, text: string) => page().locator(`[data-testid=notice-${kind}]`, { hasText: text }).count();

  /** The autosave the real main handler wrote (`projects/<sha256 of the source path>.json`), after a flush. */
  async function savedProject(source = session.clip): Promise<Project> {
    const file = path.join(session.dir, 'user-data/projects', `${createHash('sha256').update(source).digest('hex')}.json`);
    return JSON.parse(readFileSync(file, 'utf8')).project;
  }
  /** Leaving the window flushes the autosave; waits until the file says what `read` expects. */
  async function expectSaved<T>(read: (p: Project) => T, expected: T, source = session.clip) {
    await page().evaluate("window.dispatchEvent(new Event('blur'))");
    await expect
      .poll(async () => {
        try {
          return read(await savedProject(source));
        } catch (err) {
          return `not saved yet: ${(err as Error).message}`;
        }
      }, { timeout: 10_000 })
      .toEqual(expected);
  }

  /** Someone else sits down: the name button asks who is working. */
  async function become(name: string, role: 'Editor' | 'Reviewer') {
    await page().getByTestId('identity').click();
    await page().getByLabel('Your name').fill(name);
    await page().getByRole('radio', { name: new RegExp(`^${role}`) }).check();
    await page().getByTestId('identity-continue').click();
    await page().getByTestId('identity-dialog').waitFor({ state: 'detached' });
    await session.focusEditor();
  }

  /** Warnings stay until dismissed; the tests read them, then clear them out of the way. */
  async function dismissNotices() {
    const buttons = page().getByRole('button', { name: 'Dismiss' });
    while ((await buttons.count()) > 0) await buttons.first().click();
  }

  async function openExportGate(): Promise<string | null> {
    await page().getByTestId('open-export').click();
    const text = await page().getByTestId('export-gate').textContent();
    return text;
  }

  async function closeExport() {
    await page().getByRole('button', { name: 'Close' }).click();
    await page().getByTestId('export-dialog').waitFor({ state: 'detached' });
  }

  /** As the reviewer: N selects the next undecided track and shows its first frame; A approves it. */
  async function approveNext(id: string, firstFrame: number) {
    await page().keyboard.press('n');
    await expect.poll(() => page().locator(`[data-testid=track-list] li.selected`).getAttribute('data-track'), { timeout: 10_000 }).toBe(id);
    await expect.poll(session.frameNumber, { timeout: 10_000 }).toBe(firstFrame);
    await session.waitForPicture(firstFrame);
    await page().keyboard.press('a');
    await expect.poll(() => lane(id).getAttribute('data-decision'), { timeout: 10_000 }).toBe('approved');
  }

  beforeAll(async () => {
    session = await startEditorSession({ dialogs: ({ clip }) => ({ chooseVideo: async () => clip, chooseProjectToOpen: async () => projectToOpen }) });
  });

  afterAll(async () => {
    await session?.close();
  });

  it('the editor opens the clip and draws two tracks; the pass is a draft', async () => {
    await page().getByTestId('welcome').waitFor();
    await page().getByTestId('open-video').click();
    await session.waitForPicture(0);
    expect(await passState()).toBe('draft');
    expect(await page().getByTestId('watched-percent').textContent()).toBe('0%');

    await session.goToFrame(FIRST.from);
    let face = await session.faceOnScreen(FIRST.from);
    await page().keyboard.press('b');
    await session.drag(face.topLeft, face.bottomRight);
    await expect.poll(() => lane(FIRST.id).count(), { timeout: 10_000 }).toBe(1);
    // Outside its span the selected track's box is dashed; dragging it there extends the track.
    await session.goToFrame(FIRST.to);
    const drawn = face.centre;
    face = await session.faceOnScreen(FIRST.to);
    await session.drag(drawn, face.centre);
    await expect.poll(() => lane(FIRST.id).locator('.kf').count(), { timeout: 10_000 }).toBe(2);

    await session.goToFrame(SECOND.at);
    face = await session.faceOnScreen(SECOND.at);
    await page().keyboard.press('b');
    await session.drag(face.topLeft, face.bottomRight);
    await expect.poll(() => lane(SECOND.id).count(), { timeout: 10_000 }).toBe(1);
    // Every change so far is in the log, as an edit by someone who has not given a name yet.
    expect((await logLines()).filter((l) => l.includes('(unnamed) (Editor)'))).toHaveLength(3);

    await page().keyboard.press('?');
    const help = page().getByTestId('help');
    for (const line of ['Reviewer: approve the selected track', 'Next undecided track', 'Audio redaction: press at its start']) expect(await help.textContent()).toContain(line);
    await session.shot('review-00-shortcuts');
    await page().keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  it('the reviewer gives a name, sees the pass read-only, steps through the tracks, approves each and the pass', async () => {
    await page().getByTestId('role').selectOption('reviewer');
    // Reviewer mode signs every decision: it asks for a name first.
    await page().getByTestId('identity-dialog').waitFor();
    await page().getByLabel('Your name').fill('Rae Viewer');
    await page().getByTestId('identity-continue').click();
    await page().getByTestId('identity-dialog').waitFor({ state: 'detached' });
    await session.focusEditor();
    expect(await page().getByTestId('identity').textContent()).toContain('Rae Viewer');
    expect(await page().getByTestId('analysis-panel').count()).toBe(0);
    expect(await lane(FIRST.id).locator('.trim').count()).toBe(0);

    // Read-only: the delete key and a drag of the box are refused with a notice; nothing changes.
    await page().locator(`[data-testid=track-list] li[data-track="${SECOND.id}"]`).click();
    await session.waitForPicture(SECOND.at);
    await page().keyboard.press('Delete');
    await expect.poll(() => noticeCount('warning', 'Reviewer mode: “Delete manual-2” was not applied'), { timeout: 10_000 }).toBe(1);
    const face = await session.faceOnScreen(SECOND.at);
    await session.drag(face.centre, { x: face.centre.x + 60, y: face.centre.y });
    await expect.poll(() => noticeCount('warning', 'Reviewer mode: the boxes are read-only'), { timeout: 10_000 }).toBe(1);
    expect(await page().locator('[data-testid=edit-box] .handle').count()).toBe(0);
    await page().keyboard.press('r');
    await expect.poll(() => noticeCount('warning', 'Reviewer mode: marking audio redactions is not available'), { timeout: 10_000 }).toBe(1);
    expect(await lane(SECOND.id).count()).toBe(1);
    await session.shot('review-01-read-only-notices');
    await dismissNotices();

    await page().getByTestId('start-review').click();
    await expect.poll(passState, { timeout: 10_000 }).toBe('in-review');
    expect(await page().getByTestId('pass-state').textContent()).toBe('In review');
    await session.shot('review-02-in-review');

    // manual-2 is selected: the next undecided one wraps around to manual-1.
    await approveNext(FIRST.id, FIRST.from);
    expect(await page().getByTestId('approve-pass').isDisabled()).toBe(true);
    expect(await page().getByTestId('approve-why-not').textContent()).toBe(`1 track not approved yet: ${SECOND.id}.`);
    await approveNext(SECOND.id, SECOND.at);
    expect(await page().getByTestId('review-counts').textContent()).toBe('2 approved · 0 sent back · 0 undecided');
    await page().keyboard.press('n');
    await expect.poll(() => noticeCount('info', 'Every track has a decision.'), { timeout: 10_000 }).toBe(1);

    expect(await page().getByTestId('approve-pass').isEnabled()).toBe(true);
    await page().getByTestId('approve-pass').click();
    await expect.poll(passState, { timeout: 10_000 }).toBe('approved');
    await session.shot('review-03-approved');
    expect(await openExportGate()).toBe('Approved export, if the leak check is clean');
    await session.shot('review-04-export-approved');
    await closeExport();

    await expectSaved((p) => [p.review.state, p.review.events.map((e) => `${e.type}:${e.actor}:${e.trackIds.join()}`).slice(3)], [
      'approved',
      ['review-started:Rae Viewer:', `track-approved:Rae Viewer:${FIRST.id}`, `track-approved:Rae Viewer:${SECOND.id}`, 'pass-approved:Rae Viewer:'],
    ]);
  });

  it('counts what the reviewer watched: stepping and playing fill the bar under the ruler', async () => {
    const before = await watchedFrames();
    // N and the clicks above showed frames 10, 20 (the drag's seek) and 40 at least.
    expect(before).toBeGreaterThanOrEqual(2);
    await session.goToFrame(50);
    await page().keyboard.press('ArrowRight');
    await session.waitForPicture(51);
    await expect.poll(watchedFrames, { timeout: 10_000 }).toBeGreaterThanOrEqual(before + 2);
    const stepped = await watchedFrames();
    const undoTitle = await page().getByTestId('undo').getAttribute('title');

    await session.goToFrame(0);
    // What Chromium presented while playing (a loaded machine drops frames, so the count varies).
    await page().evaluate(`{
      const video = document.querySelector('video');
      window.presentedTimes = [];
      const record = (_now, meta) => { window.presentedTimes.push(meta.mediaTime); if (!video.paused) video.requestVideoFrameCallback(record); };
      video.requestVideoFrameCallback(record);
    }`);
    await page().keyboard.press('Space');
    await expect.poll(session.frameNumber, { timeout: 10_000 }).toBeGreaterThan(30);
    await page().keyboard.press('k');
    const presented = [...new Set(((await page().evaluate('window.presentedTimes')) as number[]).map((t) => frameAtTime(CLOCK, t)))];
    expect(presented.length).toBeGreaterThan(5);
    // Playback counts every frame it presented, and the small gaps between presented frames.
    const expected = presented.reduce((frames, frame, i) => {
      const from = i > 0 && frame > presented[i - 1] && frame - presented[i - 1] <= WATCH_GAP ? presented[i - 1] : frame;
      for (let f = from; f <= frame; f++) frames.add(f);
      return frames;
    }, new Set<number>());
    await expectSaved((p) => [...expected].filter((f) => !p.review.watched.some((r) => r.first <= f && f <= r.last)), []);
    // Read together: a frame presented late can still be counted between two separate reads.
    const [percent, frames] = await page()
      .getByTestId('watched-percent')
      .evaluate((el) => {
        const element = el as unknown as { textContent: string | null; getAttribute(name: string): string | null };
        return [element.textContent ?? '', element.getAttribute('data-frames') ?? ''] as const;
      });
    expect(Number(percent.replace('%', ''))).toBe(Math.floor((100 * Number(frames)) / FACE_CLIP.frames));
    await session.shot('review-05-watched');
    // Watching is not an edit: no undo step and no log entry, but it is saved.
    expect(await page().getByTestId('undo').getAttribute('title')).toBe(undoTitle);
    const watched = await watchedFrames();
    await expectSaved((p) => [p.review.watched.reduce((n, r) => n + r.last - r.first + 1, 0), p.review.events.length], [watched, 7]);
  });

  it('the editor moves a box of one track: its approval and the pass approval are withdrawn and logged; adds an audio redaction', async () => {
    await become('Eda Editor', 'Editor');
    await page().locator(`[data-testid=track-list] li[data-track="${FIRST.id}"]`).click();
    await session.goToFrame(15);
    const face = await session.faceOnScreen(15);
    await session.drag(face.centre, { x: face.centre.x + 30, y: face.centre.y });
    await expect.poll(passState, { timeout: 10_000 }).toBe('in-review');
    expect(await lane(FIRST.id).getAttribute('data-decision')).toBe('none');
    expect(await lane(SECOND.id).getAttribute('data-decision')).toBe('approved');
    const [withdrawal, edit] = await logLines();
    expect(withdrawal).toContain(`decision withdrawn on ${FIRST.id}; pass approval withdrawn (edited: Set the box of ${FIRST.id} on frame 15)`);
    expect(withdrawal).toContain('Blurline (Blurline)');
    expect(edit).toContain(`Eda Editor (Editor)Set the box of ${FIRST.id} on frame 15`);
    expect(await noticeCount('warning', 'Approval withdrawn')).toBe(1);
    expect(await openExportGate()).toBe('Draft export — the pass is not approved (In review)');
    await closeExport();
    await session.shot('review-06-edit-withdrew-approval');
    await dismissNotices();

    // An audio redaction: R at frame 20, R at frame 30; bleep, with the reason; its end dragged two frames on.
    await session.goToFrame(20);
    await page().keyboard.press('r');
    await page().getByTestId('audio-mark').waitFor();
    await session.goToFrame(30);
    await page().keyboard.press('r');
    const range = page().locator('[data-testid=audio-redaction][data-id="audio-1"]');
    await range.waitFor();
    await page().getByLabel('Audio redaction mode').selectOption('bleep');
    await page().getByLabel('Audio redaction label').fill('surname said aloud');
    await session.focusEditor();
    await expect.poll(() => range.getAttribute('data-mode'), { timeout: 10_000 }).toBe('bleep');
    const handle = (await range.locator('.trim-last').boundingBox())!;
    const perFrame = (await range.boundingBox())!.width / 11;
    const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
    await session.drag(from, { x: from.x + 2 * perFrame, y: from.y });
    await expect.poll(() => page().getByTestId('audio-panel').textContent(), { timeout: 10_000 }).toContain('Frames 20–32');
    await session.shot('review-07-audio-redaction');
    // Delete removes the selected range; undo brings it back.
    await page().keyboard.press('Delete');
    await expect.poll(() => range.count(), { timeout: 10_000 }).toBe(0);
    await page().keyboard.press('Control+z');
    await expect.poll(() => range.count(), { timeout: 10_000 }).toBe(1);
    await expectSaved((p) => p.audioRedactions, [{ id: 'audio-1', startSeconds: 0.8, endSeconds: 1.32, mode: 'bleep', label: 'surname said aloud' }]);
  });

  it('the reviewer sends the edited track back and requests changes, the editor sees why, then the reviewer resumes and re-approves', async () => {
    await become('Rae Viewer', 'Reviewer');
    expect(await page().locator('[data-testid=audio-redaction] .trim').count()).toBe(0);
    await page().keyboard.press('n');
    await expect.poll(() => page().locator('[data-testid=track-list] li.selected').getAttribute('data-track'), { timeout: 10_000 }).toBe(FIRST.id);
    // A send-back needs a comment.
    await page().getByTestId('send-back').click();
    await expect.poll(() => noticeCount('error', 'say what needs changing'), { timeout: 10_000 }).toBe(1);
    await page().getByLabel('Review comment').fill('the box slipped off the chin on frame 15');
    await page().getByTestId('send-back').click();
    await expect.poll(() => lane(FIRST.id).getAttribute('data-decision'), { timeout: 10_000 }).toBe('sent-back');
    expect(await lane(FIRST.id).getByTestId('lane-decision').getAttribute('title')).toBe('Sent back by Rae Viewer: “the box slipped off the chin on frame 15”');
    expect(await page().getByTestId('approve-pass').isDisabled()).toBe(true);
    await page().getByLabel('Review comment').fill('fix manual-1, then send it back to me');
    await page().getByTestId('request-changes').click();
    await expect.poll(passState, { timeout: 10_000 }).toBe('changes-requested');
    expect(await page().getByTestId('pass-state').textContent()).toBe('Changes requested');
    expect(await openExportGate()).toBe('Draft export — the pass is not approved (Changes requested)');
    await closeExport();

    await dismissNotices();
    await become('Eda Editor', 'Editor');
    const toFix = await page().getByTestId('to-fix').textContent();
    expect(toFix).toContain('Changes requested by Rae Viewer: “fix manual-1, then send it back to me”');
    expect(toFix).toContain(`${FIRST.id} Sent back by Rae Viewer: “the box slipped off the chin on frame 15”`);
    await session.shot('review-08-sent-back-editor');

    await become('Rae Viewer', 'Reviewer');
    await page().getByTestId('start-review').click();
    await expect.poll(passState, { timeout: 10_000 }).toBe('in-review');
    await page().locator(`[data-testid=track-list] li[data-track="${FIRST.id}"]`).click();
    await page().keyboard.press('a');
    await expect.poll(() => lane(FIRST.id).getAttribute('data-decision'), { timeout: 10_000 }).toBe('approved');
    await page().getByTestId('approve-pass').click();
    await expect.poll(passState, { timeout: 10_000 }).toBe('approved');
    expect(await openExportGate()).toBe('Approved export, if the leak check is clean');
    await closeExport();
    await session.shot('review-09-reapproved');

    const saved = await (async () => {
      await expectSaved((p) => p.review.state, 'approved');
      return savedProject();
    })();
    expect(Object.keys(saved.review.decisions).sort()).toEqual([FIRST.id, SECOND.id]);
    // The whole story, in order, in the file main wrote: nothing was taken back by the edit or the re-approval.
    expect(saved.review.events.map((e) => `${e.type}:${e.actor}:${e.role}`)).toEqual([
      'edit:(unnamed):editor',
      'edit:(unnamed):editor',
      'edit:(unnamed):editor',
      'review-started:Rae Viewer:reviewer',
      'track-approved:Rae Viewer:reviewer',
      'track-approved:Rae Viewer:reviewer',
      'pass-approved:Rae Viewer:reviewer',
      'edit:Eda Editor:editor',
      'approval-invalidated:Blurline:system',
      'edit:Eda Editor:editor',
      'edit:Eda Editor:editor',
      'edit:Eda Editor:editor',
      'edit:Eda Editor:editor',
      'edit:Eda Editor:editor',
      'edit:Eda Editor:editor',
      'track-sent-back:Rae Viewer:reviewer',
      'changes-requested:Rae Viewer:reviewer',
      'review-started:Rae Viewer:reviewer',
      'track-approved:Rae Viewer:reviewer',
      'pass-approved:Rae Viewer:reviewer',
    ]);
    expect(saved.review.events.map((e) => e.seq)).toEqual(saved.review.events.map((_, i) => i));
    expect(saved.review.events.find((e) => e.type === 'track-sent-back')?.comment).toBe('the box slipped off the chin on frame 15');
    expect(saved.review.events.filter((e) => e.type === 'edit').slice(-2).map((e) => e.detail)).toEqual(['Delete audio redaction audio-1', 'Undo: Delete audio redaction audio-1']);
  });

  it('marks the frames of low-confidence detections under the ruler (a click goes there); one R covers an I/O range; P steps to a possible face, X rejects it', async () => {
    // A project with a detected track whose keyframes on frames 60 and 62 are uncertain, and a
    // possible face over a person's head from frame 30, on a copy of the clip (a project of its
    // own, reviewed from the start).
    const copy = path.join(session.dir, 'dashcam-copy.mp4');
    copyFileSync(session.clip, copy);
    const saved = await savedProject();
    const box = FACE_CLIP.faceBoxAt(60);
    const detected: Track = {
      id: 'auto-9',
      origin: 'auto',
      status: 'pending',
      style: { ...DEFAULT_BLUR_STYLE },
      keyframes: [
        { frame: 58, box, confidence: 0.92 },
        { frame: 60, box, confidence: 0.35 },
        { frame: 62, box, confidence: 0.41 },
      ],
    };
    const possibleFace: Track = {
      id: 'person-1',
      origin: 'person',
      status: 'pending',
      style: { ...DEFAULT_BLUR_STYLE },
      keyframes: [
        { frame: 30, box: FACE_CLIP.photoBoxAt(30), confidence: 0.7 },
        { frame: 40, box: FACE_CLIP.photoBoxAt(40), confidence: 0.72 },
      ],
    };
    projectToOpen = path.join(session.dir, 'uncertain.blurline.json');
    writeFileSync(projectToOpen, JSON.stringify({ ...saved, source: { ...saved.source, path: copy }, tracks: [...saved.tracks, detected, possibleFace], review: EMPTY_REVIEW }));
    await page().getByRole('button', { name: 'Open project…' }).click();
    await expect.poll(() => lane('auto-9').count(), { timeout: 10_000 }).toBe(1);
    await session.waitForPicture(0);
    const marks = page().getByTestId('low-confidence');
    expect(await marks.count()).toBe(2);
    await marks.nth(1).click();
    await expect.poll(session.frameNumber, { timeout: 10_000 }).toBe(62);
    await session.waitForPicture(62);
    await session.shot('review-10-low-confidence');
    // Frames 0 (on opening) and 62 are watched; the project is autosaved as it was opened plus that.
    await expectSaved((p) => [p.tracks.length, p.review.watched], [4, [{ first: 0, last: 0 }, { first: 62, last: 62 }]], copy);

    // With an I/O range set, one R covers it with an audio redaction.
    await become('Eda Editor', 'Editor');
    await page().keyboard.press('i');
    await session.goToFrame(66);
    await page().keyboard.press('o');
    await page().keyboard.press('r');
    await expect.poll(() => page().getByTestId('audio-panel').textContent(), { timeout: 10_000 }).toContain('Frames 62–66');
    await expectSaved((p) => p.audioRedactions.map((r) => [r.id, r.startSeconds, r.endSeconds]), [['audio-1', 0.8, 1.32], ['audio-2', 2.48, 2.68]], copy);

    // The possible face is marked on its lane and counted in the review panel; P selects it and
    // goes to its first frame; the editor rejects it (X) like any track.
    expect(await lane('person-1').getAttribute('data-origin')).toBe('person');
    expect(await lane('person-1').getByTestId('possible-face-tag').textContent()).toBe('possible face');
    expect(await lane('auto-9').getByTestId('possible-face-tag').count()).toBe(0);
    expect(await page().getByTestId('possible-faces').textContent()).toContain('1 over persons whose face was not found · 1 not checked');
    await page().keyboard.press('p');
    await expect.poll(session.frameNumber, { timeout: 10_000 }).toBe(30);
    await expect.poll(() => lane('person-1').getAttribute('class')).toContain('selected');
    await session.waitForPicture(30);
    await session.shot('review-11-possible-face');
    await page().keyboard.press('x');
    await expect.poll(() => lane('person-1').getAttribute('class')).toContain('status-rejected');
    expect(await page().getByTestId('possible-faces').textContent()).toContain('0 not checked');
    await expectSaved((p) => p.tracks.find((t) => t.id === 'person-1')?.status, 'rejected', copy);
    expect(await page().locator('[data-testid=notice-error]').allTextContents()).toEqual([]);
    expect(session.pageErrors).toEqual([]);
  });
});
