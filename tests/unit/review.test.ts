import { describe, expect, it } from 'vitest';
import { applyEdit, setBoxAt, setStatus } from '../../core/edits';
import { createProject, type Project } from '../../core/project';
import {
  approvePass,
  decideTrack,
  lowConfidenceRanges,
  markWatched,
  nextPossibleFace,
  nextUndecided,
  recordEdit,
  requestChanges,
  ReviewError,
  startReview,
  touchedTracks,
} from '../../core/review';
import { keyframe, sourceInfo, track } from '../helpers/projects';

const editor = { name: 'Eda', role: 'editor' as const };
const reviewer = { name: 'Rae', role: 'reviewer' as const };
const at = (n: number) => `2026-11-25T10:00:${String(n).padStart(2, '0')}.000Z`;

function project(): Project {
  const p = createProject(sourceInfo());
  p.tracks = [
    track('t1', [keyframe(0, { x: 10, y: 10, width: 40, height: 40 }), keyframe(20, { x: 30, y: 10, width: 40, height: 40 }, 0.4)]),
    track('t2', [keyframe(30, { x: 100, y: 50, width: 30, height: 30 })]),
    track('t3', [keyframe(50, { x: 200, y: 50, width: 30, height: 30 })], { status: 'rejected' }),
  ];
  return p;
}

function edit(p: Project, make: (p: Project) => ReturnType<typeof setStatus>, label: string, actor = editor): Project {
  const next = applyEdit(p, make(p)).project;
  return { ...next, review: recordEdit(p, next, label, actor, at(50)) };
}

function approveAll(p: Project): Project {
  let review = startReview(p.review, reviewer, at(1));
  for (const t of p.tracks) review = decideTrack({ ...p, review }, t.id, 'approved', reviewer, at(2));
  return { ...p, review };
}

describe('review of a pass', () => {
  it('moves Draft → In review → Approved once every track (rejected ones too) is approved, logging each step', () => {
    let p = project();
    expect(p.review.state).toBe('draft');
    p = { ...p, review: startReview(p.review, reviewer, at(1)) };
    expect(p.review.state).toBe('in-review');
    p = { ...p, review: decideTrack(p, 't1', 'approved', reviewer, at(2)) };
    expect(() => approvePass(p, reviewer, at(3))).toThrow(/2 tracks not approved yet \(t2, t3\)/);
    expect(nextUndecided(p, 't1')?.id).toBe('t2');
    p = { ...p, review: decideTrack(p, 't2', 'approved', reviewer, at(3)) };
    p = { ...p, review: decideTrack(p, 't3', 'approved', reviewer, at(4), 'not a face: a poster') };
    expect(nextUndecided(p, 't3')).toBeNull();
    p = { ...p, review: approvePass(p, reviewer, at(5)) };
    expect(p.review.state).toBe('approved');
    expect(p.review.events.map((e) => [e.seq, e.type, e.actor])).toEqual([
      [0, 'review-started', 'Rae'],
      [1, 'track-approved', 'Rae'],
      [2, 'track-approved', 'Rae'],
      [3, 'track-approved', 'Rae'],
      [4, 'pass-approved', 'Rae'],
    ]);
    expect(p.review.decisions.t3).toEqual({ decision: 'approved', by: 'Rae', at: at(4), comment: 'not a face: a poster' });
  });

  it('needs a signed name, a started review, and a comment to send back', () => {
    const p = project();
    expect(() => startReview(p.review, { name: ' ', role: 'reviewer' }, at(1))).toThrow(ReviewError);
    expect(() => decideTrack(p, 't1', 'approved', reviewer, at(1))).toThrow(/start the review/);
    const started = { ...p, review: startReview(p.review, reviewer, at(1)) };
    expect(() => decideTrack(started, 't1', 'sent-back', reviewer, at(2), '  ')).toThrow(/say what needs changing/);
    expect(() => decideTrack(started, 'nope', 'approved', reviewer, at(2))).toThrow(/does not exist/);
    const back = decideTrack(started, 't1', 'sent-back', reviewer, at(2), 'box too small on frame 12');
    expect(back.decisions.t1.decision).toBe('sent-back');
    expect(() => approvePass({ ...started, review: back }, reviewer, at(3))).toThrow(/not approved yet/);
    const changes = requestChanges(back, reviewer, at(4), 'fix t1');
    expect(changes.state).toBe('changes-requested');
    expect(startReview(changes, reviewer, at(5)).state).toBe('in-review');
  });

  it('an edit after approval withdraws the approval of the track it touched and of the pass, and logs both', () => {
    let p = approveAll(project());
    p = { ...p, review: approvePass(p, reviewer, at(5)) };
    const before = p.review.events.length;
    p = edit(p, (q) => setBoxAt(q, 't2', 30, { x: 90, y: 50, width: 40, height: 40 }), 'Move box');
    expect(p.review.state).toBe('in-review');
    expect(Object.keys(p.review.decisions).sort()).toEqual(['t1', 't3']);
    const added = p.review.events.slice(before);
    expect(added.map((e) => [e.type, e.actor, e.trackIds])).toEqual([
      ['edit', 'Eda', ['t2']],
      ['approval-invalidated', 'Blurline', ['t2']],
    ]);
    expect(added[1].detail).toMatch(/pass approval withdrawn/);
    // Re-approve just what changed.
    p = { ...p, review: decideTrack(p, 't2', 'approved', reviewer, at(6)) };
    expect(approvePass(p, reviewer, at(7)).state).toBe('approved');
  });

  it('an audio redaction change touches the approved pass; export settings are not logged', () => {
    let p = approveAll(project());
    p = { ...p, review: approvePass(p, reviewer, at(5)) };
    const muted: Project = { ...p, audioRedactions: [{ id: 'a1', startSeconds: 1, endSeconds: 2, mode: 'mute', label: 'name' }] };
    expect(recordEdit(p, muted, 'Mute', editor, at(6)).state).toBe('in-review');
    const recoded: Project = { ...p, exportSettings: { ...p.exportSettings, crf: 20 } };
    expect(recordEdit(p, recoded, 'Export settings', editor, at(6))).toBe(p.review);
  });

  it('logs a continued drag once, and draft edits without invalidating anything', () => {
    let p = project();
    p = edit(p, (q) => setStatus(q, ['t1'], 'confirmed'), 'Confirm');
    const moved = applyEdit(p, setBoxAt(p, 't1', 5, { x: 12, y: 10, width: 40, height: 40 })).project;
    p = { ...moved, review: recordEdit(p, moved, 'Move box', editor, at(7), true) };
    const again = applyEdit(p, setBoxAt(p, 't1', 5, { x: 14, y: 10, width: 40, height: 40 })).project;
    p = { ...again, review: recordEdit(p, again, 'Move box', editor, at(8), true) };
    expect(p.review.events.map((e) => e.detail)).toEqual(['Confirm', 'Move box']);
    expect(p.review.state).toBe('draft');
  });

  it('finds touched tracks: changed, added and removed', () => {
    const a = project().tracks;
    const b = [{ ...a[0], status: 'confirmed' as const }, a[1], track('t9', [keyframe(1, { x: 0, y: 0, width: 5, height: 5 })])];
    expect(touchedTracks(a, b).sort()).toEqual(['t1', 't3', 't9']);
    expect(touchedTracks(a, a.map((t) => ({ ...t })))).toEqual([]);
  });

  it('merges watched frames and finds low-confidence frames', () => {
    let w = markWatched([], 10, 20);
    w = markWatched(w, 40, 50);
    w = markWatched(w, 21, 25);
    w = markWatched(w, 0, 3);
    expect(w).toEqual([{ first: 0, last: 3 }, { first: 10, last: 25 }, { first: 40, last: 50 }]);
    expect(markWatched(w, 2, 45)).toEqual([{ first: 0, last: 50 }]);
    expect(lowConfidenceRanges(project().tracks)).toEqual([{ first: 20, last: 20 }]);
  });
});

describe('stepping through possible faces', () => {
  const head = { x: 100, y: 20, width: 80, height: 70 };
  const tracks = [
    track('auto-1', [keyframe(0, head)]),
    track('person-1', [keyframe(5, head)], { origin: 'person' }),
    track('auto-2', [keyframe(8, head)]),
    track('person-2', [keyframe(10, head)], { origin: 'person', status: 'rejected' }),
    track('person-3', [keyframe(20, head)], { origin: 'person' }),
  ];

  it('goes to the pending ones in timeline order, wrapping around, skipping face tracks and checked ones', () => {
    expect(nextPossibleFace(tracks, null)?.id).toBe('person-1');
    expect(nextPossibleFace(tracks, 'person-1')?.id).toBe('person-3');
    expect(nextPossibleFace(tracks, 'person-3')?.id).toBe('person-1');
    expect(nextPossibleFace(tracks, 'auto-2')?.id).toBe('person-3');
  });

  it('steps through all of them once none is pending, and finds none among face tracks', () => {
    const checked = tracks.map((t) => (t.origin === 'person' ? { ...t, status: 'confirmed' as const } : t));
    expect(nextPossibleFace(checked, 'person-1')?.id).toBe('person-2');
    expect(nextPossibleFace(checked, 'person-3')?.id).toBe('person-1');
    expect(nextPossibleFace(tracks.filter((t) => t.origin === 'auto'), null)).toBeNull();
  });
});
