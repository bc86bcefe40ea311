import { describe, expect, it } from 'vitest';
import { setStatus, splitTrack } from '../../core/edits';
import { commandForKey, type KeyPress } from '../../renderer/src/keymap';
import { createEditorStore } from '../../renderer/src/store';
import { visibleTracks } from '../../renderer/src/timeline/visibleTracks';
import { defaultExportPath, fileName } from '../../renderer/src/paths';
import { frameAtTime, seekTimeOf, timecode } from '../../renderer/src/time';
import { keyframe, projectWith, track } from '../helpers/projects';

const media = { playbackUrl: 'http://host/video/x', proxyJobId: null, playbackIsProxy: false, framesUrl: 'http://host/frames/x' };
const box = { x: 10, y: 10, width: 20, height: 20 };

function loadedStore() {
  const store = createEditorStore();
  store.getState().loadProject(projectWith([track('a', [keyframe(0, box), keyframe(50, box)]), track('b', [keyframe(10, box)])]), media);
  return store;
}

describe('editor store', () => {
  it('applies edits through core/edits and undoes/redoes them, counting revisions for autosave', () => {
    const store = loadedStore();
    const s = store.getState;
    expect(s().edit((p) => setStatus(p, ['a'], 'rejected'), 'Reject a')).toBe(true);
    expect(s().project!.tracks[0].status).toBe('rejected');
    expect(s().revision).toBe(1);
    s().undo();
    expect(s().project!.tracks[0].status).toBe('pending');
    s().redo();
    expect(s().project!.tracks[0].status).toBe('rejected');
    expect(s().revision).toBe(3);
    expect(s().history.past.map((e) => e.label)).toEqual(['Reject a']);
  });

  it('turns an impossible edit into an error notice and records nothing', () => {
    const store = loadedStore();
    const s = store.getState;
    expect(s().edit((p) => splitTrack(p, 'a', 80, 'a2'), 'Split a')).toBe(false);
    expect(s().history.past).toHaveLength(0);
    expect(s().notices).toEqual([expect.objectContaining({ kind: 'error', text: expect.stringContaining('Split a: split at frame 80') })]);
  });

  it('seeks within the clip; playing drops a pending seek', () => {
    const store = loadedStore();
    const s = store.getState;
    s().seekTo(500);
    expect(s().frame).toBe(99);
    expect(s().seek).toMatchObject({ frame: 99 });
    s().step(-10);
    expect(s().frame).toBe(89);
    s().togglePlay();
    expect(s().rate).toBe(1);
    expect(s().seek).toBeNull();
  });

  it('zooms the timeline around the playhead', () => {
    const store = loadedStore();
    const s = store.getState;
    s().setZoom(2);
    s().scrollTo(10);
    s().seekTo(60);
    s().zoomBy(2);
    // The playhead was 100 px from the left edge and stays there.
    expect(s().pxPerFrame).toBe(4);
    expect((60 - s().scrollFrame) * s().pxPerFrame).toBeCloseTo(100);
  });

  it('loading another project resets history, selection and position', () => {
    const store = loadedStore();
    const s = store.getState;
    s().edit((p) => setStatus(p, ['a'], 'confirmed'), 'Confirm a');
    s().select(['a']);
    s().seekTo(40);
    s().loadProject(projectWith([]), media);
    expect(s()).toMatchObject({ selectedIds: [], frame: 0, revision: 0, history: { past: [], future: [] } });
  });
});

describe('keyboard map', () => {
  const press = (key: string, mods: Partial<KeyPress> = {}): KeyPress => ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });

  it('maps the editing keys', () => {
    expect(commandForKey(press(' '))).toBe('play-pause');
    expect(commandForKey(press('ArrowLeft'))).toBe('step-back');
    expect(commandForKey(press('ArrowRight', { shiftKey: true }))).toBe('step-forward-10');
    expect(commandForKey(press('j'))).toBe('shuttle-back');
    expect(commandForKey(press('L', { shiftKey: true }))).toBe('shuttle-forward');
    expect(commandForKey(press('Home'))).toBe('first-frame');
    expect(commandForKey(press('Delete'))).toBe('delete-track');
    expect(commandForKey(press('z', { ctrlKey: true }))).toBe('undo');
    expect(commandForKey(press('Z', { metaKey: true, shiftKey: true }))).toBe('redo');
    expect(commandForKey(press('+', { shiftKey: true }))).toBe('zoom-in');
    expect(commandForKey(press('-'))).toBe('zoom-out');
    expect(commandForKey(press('?', { shiftKey: true }))).toBe('show-shortcuts');
  });

  it('ignores unbound keys and Alt chords', () => {
    expect(commandForKey(press('q'))).toBeNull();
    expect(commandForKey(press('z', { altKey: true, ctrlKey: true }))).toBeNull();
    expect(commandForKey(press('ArrowLeft', { ctrlKey: true }))).toBeNull();
  });
});

describe('frames and time', () => {
  const clock = { frameRate: { num: 30000, den: 1001 }, frameCount: 1000 };

  it('maps presented times to frames and seeks into the middle of a frame', () => {
    for (const frame of [0, 1, 29, 30, 500, 999]) {
      expect(frameAtTime(clock, seekTimeOf(clock, frame))).toBe(frame);
      const timestamp = (frame * 1001) / 30000;
      expect(frameAtTime(clock, timestamp)).toBe(frame);
      // Microsecond timestamps may fall just before the frame's exact start.
      expect(frameAtTime(clock, Math.floor(timestamp * 1e6) / 1e6)).toBe(frame);
    }
    expect(frameAtTime(clock, 1e6)).toBe(999);
  });

  it('writes timecodes with the frame in the second', () => {
    expect(timecode({ frameRate: { num: 25, den: 1 }, frameCount: 100000 }, 25 * 3661 + 7)).toBe('01:01:01:07');
  });
});

describe('timeline lanes', () => {
  it('filters by status and lists tracks still being found after the project tracks', () => {
    const tracks = [track('a', [keyframe(0, box)]), track('b', [keyframe(0, box)], { status: 'rejected' })];
    const found = [track('found-1', [keyframe(3, box)])];
    const filter = { pending: true, confirmed: true, rejected: false };
    expect(visibleTracks(tracks, found, filter).map((t) => [t.track.id, t.isFound])).toEqual([
      ['a', false],
      ['found-1', true],
    ]);
  });
});

describe('paths from the host', () => {
  it('names files and the default export beside the source, POSIX or Windows', () => {
    expect(fileName('/videos/cam 3.MP4')).toBe('cam 3.MP4');
    expect(defaultExportPath('/videos/cam.3.mp4')).toBe('/videos/cam.3.blurred.mp4');
    expect(defaultExportPath('C:\\clips\\dash.mov')).toBe('C:\\clips\\dash.blurred.mp4');
  });
});
