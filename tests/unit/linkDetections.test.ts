import { describe, expect, it } from 'vitest';
import { linkDetections } from '../../core/linkDetections';
import { trackBoxAt } from '../../core/tracks';
import type { FrameDetections } from '../../core/detection';

const face = (x: number, y: number, size = 50, score = 0.9) => ({ box: { x, y, width: size, height: size }, score });

describe('linkDetections', () => {
  it('links two faces moving in parallel into two tracks', () => {
    const frames: FrameDetections[] = Array.from({ length: 10 }, (_, n) => ({ frame: n, faces: [face(10 + n * 5, 10), face(300 - n * 5, 10)] }));
    const tracks = linkDetections(frames);
    expect(tracks).toHaveLength(2);
    expect(tracks.every((t) => t.keyframes.length === 10)).toBe(true);
    const left = tracks.find((t) => t.keyframes[0].box.x === 10)!;
    expect(left.keyframes.map((k) => k.box.x)).toEqual(Array.from({ length: 10 }, (_, n) => 10 + n * 5));
    expect(left.origin).toBe('auto');
    expect(left.status).toBe('pending');
    expect(new Set(tracks.map((t) => t.id)).size).toBe(2);
  });

  it('bridges short detection gaps by interpolation and splits long ones', () => {
    const frames: FrameDetections[] = [0, 1, 2, 6, 7].map((n) => ({ frame: n, faces: [face(n * 4, 0)] }));
    const tracks = linkDetections(frames, { maxGapFrames: 5 });
    expect(tracks).toHaveLength(1);
    expect(trackBoxAt(tracks[0], 4)!.x).toBeCloseTo(16);
    const split = linkDetections(frames, { maxGapFrames: 2 });
    expect(split).toHaveLength(2);
  });

  it('follows a fast face whose boxes no longer overlap', () => {
    const frames: FrameDetections[] = Array.from({ length: 5 }, (_, n) => ({ frame: n, faces: [face(n * 55, 0)] }));
    expect(linkDetections(frames)).toHaveLength(1);
  });

  it('does not link a face to a far-away or very different one', () => {
    const frames: FrameDetections[] = [
      { frame: 0, faces: [face(0, 0, 50)] },
      { frame: 1, faces: [face(400, 300, 50)] },
      { frame: 2, faces: [face(0, 0, 200)] },
    ];
    expect(linkDetections(frames)).toHaveLength(3);
  });

  it('keeps detector confidence on keyframes', () => {
    const [track] = linkDetections([{ frame: 3, faces: [face(0, 0, 50, 0.77)] }]);
    expect(track.keyframes[0]).toMatchObject({ frame: 3, confidence: 0.77 });
  });
});
