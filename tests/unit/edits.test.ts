import { describe, expect, it } from 'vitest';
import {
  addManualTrack,
  applyEdit,
  EditError,
  followEdit,
  freshTrackId,
  mergeTracks,
  removeTracks,
  setBoxAt,
  setStatus,
  setStyle,
  setTrackSpan,
  splitTrack,
  type Edit,
} from '../../core/edits';
import { commitEdit, EMPTY_HISTORY, HISTORY_LIMIT, redo, undo } from '../../core/history';
import { DEFAULT_BLUR_STYLE, parseProject, type Project } from '../../core/project';
import { trackBoxAt, trackSpan } from '../../core/tracks';
import { keyframe, projectWith, track } from '../helpers/projects';

const box = (x: number, y = 10, size = 20) => ({ x, y, width: size, height: size });

function sample(): Project {
  return projectWith([
    track('a', [keyframe(10, box(0)), keyframe(20, box(100)), keyframe(30, box(200))]),
    track('b', [keyframe(40, box(300)), keyframe(50, box(400))], { status: 'confirmed' }),
    track('c', [keyframe(60, box(0))]),
  ]);
}

/** Applies an edit, checks the result is a valid project, then that the inverse restores the original exactly. */
function roundTrip(project: Project, edit: Edit): Project {
  const { project: next, inverse } = applyEdit(project, edit);
  expect(() => parseProject(next)).not.toThrow();
  expect(applyEdit(next, inverse).project).toEqual(project);
  return next;
}

describe('track edits', () => {
  it('confirms, rejects and restores statuses', () => {
    const next = roundTrip(sample(), setStatus(sample(), ['a', 'c'], 'rejected'));
    expect(next.tracks.map((t) => t.status)).toEqual(['rejected', 'confirmed', 'rejected']);
  });

  it('deletes tracks and puts them back at their places', () => {
    const next = roundTrip(sample(), removeTracks(sample(), ['a', 'c']));
    expect(next.tracks.map((t) => t.id)).toEqual(['b']);
  });

  it('adds a manual track with one keyframe, confirmed', () => {
    const project = sample();
    const id = freshTrackId(project, 'manual-');
    const next = roundTrip(project, addManualTrack(project, id, 5, box(50), DEFAULT_BLUR_STYLE));
    expect(next.tracks.at(-1)).toMatchObject({ id: 'manual-4', origin: 'manual', status: 'confirmed', keyframes: [{ frame: 5, confidence: null }] });
  });

  it('moves a box on a keyframe and adds a keyframe between or beyond the others', () => {
    const project = sample();
    const moved = roundTrip(project, setBoxAt(project, 'a', 20, box(150)));
    expect(trackBoxAt(moved.tracks[0], 20)).toEqual(box(150));
    expect(moved.tracks[0].keyframes[1].confidence).toBeNull();
    const added = roundTrip(project, setBoxAt(project, 'a', 25, box(500)));
    expect(added.tracks[0].keyframes.map((k) => k.frame)).toEqual([10, 20, 25, 30]);
    const extended = roundTrip(project, setBoxAt(project, 'a', 35, box(250)));
    expect(trackSpan(extended.tracks[0])).toEqual({ first: 10, last: 35 });
  });

  it('refuses a keyframe outside the clip', () => {
    expect(() => applyEdit(sample(), setBoxAt(sample(), 'a', 100, box(0)))).toThrow(EditError);
  });

  it('splits a track; each part keeps the box it had on every frame', () => {
    const project = sample();
    const next = roundTrip(project, splitTrack(project, 'a', 15, 'a2'));
    expect(next.tracks.map((t) => t.id)).toEqual(['a', 'a2', 'b', 'c']);
    expect(trackSpan(next.tracks[0])).toEqual({ first: 10, last: 14 });
    expect(trackSpan(next.tracks[1])).toEqual({ first: 15, last: 30 });
    for (let f = 10; f <= 30; f++) {
      const part = f < 15 ? next.tracks[0] : next.tracks[1];
      expect(trackBoxAt(part, f)).toEqual(trackBoxAt(project.tracks[0], f));
    }
    expect(() => splitTrack(project, 'a', 10, 'x')).toThrow(/after the first frame/);
  });

  it('merges two tracks: the first keeps its id and its keyframes, the gap is interpolated', () => {
    const project = sample();
    const next = roundTrip(project, mergeTracks(project, 'a', 'b'));
    expect(next.tracks.map((t) => t.id)).toEqual(['a', 'c']);
    expect(next.tracks[0].keyframes.map((k) => k.frame)).toEqual([10, 20, 30, 40, 50]);
    expect(trackBoxAt(next.tracks[0], 35)).toEqual(box(250));
  });

  it('merges a later track listed before the one kept', () => {
    const project = sample();
    const next = roundTrip(project, mergeTracks(project, 'c', 'a'));
    expect(next.tracks.map((t) => t.id)).toEqual(['b', 'c']);
    expect(trackSpan(next.tracks[1])).toEqual({ first: 10, last: 60 });
  });

  it('trims a track keeping the interpolated box on the new ends', () => {
    const project = sample();
    const next = roundTrip(project, setTrackSpan(project, 'a', 15, 25));
    expect(next.tracks[0].keyframes.map((k) => k.frame)).toEqual([15, 20, 25]);
    expect(trackBoxAt(next.tracks[0], 15)).toEqual(trackBoxAt(project.tracks[0], 15));
    expect(trackBoxAt(next.tracks[0], 25)).toEqual(trackBoxAt(project.tracks[0], 25));
  });

  it('extends a track holding the box of the nearest end, clamped to the clip', () => {
    const project = sample();
    const next = roundTrip(project, setTrackSpan(project, 'a', 2, 500));
    expect(trackSpan(next.tracks[0])).toEqual({ first: 2, last: 99 });
    expect(trackBoxAt(next.tracks[0], 2)).toEqual(box(0));
    expect(trackBoxAt(next.tracks[0], 99)).toEqual(box(200));
    expect(() => setTrackSpan(project, 'a', 20, 19)).toThrow(EditError);
  });

  it('trims a track to one frame', () => {
    const next = roundTrip(sample(), setTrackSpan(sample(), 'a', 20, 20));
    expect(next.tracks[0].keyframes).toHaveLength(1);
  });

  it('sets a style per track', () => {
    const style = { ...DEFAULT_BLUR_STYLE, type: 'pixelate' as const, strength: 2 };
    const next = roundTrip(sample(), setStyle(sample(), ['b'], style));
    expect(next.tracks[1].style).toEqual(style);
    expect(next.tracks[0].style).toEqual(DEFAULT_BLUR_STYLE);
  });

  it('adds a follow as a new object track, or over the followed frames of an existing one, in one undoable edit', () => {
    const followed = [keyframe(5, box(50), null), keyframe(15, box(60), null)];
    const added = roundTrip(sample(), followEdit(sample(), 'plate-4', followed, { label: 'plate', markedBy: 'Ana' }));
    const plate = added.tracks[3];
    expect(plate).toMatchObject({ id: 'plate-4', origin: 'manual', status: 'confirmed', object: { label: 'plate', markedBy: 'Ana' } });
    expect(plate.style).toMatchObject({ type: 'solid', shape: 'rect' });
    // Followed again from a corrected box on frame 20 of track a: its frames 12–25 are the follow's, the rest stay.
    const again = roundTrip(sample(), followEdit(sample(), 'a', [keyframe(12, box(7), null), keyframe(25, box(9), null)], { label: 'plate', markedBy: 'Ana' }));
    expect(again.tracks[0].keyframes.map((k) => [k.frame, k.box.x])).toEqual([[10, 0], [12, 7], [25, 9], [30, 200]]);
    expect(again.tracks[0].object).toEqual({ label: 'plate', markedBy: 'Ana' });
    expect(again.tracks[0].style.type).toBe('solid');
    // A face track followed as a face stays a face track, in its own style.
    const face = roundTrip(sample(), followEdit(sample(), 'a', [keyframe(12, box(7), null)], null));
    expect(face.tracks[0].object).toBeUndefined();
    expect(face.tracks[0].style).toEqual(DEFAULT_BLUR_STYLE);
    expect(() => followEdit(sample(), 'a', [], null)).toThrow(EditError);
    expect(() => followEdit(sample(), 'zz', [keyframe(1, box(1), null)], null)).toThrow('track zz does not exist');
  });

  it('names the missing track', () => {
    expect(() => setStatus(sample(), ['zz'], 'confirmed')).toThrow('track zz does not exist');
  });
});

describe('history', () => {
  it('undoes and redoes a sequence of edits exactly', () => {
    const start = sample();
    let state = { project: start, history: EMPTY_HISTORY };
    const steps: Project[] = [start];
    const edits = [
      (p: Project) => setStatus(p, ['a'], 'rejected'),
      (p: Project) => splitTrack(p, 'b', 45, 'b2'),
      (p: Project) => addManualTrack(p, 'm', 3, box(5), DEFAULT_BLUR_STYLE),
      (p: Project) => setBoxAt(p, 'm', 8, box(9)),
      (p: Project) => mergeTracks(p, 'b', 'b2'),
      (p: Project) => removeTracks(p, ['c']),
    ];
    for (const make of edits) {
      state = commitEdit(state.project, state.history, make(state.project), 'step');
      steps.push(state.project);
    }
    for (let i = steps.length - 2; i >= 0; i--) {
      state = undo(state.project, state.history)!;
      expect(state.project).toEqual(steps[i]);
    }
    expect(undo(state.project, state.history)).toBeNull();
    for (let i = 1; i < steps.length; i++) {
      state = redo(state.project, state.history)!;
      expect(state.project).toEqual(steps[i]);
    }
    expect(redo(state.project, state.history)).toBeNull();
  });

  it('a new edit clears the redo list; old steps are dropped past the limit', () => {
    let state = commitEdit(sample(), EMPTY_HISTORY, setStatus(sample(), ['a'], 'rejected'), 'reject');
    state = undo(state.project, state.history)!;
    state = commitEdit(state.project, state.history, setStatus(state.project, ['a'], 'confirmed'), 'confirm');
    expect(state.history.future).toHaveLength(0);
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) {
      state = commitEdit(state.project, state.history, setStatus(state.project, ['a'], i % 2 ? 'pending' : 'confirmed'), 'toggle');
    }
    expect(state.history.past).toHaveLength(HISTORY_LIMIT);
  });

  it('coalesces repeated steps with one label into one (a dragged slider)', () => {
    const start = sample();
    let state = { project: start, history: EMPTY_HISTORY };
    for (const strength of [1.2, 1.5, 2]) {
      state = commitEdit(state.project, state.history, setStyle(state.project, ['a'], { ...DEFAULT_BLUR_STYLE, strength }), 'Style of a', true);
    }
    expect(state.history.past).toHaveLength(1);
    expect(state.project.tracks[0].style.strength).toBe(2);
    expect(undo(state.project, state.history)!.project).toEqual(start);
  });

  it('keeps edits, not projects: an entry holds only what it touched', () => {
    const state = commitEdit(sample(), EMPTY_HISTORY, setStatus(sample(), ['a'], 'rejected'), 'reject');
    expect(JSON.stringify(state.history).length).toBeLessThan(200);
  });
});
