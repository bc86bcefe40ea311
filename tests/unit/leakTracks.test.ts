import { describe, expect, it } from 'vitest';
import { applyEdit, EditError } from '../../core/edits';
import type { Box } from '../../core/geometry';
import { commitEdit, EMPTY_HISTORY, undo } from '../../core/history';
import { blurredShare, LEAK_CRITERIA } from '../../core/leakCheck';
import { addLeakCheckTracks, tracksForFindings, type FindingFaces } from '../../core/leakTracks';
import { DEFAULT_BLUR_STYLE, type Track } from '../../core/project';
import { buildRenderPlan } from '../../core/renderPlan';
import { thinKeyframes, trackBoxAt, trackSpan } from '../../core/tracks';
import { keyframe, projectWith, track } from '../helpers/projects';

/** A face found by the leak check on `frames`, where `at` puts it. */
function finding(id: string, frames: number[], at: (frame: number) => Box): FindingFaces {
  return { id, frames, faces: frames.map((frame) => ({ box: at(frame), score: 0.8 })) };
}

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);
/** A 48 px face drifting right 3 px a frame. */
const drifting = (frame: number): Box => ({ x: 200 + 3 * frame, y: 120, width: 48, height: 56 });
const elsewhere = track('auto-1', [keyframe(0, { x: 20, y: 20, width: 40, height: 40 }), keyframe(99, { x: 20, y: 20, width: 40, height: 40 })]);

/** Whether the leak check would call the face covered with only `tracks` blurred. */
function blurredBy(tracks: Track[], frame: number, face: Box): boolean {
  const plan = buildRenderPlan({ source: { width: 640, height: 360, frameCount: 100 }, tracks });
  const regions = plan.frames.find((f) => f.frame === frame)?.regions ?? [];
  return blurredShare(regions, face) >= LEAK_CRITERIA.coveredShare;
}

describe('leak-check findings become tracks', () => {
  it('makes a pending leak-check track that hides the face on every frame it was found, with margins, keyframes only where needed', () => {
    // Missed by the check on frames 20–22 (the grouper bridges such gaps).
    const frames = [...range(10, 19), ...range(23, 30)];
    const project = projectWith([elsewhere]);
    const [made] = tracksForFindings(project, [finding('leak-1', frames, drifting)]);
    expect(made.findingId).toBe('leak-1');
    expect(made.heldBy).toEqual([]);
    expect(made.added).toHaveLength(1);
    const [added] = made.added;
    expect(added).toMatchObject({ id: 'leak-check-2', origin: 'leak-check', status: 'pending', style: DEFAULT_BLUR_STYLE });
    // The detection tracker's safety margin: 4 frames before the first and after the last.
    expect(trackSpan(added)).toEqual({ first: 6, last: 34 });
    // Steady motion needs few keyframes (the tracker widens the box on the frames around the gap: 8 of 20).
    expect(added.keyframes.length).toBeLessThan((frames.length + 2) / 2);
    for (const frame of range(10, 30)) expect(blurredBy([added], frame, drifting(frame)), `frame ${frame}`).toBe(true);
  });

  it('keeps a keyframe where the face turns', () => {
    const turning = (frame: number): Box => (frame <= 20 ? drifting(frame) : { ...drifting(20), y: 120 + 4 * (frame - 20) });
    const [{ added }] = tracksForFindings(projectWith([]), [finding('leak-1', range(10, 30), turning)]);
    expect(added[0].keyframes.some((k) => Math.abs(k.frame - 20) <= 2)).toBe(true);
    for (const frame of range(10, 30)) expect(blurredBy(added, frame, turning(frame)), `frame ${frame}`).toBe(true);
  });

  it('leaves frames a track already holds to it, a rejected track too, and makes nothing when every frame is held', () => {
    // A track on the face until frame 19 (rejected: someone decided about that face).
    const until19 = track('auto-1', range(10, 19).map((f) => keyframe(f, drifting(f))), { status: 'rejected' });
    const project = projectWith([until19]);
    const [partly, wholly] = tracksForFindings(project, [finding('leak-1', range(10, 30), drifting), finding('leak-2', range(12, 18), drifting)]);
    expect(partly.heldBy).toEqual(['auto-1']);
    expect(trackSpan(partly.added[0])).toEqual({ first: 16, last: 34 });
    expect(wholly).toEqual({ findingId: 'leak-2', added: [], heldBy: ['auto-1'] });
  });

  it('adds the tracks of several findings as one undoable edit with unique ids, and refuses when nothing is new', () => {
    const project = projectWith([elsewhere]);
    const faces = [finding('leak-1', range(10, 30), drifting), finding('leak-2', range(50, 60), (f) => ({ x: 500, y: 200 + f, width: 40, height: 40 }))];
    const { edit, label } = addLeakCheckTracks(project, faces);
    expect(label).toBe('Add 2 tracks for leak-check findings leak-1, leak-2');
    const done = commitEdit(project, EMPTY_HISTORY, edit, label);
    expect(done.project.tracks.map((t) => [t.id, t.origin])).toEqual([
      ['auto-1', 'auto'],
      ['leak-check-2', 'leak-check'],
      ['leak-check-3', 'leak-check'],
    ]);
    expect(done.history.past).toHaveLength(1);
    expect(undo(done.project, done.history)!.project.tracks).toEqual(project.tracks);
    // Added once, the same findings are held by their own tracks: nothing to add again.
    expect(() => addLeakCheckTracks(done.project, faces)).toThrow(EditError);
    expect(applyEdit(done.project, { type: 'replace', remove: [], insert: [] }).project.tracks).toHaveLength(3);
  });
});

describe('thinKeyframes', () => {
  const at = (frame: number, x: number) => keyframe(frame, { x, y: 0, width: 100, height: 100 });

  it('drops keyframes that interpolation reproduces within the tolerance, keeps the ends and the turns', () => {
    const straight = range(0, 10).map((f) => at(f, 5 * f));
    expect(thinKeyframes(straight, 0.03).map((k) => k.frame)).toEqual([0, 10]);
    const turn = range(0, 10).map((f) => at(f, f <= 5 ? 5 * f : 25));
    expect(thinKeyframes(turn, 0.03).map((k) => k.frame)).toEqual([0, 5, 10]);
    // Within 3 px of the line (3 % of 100 px): dropped; 4 px off: kept.
    expect(thinKeyframes([at(0, 0), at(1, 9), at(2, 10)], 0.03).map((k) => k.frame)).toEqual([0, 1, 2]);
    expect(thinKeyframes([at(0, 0), at(1, 7), at(2, 10)], 0.03).map((k) => k.frame)).toEqual([0, 2]);
  });

  it('keeps every box on every original frame within the tolerance', () => {
    const wobbly = range(0, 40).map((f) => at(f, 3 * f + 4 * Math.sin(f / 3)));
    const thinned = thinKeyframes(wobbly, 0.03);
    expect(thinned.length).toBeLessThan(wobbly.length);
    for (const k of wobbly) expect(Math.abs(trackBoxAt({ keyframes: thinned }, k.frame)!.x - k.box.x)).toBeLessThanOrEqual(3 + 1e-9);
  });
});
