import { describe, expect, it } from 'vitest';
import { iou, padBox } from '../../core/geometry';
import { trackBoxAt, trackSpan } from '../../core/tracks';
import { keyframe, track } from '../helpers/projects';

describe('trackBoxAt', () => {
  const t = track('t1', [
    keyframe(10, { x: 0, y: 0, width: 100, height: 100 }),
    keyframe(20, { x: 100, y: 50, width: 200, height: 100 }),
    keyframe(21, { x: 110, y: 50, width: 200, height: 100 }),
  ]);

  it('returns the keyframe box on a keyframe', () => {
    expect(trackBoxAt(t, 10)).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    expect(trackBoxAt(t, 21)).toEqual({ x: 110, y: 50, width: 200, height: 100 });
  });

  it('interpolates linearly between keyframes', () => {
    expect(trackBoxAt(t, 15)).toEqual({ x: 50, y: 25, width: 150, height: 100 });
    expect(trackBoxAt(t, 12)!.x).toBeCloseTo(20);
  });

  it('has no box outside the span', () => {
    expect(trackBoxAt(t, 9)).toBeNull();
    expect(trackBoxAt(t, 22)).toBeNull();
    expect(trackSpan(t)).toEqual({ first: 10, last: 21 });
  });

  it('works for a single-keyframe track', () => {
    const single = track('s', [keyframe(5, { x: 1, y: 2, width: 3, height: 4 })]);
    expect(trackBoxAt(single, 5)).toEqual({ x: 1, y: 2, width: 3, height: 4 });
    expect(trackBoxAt(single, 4)).toBeNull();
    expect(trackBoxAt(single, 6)).toBeNull();
  });

  it('does not hand out the keyframe object itself', () => {
    const box = trackBoxAt(t, 10)!;
    box.x = 999;
    expect(t.keyframes[0].box.x).toBe(0);
  });
});

describe('geometry', () => {
  it('computes IoU', () => {
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 })).toBe(1);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 5, y: 0, width: 10, height: 10 })).toBeCloseTo(50 / 150);
    expect(iou({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 })).toBe(0);
  });

  it('pads on every side', () => {
    expect(padBox({ x: 10, y: 10, width: 100, height: 50 }, 0.1)).toEqual({ x: 0, y: 5, width: 120, height: 60 });
  });
});
