import { describe, expect, it } from 'vitest';
import { setBoxAt, setStatus } from '../../core/edits';
import { addRedaction, changeRedaction, freshAudioId, redactionFrames, removeRedaction, setRedactionFrames } from '../../renderer/src/audioRedactions';
import { bindIdentityStorage, IDENTITY_KEY } from '../../renderer/src/identity';
import { commandForKey, type KeyPress } from '../../renderer/src/keymap';
import { createEditorStore, type EditorStore } from '../../renderer/src/store';
import { rangesInView, watchedPercent } from '../../renderer/src/timeline/watched';
import { framesOfSeconds, frameStartSeconds } from '../../renderer/src/time';
import { keyframe, projectWith, track } from '../helpers/projects';

const media = { playbackUrl: 'http://host/video/x', proxyJobId: null, playbackIsProxy: false, framesUrl: 'http://host/frames/x' };
const box = { x: 10, y: 10, width: 20, height: 20 };

function loadedStore(): EditorStore {
  const store = createEditorStore();
  store.getState().loadProject(projectWith([track('a', [keyframe(0, box), keyframe(50, box, 0.3)]), track('b', [keyframe(10, box)])]), media);
  return store;
}

const review = (store: EditorStore) => store.getState().project!.review;
const eventTypes = (store: EditorStore) => review(store).events.map((e) => e.type);
const noticeTexts = (store: EditorStore) => store.getState().notices.map((n) => n.text);

/** As the reviewer Rae: start, approve every track and the pass. */
function approveEverything(store: EditorStore) {
  const s = store.getState;
  s().setIdentity('Rae', 'reviewer');
  expect(s().startReview()).toBe(true);
  for (const t of s().project!.tracks) expect(s().decideTrack(t.id, 'approved')).toBe(true);
  expect(s().approvePass()).toBe(true);
  expect(review(store).state).toBe('approved');
}

describe('edits are logged in the review', () => {
  it('logs each edit, undo and redo under the current user, and undo never takes log entries back', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setIdentity('Eda', 'editor');
    s().edit((p) => setStatus(p, ['a'], 'rejected'), 'Reject a');
    s().undo();
    s().redo();
    expect(review(store).events.map((e) => [e.type, e.actor, e.role, e.detail, e.trackIds])).toEqual([
      ['edit', 'Eda', 'editor', 'Reject a', ['a']],
      ['edit', 'Eda', 'editor', 'Undo: Reject a', ['a']],
      ['edit', 'Eda', 'editor', 'Redo: Reject a', ['a']],
    ]);
    // The log is not part of undo: undoing everything keeps all three entries and adds a fourth.
    s().undo();
    expect(review(store).events).toHaveLength(4);
    expect(s().history.past).toHaveLength(0);
  });

  it('logs a continued drag once, and an edit before anyone entered a name as unnamed', () => {
    const store = loadedStore();
    const s = store.getState;
    s().edit((p) => setBoxAt(p, 'a', 5, { ...box, x: 11 }), 'Set the box of a on frame 5', true);
    s().edit((p) => setBoxAt(p, 'a', 5, { ...box, x: 12 }), 'Set the box of a on frame 5', true);
    expect(review(store).events.map((e) => [e.actor, e.detail])).toEqual([['(unnamed)', 'Set the box of a on frame 5']]);
  });

  it('logs an edit made on behalf of someone else as theirs (detection run by the editor)', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setIdentity('Rae', 'reviewer');
    const detection = track('auto-3', [keyframe(20, box)]);
    expect(s().edit(() => ({ type: 'replace', remove: [], insert: [{ index: 2, track: detection }] }), 'Detection (frames 20–29)', false, { name: 'Eda', role: 'editor' })).toBe(true);
    expect(review(store).events.at(-1)).toMatchObject({ type: 'edit', actor: 'Eda', role: 'editor', detail: 'Detection (frames 20–29)', trackIds: ['auto-3'] });
  });

  it('an edit after approval withdraws what it touched, sends the pass back to review and says so; undo restores nothing', () => {
    const store = loadedStore();
    const s = store.getState;
    approveEverything(store);
    s().setIdentity('Eda', 'editor');
    expect(s().edit((p) => setBoxAt(p, 'b', 10, { ...box, x: 40 }), 'Set the box of b on frame 10')).toBe(true);
    expect(review(store).state).toBe('in-review');
    expect(review(store).decisions).toEqual({ a: expect.objectContaining({ decision: 'approved' }) });
    expect(eventTypes(store).slice(-2)).toEqual(['edit', 'approval-invalidated']);
    expect(noticeTexts(store).at(-1)).toMatch(/^Approval withdrawn: decision withdrawn on b; pass approval withdrawn/);
    // Undoing the edit is a new edit: b's approval stays withdrawn.
    s().undo();
    expect(review(store).decisions.b).toBeUndefined();
    expect(review(store).events.at(-1)).toMatchObject({ type: 'edit', detail: 'Undo: Set the box of b on frame 10' });
  });
});

describe('reviewer mode', () => {
  it('refuses edits of tracks and audio (and their undo) with a notice, but not export settings', () => {
    const store = loadedStore();
    const s = store.getState;
    s().edit((p) => setStatus(p, ['a'], 'confirmed'), 'Confirm a');
    s().setIdentity('Rae', 'reviewer');
    expect(s().edit((p) => setStatus(p, ['b'], 'rejected'), 'Reject b')).toBe(false);
    expect(s().edit((p) => addRedaction(p, 'audio-1', 0, 10), 'Add audio redaction')).toBe(false);
    s().undo();
    expect(s().project!.tracks.map((t) => t.status)).toEqual(['confirmed', 'pending']);
    expect(s().project!.audioRedactions).toEqual([]);
    expect(noticeTexts(store)).toEqual([
      expect.stringMatching(/^Reviewer mode: “Reject b” was not applied/),
      expect.stringMatching(/^Reviewer mode: “Add audio redaction” was not applied/),
      expect.stringMatching(/^Reviewer mode: “Undo: Confirm a” was not applied/),
    ]);
    const settings = { ...s().project!.exportSettings, crf: 20 };
    expect(s().edit(() => ({ type: 'setExportSettings', settings }), 'Export settings')).toBe(true);
    expect(s().project!.exportSettings.crf).toBe(20);
  });

  it('asks for a name before reviewer mode and before the first review step', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setRole('reviewer');
    expect(s().role).toBe('editor');
    expect(s().identityPrompt).toMatchObject({ role: 'reviewer' });
    s().setIdentity('  Rae ', 'reviewer');
    expect([s().userName, s().role, s().identityPrompt]).toEqual(['Rae', 'reviewer', null]);
    s().setIdentity('', 'reviewer');
    expect(s().startReview()).toBe(false);
    expect(s().identityPrompt?.reason).toMatch(/^Start review: enter your name first/);
    expect(review(store).state).toBe('draft');
  });

  it('review steps are the reviewer’s; refused ones become notices and change nothing', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setIdentity('Eda', 'editor');
    expect(s().startReview()).toBe(false);
    expect(noticeTexts(store).at(-1)).toMatch(/switch the role to Reviewer/);
    s().setIdentity('Rae', 'reviewer');
    expect(s().decideTrack('a', 'approved')).toBe(false);
    expect(noticeTexts(store).at(-1)).toBe('Approve a: start the review before deciding on tracks');
    s().startReview();
    const revision = s().revision;
    expect(s().decideTrack('a', 'sent-back', '  ')).toBe(false);
    expect(s().approvePass()).toBe(false);
    expect(noticeTexts(store).at(-1)).toBe('Approve pass: 2 tracks not approved yet (a, b)');
    expect(s().revision).toBe(revision);
    expect(s().decideTrack('a', 'sent-back', 'box too small on frame 50')).toBe(true);
    expect(s().requestChanges('fix a')).toBe(true);
    expect(review(store)).toMatchObject({ state: 'changes-requested', decisions: { a: { decision: 'sent-back', by: 'Rae', comment: 'box too small on frame 50' } } });
    // Review steps are not edits: nothing to undo, but they are saved.
    expect(s().history.past).toHaveLength(0);
    expect(s().revision).toBeGreaterThan(revision);
    expect(eventTypes(store)).toEqual(['review-started', 'track-sent-back', 'changes-requested']);
  });

  it('counts frames on screen as watched in reviewer mode only, joining small gaps while playing, without undo or log', () => {
    const store = loadedStore();
    const s = store.getState;
    s().noteWatched(3);
    expect(review(store).watched).toEqual([]);
    // Entering reviewer mode counts the frame on screen (0).
    s().setIdentity('Rae', 'reviewer');
    s().noteWatched(3);
    s().noteWatched(7);
    // Playing: frames up to 3 apart count with those between.
    s().setRate(1);
    s().noteWatched(10);
    s().noteWatched(13);
    s().noteWatched(17);
    expect(review(store).watched).toEqual([{ first: 0, last: 0 }, { first: 3, last: 3 }, { first: 7, last: 13 }, { first: 17, last: 17 }]);
    const revision = s().revision;
    s().noteWatched(12);
    expect(s().revision).toBe(revision);
    expect(review(store).events).toEqual([]);
    expect(s().history.past).toEqual([]);
    expect(watchedPercent(review(store).watched, 100)).toBe(10);
  });
});

describe('the watched bar', () => {
  it('draws only ranges in view, joining those closer than a few pixels', () => {
    const ranges = [{ first: 0, last: 4 }, { first: 6, last: 6 }, { first: 20, last: 25 }, { first: 200, last: 210 }];
    // 2 px per frame: a 1-frame gap is 2 px, joined under 4 px; 20 is 13 frames after 6.
    expect(rangesInView(ranges, 0, 100, 2, 4)).toEqual([{ first: 0, last: 6 }, { first: 20, last: 25 }]);
    expect(ranges[0]).toEqual({ first: 0, last: 4 });
    expect(rangesInView(ranges, 100, 300, 0.1, 4)).toEqual([{ first: 200, last: 210 }]);
    expect(watchedPercent([{ first: 0, last: 98 }], 100)).toBe(99);
    expect(watchedPercent([{ first: 0, last: 99 }], 100)).toBe(100);
  });
});

describe('audio redactions', () => {
  const clock = { frameRate: { num: 25, den: 1 }, frameCount: 100 };

  it('keep whole frames as seconds from the first frame, and read back as the same frames', () => {
    expect(frameStartSeconds(clock, 10)).toBe(0.4);
    expect(framesOfSeconds(clock, 0.4, 0.84)).toEqual({ first: 10, last: 20 });
    const ntsc = { frameRate: { num: 30000, den: 1001 }, frameCount: 1000 };
    for (const [first, last] of [[0, 0], [7, 29], [500, 999]]) {
      expect(framesOfSeconds(ntsc, frameStartSeconds(ntsc, first), frameStartSeconds(ntsc, last + 1))).toEqual({ first, last });
    }
  });

  it('are added, changed, moved and removed as undoable edits, logged as changes of the pass', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setIdentity('Eda', 'editor');
    const id = freshAudioId(s().project!.audioRedactions);
    expect(id).toBe('audio-1');
    s().edit((p) => addRedaction(p, id, 30, 20), 'Add audio redaction');
    expect(s().project!.audioRedactions).toEqual([{ id, startSeconds: 0.8, endSeconds: 1.24, mode: 'mute', label: '' }]);
    s().edit((p) => changeRedaction(p, id, { mode: 'bleep', label: 'surname' }), 'Bleep');
    s().edit((p) => setRedactionFrames(p, id, 25, 40), 'Move');
    expect(redactionFrames(s().project!.source, s().project!.audioRedactions[0])).toEqual({ first: 25, last: 40 });
    expect(s().project!.audioRedactions[0]).toMatchObject({ mode: 'bleep', label: 'surname' });
    s().undo();
    expect(redactionFrames(s().project!.source, s().project!.audioRedactions[0])).toEqual({ first: 20, last: 30 });
    s().edit((p) => removeRedaction(p, id), 'Delete');
    expect(s().project!.audioRedactions).toEqual([]);
    expect(review(store).events.map((e) => [e.detail, e.trackIds])).toEqual([
      ['Add audio redaction', []],
      ['Bleep', []],
      ['Move', []],
      ['Undo: Move', []],
      ['Delete', []],
    ]);
    expect(s().edit((p) => setRedactionFrames(p, 'audio-9', 1, 2), 'Move')).toBe(false);
    expect(noticeTexts(store).at(-1)).toBe('Move: audio redaction audio-9 does not exist');
  });
});

describe('who is working', () => {
  function memoryStorage(initial: Record<string, string> = {}) {
    const items = new Map(Object.entries(initial));
    return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v), items };
  }

  it('is remembered across sessions', () => {
    const storage = memoryStorage();
    const first = createEditorStore();
    bindIdentityStorage(first, storage);
    first.getState().setIdentity('Rae', 'reviewer');
    const second = createEditorStore();
    bindIdentityStorage(second, storage);
    expect([second.getState().userName, second.getState().role]).toEqual(['Rae', 'reviewer']);
  });

  it('ignores a damaged entry, and never restores a reviewer without a name', () => {
    for (const [text, expected] of [['{not json', ['', 'editor']], [JSON.stringify({ name: '', role: 'reviewer' }), ['', 'editor']], [JSON.stringify({ name: 'Eda', role: 'boss' }), ['', 'editor']]] as const) {
      const store = createEditorStore();
      bindIdentityStorage(store, memoryStorage({ [IDENTITY_KEY]: text }));
      expect([store.getState().userName, store.getState().role]).toEqual(expected);
    }
  });
});

describe('review keys', () => {
  const press = (key: string): KeyPress => ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false });

  it('maps A, N and R', () => {
    expect(commandForKey(press('a'))).toBe('approve-track');
    expect(commandForKey(press('n'))).toBe('next-undecided');
    expect(commandForKey(press('r'))).toBe('audio-range');
  });
});
