import { describe, expect, it } from 'vitest';
import { blurRadiusFor, buildRenderPlan, countPlannedRegions } from '../../core/renderPlan';
import { DEFAULT_BLUR_STYLE } from '../../core/project';
import { keyframe, projectWith, track } from '../helpers/projects';

const box = { x: 100, y: 100, width: 50, height: 60 };

describe('buildRenderPlan', () => {
  it('plans a region on every frame of a track span, padded and interpolated', () => {
    const plan = buildRenderPlan(
      projectWith([track('a', [keyframe(2, box), keyframe(6, { ...box, x: 140 })])]),
    );
    expect(plan.frames.map((f) => f.frame)).toEqual([2, 3, 4, 5, 6]);
    const at4 = plan.frames[2].regions[0];
    // x = 120 at frame 4, padded by 25 % of the size on each side and snapped outward.
    expect(at4.box).toEqual({ x: 107, y: 85, width: 76, height: 90 });
    expect(at4.trackId).toBe('a');
    expect(at4.type).toBe('gaussian');
    expect(at4.feather).toBe(Math.round(0.15 * 76));
  });

  it('skips rejected tracks but keeps pending and confirmed ones', () => {
    const plan = buildRenderPlan(
      projectWith([
        track('pending', [keyframe(0, box)]),
        track('confirmed', [keyframe(0, box)], { status: 'confirmed' }),
        track('rejected', [keyframe(0, box)], { status: 'rejected' }),
      ]),
    );
    expect(plan.frames[0].regions.map((r) => r.trackId).sort()).toEqual(['confirmed', 'pending']);
  });

  it('merges several tracks on the same frame and keeps frames sorted', () => {
    const plan = buildRenderPlan(
      projectWith([track('late', [keyframe(8, box), keyframe(9, box)]), track('early', [keyframe(1, box), keyframe(8, box)])]),
    );
    expect(plan.frames.map((f) => f.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(plan.frames.find((f) => f.frame === 8)!.regions).toHaveLength(2);
    expect(countPlannedRegions(plan)).toBe(10);
  });

  it('drops frames past the end of the source and regions entirely off-frame', () => {
    const plan = buildRenderPlan(
      projectWith([
        track('tail', [keyframe(98, box), keyframe(105, box)]),
        track('off', [keyframe(0, { x: 2000, y: 0, width: 50, height: 50 })]),
      ]),
    );
    expect(plan.frames.map((f) => f.frame)).toEqual([98, 99]);
  });

  it('keeps a box that hangs over the frame edge unsquashed', () => {
    const plan = buildRenderPlan(projectWith([track('edge', [keyframe(0, { x: -20, y: 10, width: 50, height: 50 })])]));
    expect(plan.frames[0].regions[0].box).toEqual({ x: -33, y: -3, width: 76, height: 76 });
  });

  it('scales blur strength with the face size', () => {
    const small = blurRadiusFor(DEFAULT_BLUR_STYLE, { x: 0, y: 0, width: 20, height: 24 });
    const large = blurRadiusFor(DEFAULT_BLUR_STYLE, { x: 0, y: 0, width: 200, height: 240 });
    expect(large).toBeGreaterThan(small * 5);
    expect(large).toBe(40);
    const pixelate = blurRadiusFor({ ...DEFAULT_BLUR_STYLE, type: 'pixelate' }, { x: 0, y: 0, width: 200, height: 240 });
    expect(pixelate % 2).toBe(0);
    expect(blurRadiusFor({ ...DEFAULT_BLUR_STYLE, strength: 2 }, { x: 0, y: 0, width: 200, height: 240 })).toBe(80);
  });
});
