import { describe, expect, it } from 'vitest';
import { FaceTracker, framesToLeave, mergeDuplicates, smoothObservations } from '../../core/tracker';
import { trackBoxAt } from '../../core/tracks';
import type { FaceDetection } from '../../core/detection';

const face = (x: number, y: number, size = 40, score = 0.9): FaceDetection => ({ box: { x, y, width: size, height: size }, score });

function feed(tracker: FaceTracker, frames: Record<number, FaceDetection[]>, last: number) {
  for (let f = 0; f <= last; f++) tracker.update(f, frames[f] ?? []);
}

describe('FaceTracker', () => {
  it('keeps one track through missed detections and interpolates the gap', () => {
    const tracker = new FaceTracker({ preRollFrames: 0, postRollFrames: 0, smoothingFrames: 0 });
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 0; f <= 20; f++) if (f < 10 || f >= 15) frames[f] = [face(10 * f, 50)];
    feed(tracker, frames, 20);
    const tracks = tracker.finish(100);
    expect(tracks).toHaveLength(1);
    const at12 = trackBoxAt(tracks[0], 12)!;
    // Centred on the face, and widened along the motion (10 px/frame) so it still covers it.
    expect(at12.x + at12.width / 2).toBeCloseTo(140);
    expect(at12.x).toBeLessThanOrEqual(120);
    expect(at12.x + at12.width).toBeGreaterThanOrEqual(160);
    expect(at12.height).toBeCloseTo(40);
  });

  it('ends a track after maxMissedFrames and starts a new one', () => {
    const tracker = new FaceTracker({ maxMissedFrames: 3, preRollFrames: 0, postRollFrames: 0, linkFrames: 0 });
    feed(tracker, { 0: [face(0, 0)], 1: [face(0, 0)], 10: [face(0, 0)] }, 10);
    expect(tracker.finish(10)).toHaveLength(2);
  });

  it('links a face lost for longer than maxMissedFrames (a turn to profile) and blurs the gap', () => {
    const tracker = new FaceTracker({ maxMissedFrames: 3, preRollFrames: 0, postRollFrames: 0, smoothingFrames: 0 });
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 0; f <= 60; f++) if (f < 10 || f > 40) frames[f] = [face(100 + f, 50), face(600, 300 + f)];
    feed(tracker, frames, 60);
    const tracks = tracker.finish(60);
    expect(tracks).toHaveLength(2);
    const moving = tracks.find((t) => t.keyframes[0].box.y < 100)!;
    const mid = trackBoxAt(moving, 25)!;
    expect(mid.x + mid.width / 2).toBeCloseTo(145, 0);
    expect(mid.y + mid.height / 2).toBeCloseTo(70, 0);
  });

  it('does not link tracklets far apart in time, place or size', () => {
    const link = (later: FaceDetection, gap: number) => {
      const tracker = new FaceTracker({ maxMissedFrames: 3, preRollFrames: 0, postRollFrames: 0 });
      feed(tracker, { 0: [face(0, 0)], 1: [face(0, 0)], [1 + gap]: [later] }, 1 + gap);
      return tracker.finish(1 + gap).length === 1;
    };
    expect(link(face(0, 0), 40)).toBe(true);
    expect(link(face(0, 0), 50)).toBe(false);
    expect(link(face(200, 0), 20)).toBe(false);
    expect(link(face(0, 0, 100), 20)).toBe(false);
  });

  it('blurs a face entering at a frame edge from when it first showed, and one leaving until it is gone', () => {
    const tracker = new FaceTracker({ preRollFrames: 2, postRollFrames: 2, smoothingFrames: 0 });
    // A 100 px face moving right at 20 px/frame, first detected half visible at the left edge
    // (box extended past the edge) on frame 20; a second one leaving at the bottom edge.
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 20; f <= 30; f++) frames[f] = [face(-50 + 20 * (f - 20), 200), face(900, 900 + 10 * (f - 20), 60)];
    feed(tracker, frames, 60);
    const [entering, leaving] = tracker.finish(60, { width: 1920, height: 1080 }).sort((a, b) => a.keyframes[0].box.y - b.keyframes[0].box.y);
    // Entering: its right side crossed x = 0 at (−50 + 40) / 20 → 0.5 frame before frame 20.
    expect(entering.keyframes[0].frame).toBe(18);
    // Leaving: last seen at y = 1000 (box 60 px, touching the edge) on frame 30, moving down 10 px/frame: gone
    // after (1080 − 1000) / 10 = 8 frames.
    expect(leaving.keyframes.at(-1)!.frame).toBe(38);
    expect(trackBoxAt(leaving, 38)!.y).toBeGreaterThan(1060);
    expect(framesToLeave({ x: -50, y: 200, width: 100, height: 100 }, { vx: -10, vy: 0 }, { width: 1920, height: 1080 })).toBe(5);
    expect(framesToLeave({ x: -50, y: 200, width: 100, height: 100 }, { vx: 10, vy: 0 }, { width: 1920, height: 1080 })).toBe(0);
    // Slow, or far from the edge it moves to: no extra margin.
    expect(framesToLeave({ x: 900, y: 1000, width: 100, height: 100 }, { vx: 0, vy: 1 }, { width: 1920, height: 1080 })).toBe(0);
    expect(framesToLeave({ x: 900, y: 500, width: 100, height: 100 }, { vx: 20, vy: 0 }, { width: 1920, height: 1080 })).toBe(0);
    expect(framesToLeave({ x: 900, y: 500, width: 100, height: 100 }, { vx: 0, vy: 0 }, { width: 1920, height: 1080 })).toBe(0);
    // Fast, a few frames from the edge: found late, it had been coming in since then.
    expect(framesToLeave({ x: 139, y: 344, width: 268, height: 416 }, { vx: -36, vy: 0 }, { width: 1920, height: 1080 })).toBe(12);
  });

  it('holds the size of a face while its detections shrink (turning away) but follows growth at once', () => {
    const tracker = new FaceTracker({ preRollFrames: 0, postRollFrames: 0, smoothingFrames: 0, sizeHoldFrames: 12 });
    const size = (f: number) => (f < 20 ? 80 : f < 30 ? 50 : 80 + (f - 30) * 4);
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 0; f <= 40; f++) frames[f] = [face(100, 100, size(f))];
    feed(tracker, frames, 40);
    const [track] = tracker.finish(40);
    expect(trackBoxAt(track, 25)!.width).toBeCloseTo(80);
    expect(trackBoxAt(track, 25)!.x + 40).toBeCloseTo(100 + 25);
    // 120 px, plus the widening along its centre's 2 px/frame drift.
    expect(trackBoxAt(track, 40)!.width).toBeGreaterThanOrEqual(120);
    expect(trackBoxAt(track, 40)!.width).toBeLessThan(125);
  });

  it('extrapolates safety margins along the motion, growing the box, clamped to the clip', () => {
    const tracker = new FaceTracker({ preRollFrames: 4, postRollFrames: 4, smoothingFrames: 0, uncertaintyGrowth: 0.05 });
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 10; f <= 20; f++) frames[f] = [face(100 + 5 * (f - 10), 50)];
    feed(tracker, frames, 22);
    const [track] = tracker.finish(22);
    expect(track.keyframes[0].frame).toBe(6);
    expect(track.keyframes.at(-1)!.frame).toBe(22);
    const before = track.keyframes[0].box;
    // Centre moved back 4 frames × 5 px; size grown by 4 × 5 %.
    expect(before.x + before.width / 2).toBeCloseTo(100 + 20 - 20);
    expect(before.width).toBeCloseTo(40 * 1.2);
    expect(track.keyframes[0].confidence).toBeNull();
    const clamped = new FaceTracker({ preRollFrames: 4 });
    clamped.update(1, [face(0, 0)]);
    expect(clamped.finish(1)[0].keyframes[0].frame).toBe(0);
  });

  it('keeps identities when two faces cross', () => {
    const tracker = new FaceTracker({ preRollFrames: 0, postRollFrames: 0, smoothingFrames: 0 });
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 0; f <= 20; f++) frames[f] = [face(20 * f, 100, 60, 0.9), face(400 - 20 * f, 110, 60, 0.8)];
    feed(tracker, frames, 20);
    const tracks = tracker.finish(20);
    expect(tracks).toHaveLength(2);
    for (const track of tracks) {
      const xs = track.keyframes.map((k) => k.box.x);
      const direction = Math.sign(xs[1] - xs[0]);
      for (let i = 1; i < xs.length; i++) expect(Math.sign(xs[i] - xs[i - 1])).toBe(direction);
    }
  });

  it('finds a face again by its predicted position when it moves fast', () => {
    const tracker = new FaceTracker({ smoothingFrames: 0 });
    const frames: Record<number, FaceDetection[]> = {};
    // 30 px per frame with a 40 px face, seen every third frame: the boxes never overlap.
    for (let f = 0; f <= 12; f++) if (f % 3 === 0) frames[f] = [face(30 * f, 0)];
    feed(tracker, frames, 12);
    expect(tracker.finish(12)).toHaveLength(1);
  });

  it('searches backwards from a new face and adds earlier observations', () => {
    const tracker = new FaceTracker({ preRollFrames: 0, postRollFrames: 0, smoothingFrames: 0 });
    const [key] = tracker.update(10, [face(100, 0)]);
    expect(tracker.update(11, [face(105, 0), face(400, 0)])).toHaveLength(1);
    // Moving 5 px per frame: five frames earlier it was 25 px further left.
    expect(tracker.predictBefore(key, 5)!.x).toBeCloseTo(75);
    tracker.addEarlierObservation(key, 9, face(95, 0));
    const tracks = tracker.finish(20);
    expect(tracks.find((t) => t.keyframes[0].frame === 9)).toBeDefined();
  });
});

describe('smoothing and merging', () => {
  it('smooths jitter without moving a straight path', () => {
    const jittery = Array.from({ length: 11 }, (_, f) => ({ frame: f, score: 1, box: { x: 10 * f + (f % 2 ? 3 : -3), y: 0, width: 40, height: 40 } }));
    const smooth = smoothObservations(jittery, 2);
    const error = (obs: typeof jittery) => Math.max(...obs.slice(2, -2).map((o) => Math.abs(o.box.x - 10 * o.frame)));
    expect(error(smooth)).toBeLessThan(error(jittery) / 2);
  });

  it('merges tracks that are the same face on shared frames', () => {
    const a = [0, 1, 2, 3].map((f) => ({ frame: f, score: 0.9, box: { x: f, y: 0, width: 50, height: 50 } }));
    const b = [2, 3, 4, 5].map((f) => ({ frame: f, score: 0.5, box: { x: f + 3, y: 0, width: 50, height: 50 } }));
    const c = [2, 3].map((f) => ({ frame: f, score: 0.9, box: { x: 500, y: 0, width: 50, height: 50 } }));
    const merged = mergeDuplicates([a, b, c], 0.5);
    expect(merged).toHaveLength(2);
    expect(merged[0].map((o) => o.frame)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(merged[0].find((o) => o.frame === 2)!.score).toBe(0.9);
  });
});

describe('tracks so far', () => {
  it('gives what finish would give now, and ends nothing', () => {
    const tracker = new FaceTracker({ preRollFrames: 2, postRollFrames: 2 });
    const frames: Record<number, FaceDetection[]> = {};
    for (let f = 0; f <= 20; f++) frames[f] = [face(100 + 2 * f, 100)];
    feed(tracker, frames, 20);
    const sofar = tracker.tracksSoFar(20);
    expect(sofar).toHaveLength(1);
    // The track is still live: later detections continue it.
    for (let f = 21; f <= 40; f++) tracker.update(f, [face(100 + 2 * f, 100)]);
    const final = tracker.finish(40);
    expect(final).toHaveLength(1);
    expect(final[0].keyframes[0].frame).toBe(sofar[0].keyframes[0].frame);
    expect(trackBoxAt(final[0], 10)).toEqual(trackBoxAt(sofar[0], 10));
    expect(final[0].keyframes.at(-1)!.frame).toBe(40);
  });
});
